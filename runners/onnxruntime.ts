/**
 * ONNX Runtime (onnxruntime-node, CPU) as a runner: each ONNX spelling of the geometry (explicit
 * pads, auto_pad, output_shape; spellings.ts) runs as a one-node ConvTranspose model, opset 17.
 * Isolated: it runs in a child process, since a native abort must not take tconv down.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import type { CaseTensors } from '../src/tensor.js';
import { expressibleSpellings, onnxPlan, onnxShapes } from './onnx/call.js';
import { channelsLastShape, toChannelsFirst, toChannelsLast } from './onnx/layout.js';
import { buildConvTransposeModel } from './onnx/model.js';
import { loadOrt, messageOf, ortPackageVersion, sessionFor } from './onnx/session.js';
import type { ExecuteResult, Expression, Runner } from './types.js';

/** The model bytes of one variant; throws (a harness bug, not ORT's) for an unknown variant. */
export function modelFor(geometry: ConvTransposeGeometry, variant: string): Uint8Array {
  const spelling = expressibleSpellings(geometry).find((candidate) => candidate.form === variant);
  if (!spelling) throw new Error(`onnxruntime: no expressible ONNX spelling '${variant}' for this geometry`);
  const { X, W, B } = onnxShapes(geometry);
  return buildConvTransposeModel(spelling.onnx, { X, W, B });
}

async function feeds(geometry: ConvTransposeGeometry, tensors: CaseTensors): Promise<InferenceSession.FeedsType> {
  const { Tensor } = await loadOrt();
  const { X, W, B } = onnxShapes(geometry);
  const input = geometry.channelsLast ? toChannelsFirst(tensors.input, geometry.inputShape) : tensors.input;
  const feed = { X: new Tensor('float32', input, X), W: new Tensor('float32', tensors.weight, W) };
  return B && tensors.bias ? { ...feed, B: new Tensor('float32', tensors.bias, B) } : feed;
}

/** ORT's Y (channels-first, whatever shape ORT computed) in the case's layout. */
function caseOutput(geometry: ConvTransposeGeometry, data: Float32Array, dims: readonly number[]): ExecuteResult {
  if (!geometry.channelsLast) return { status: 'ok', output: data.slice(), shape: [...dims] };
  return { status: 'ok', output: toChannelsLast(data, dims), shape: channelsLastShape(dims) };
}

async function execute(
  geometry: ConvTransposeGeometry,
  expression: Expression,
  tensors: CaseTensors,
): Promise<ExecuteResult> {
  const bytes = modelFor(geometry, expression.variant);
  try {
    const session = await sessionFor(bytes);
    const { Y } = await session.run(await feeds(geometry, tensors));
    if (!Y || Y.type !== 'float32')
      return { status: 'error', message: `onnxruntime returned no float32 Y (${Y?.type})` };
    return caseOutput(geometry, Y.data as Float32Array, Y.dims);
  } catch (error) {
    // ORT's own message: session creation (graph/attribute checks) or run (kernel checks).
    return { status: 'error', message: messageOf(error) };
  }
}

export const onnxruntimeRunner: Runner = {
  name: 'onnxruntime',
  isolated: true,
  plan: onnxPlan,
  load: async () => {
    await loadOrt();
    return `onnxruntime-node ${await ortPackageVersion()}`;
  },
  execute,
};
