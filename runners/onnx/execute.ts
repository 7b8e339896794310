/**
 * One ONNX variant executed on an ONNX Runtime engine, whichever build: the engine-independent
 * part of a runner (model bytes, feeds, channels-last moves, ORT's errors as results). The
 * engine supplies its `ort` module (onnxruntime-node or onnxruntime-web: both export the
 * onnxruntime-common API) and its session cache.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { CaseTensors } from '../../src/tensor.js';
import type { ExecuteResult, Expression } from '../types.js';
import { expressibleSpellings, onnxShapes } from './call.js';
import { channelsFirstToLast, channelsLastShape, channelsLastToFirst } from '../../src/layout.js';
import { buildConvTransposeModel, type ConvTransposeNode } from './model.js';
import { messageOf } from './session.js';

/** What the shared code needs of an `ort` module. */
export interface OrtTensorApi {
  readonly Tensor: typeof Tensor;
}

export interface OnnxEngine {
  /** The runner's name, for messages. */
  readonly name: string;
  /** The loaded `ort` module; a rejection is returned as the variant's error. */
  readonly load: () => Promise<OrtTensorApi>;
  /** The engine's cached session for these model bytes. */
  readonly sessionFor: (bytes: Uint8Array) => Promise<InferenceSession>;
  /** A new session, not cached (a batch's graph is used once; runners/onnx/batch.ts). */
  readonly createSession?: (bytes: Uint8Array) => Promise<InferenceSession>;
  /** Passed to session.run (onnxruntime-web logs kernel errors at the run's severity). */
  readonly runOptions?: InferenceSession.RunOptions;
}

/** The node of one variant; throws (a harness bug, not ORT's) for an unknown variant. */
export function variantNode(runnerName: string, geometry: ConvTransposeGeometry, variant: string): ConvTransposeNode {
  const spelling = expressibleSpellings(geometry).find((candidate) => candidate.form === variant);
  if (!spelling) throw new Error(`${runnerName}: no expressible ONNX spelling '${variant}' for this geometry`);
  const { X, W, B } = onnxShapes(geometry);
  return { attributes: spelling.onnx, shapes: { X, W, B } };
}

/** The model bytes of one variant; throws (a harness bug, not ORT's) for an unknown variant. */
export function variantModel(runnerName: string, geometry: ConvTransposeGeometry, variant: string): Uint8Array {
  const { attributes, shapes } = variantNode(runnerName, geometry, variant);
  return buildConvTransposeModel(attributes, shapes);
}

/** X, W[, B] as the model's inputs; X moved to channels-first when the case is channels-last. */
export function onnxFeeds(
  ort: OrtTensorApi,
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
): InferenceSession.FeedsType {
  const { X, W, B } = onnxShapes(geometry);
  const input = geometry.channelsLast
    ? channelsLastToFirst(tensors.input, geometry.batch, geometry.inChannels)
    : tensors.input;
  const feed = { X: new ort.Tensor('float32', input, X), W: new ort.Tensor('float32', tensors.weight, W) };
  return B && tensors.bias ? { ...feed, B: new ort.Tensor('float32', tensors.bias, B) } : feed;
}

/** ORT's Y (channels-first, whatever shape ORT computed) in the case's layout. */
export function caseOutput(
  geometry: ConvTransposeGeometry,
  data: Float32Array,
  dims: readonly number[],
): ExecuteResult {
  if (!geometry.channelsLast) return { status: 'ok', output: data.slice(), shape: [...dims] };
  return { status: 'ok', output: channelsFirstToLast(data, dims[0]!, dims[1]!), shape: channelsLastShape(dims) };
}

/** Runs one variant; ORT's own errors (session creation or run) come back as status 'error'. */
export async function executeOnnx(
  engine: OnnxEngine,
  geometry: ConvTransposeGeometry,
  expression: Expression,
  tensors: CaseTensors,
): Promise<ExecuteResult> {
  const bytes = variantModel(engine.name, geometry, expression.variant);
  try {
    const ort = await engine.load();
    const session = await engine.sessionFor(bytes);
    const feeds = onnxFeeds(ort, geometry, tensors);
    const { Y } = engine.runOptions ? await session.run(feeds, engine.runOptions) : await session.run(feeds);
    if (!Y || Y.type !== 'float32')
      return { status: 'error', message: `${engine.name} returned no float32 Y (${Y?.type})` };
    return caseOutput(geometry, Y.data as Float32Array, Y.dims);
  } catch (error) {
    return { status: 'error', message: messageOf(error) };
  }
}
