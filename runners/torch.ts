/**
 * PyTorch (CPU) as a runner, through a persistent Python child (runners/torch/bridge.py) that
 * tconv talks to over stdio with raw float32 payloads. Variants are PyTorch's own spellings of the
 * geometry (spellings.ts `torchSpellings`): 'padding' (torch.nn.functional.conv_transpose{N}d)
 * and 'output_size' (ConvTranspose{N}d.forward(x, output_size)); geometries PyTorch cannot spell
 * run as the labelled emulation 'full+crop' (runners/torch/call.ts).
 * Isolated: the runner host's child process owns the Python child; if that dies, the pipe closes
 * and the bridge exits.
 */
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import type { CaseTensors } from '../src/tensor.js';
import { channelsFirstToLast, channelsLastShape, channelsLastToFirst } from '../src/layout.js';
import { bridge, callBridge } from './torch/bridge.js';
import { callArguments, torchPlan, torchShapes } from './torch/call.js';
import { cropFull } from './torch/crop.js';
import type { ExecuteResult, Expression, Runner } from './types.js';

/** The case's output from PyTorch's channels-first output: cropped (emulation), then laid out. */
function caseOutput(
  geometry: ConvTransposeGeometry,
  data: Float32Array,
  shape: readonly number[],
  crop: boolean,
  bias: Float32Array | null,
): ExecuteResult {
  let output = data;
  let dims = [...shape];
  if (crop) {
    const expected = [geometry.batch, geometry.outChannels, ...geometry.axes.map((axis) => axis.fullSize)];
    if (dims.join() !== expected.join()) {
      return {
        status: 'error',
        message: `torch returned shape [${dims.join(', ')}] for the full output, expected [${expected.join(', ')}]; not cropped`,
      };
    }
    output = cropFull(geometry, data, bias);
    dims = [geometry.batch, geometry.outChannels, ...geometry.axes.map((axis) => axis.outputSize)];
  }
  if (!geometry.channelsLast) return { status: 'ok', output, shape: dims };
  return { status: 'ok', output: channelsFirstToLast(output, dims[0]!, dims[1]!), shape: channelsLastShape(dims) };
}

async function execute(
  geometry: ConvTransposeGeometry,
  expression: Expression,
  tensors: CaseTensors,
): Promise<ExecuteResult> {
  const { form, attributes, crop } = callArguments(geometry, expression);
  const input = geometry.channelsLast
    ? channelsLastToFirst(tensors.input, geometry.batch, geometry.inChannels)
    : tensors.input;
  const { input: inputShape, weight: weightShape } = torchShapes(geometry, []);
  const reply = await callBridge({
    form,
    rank: geometry.rank,
    input: inputShape,
    weight: weightShape,
    ...attributes,
    tensors: { input, weight: tensors.weight, bias: geometry.hasBias ? tensors.bias : null },
  });
  if (!reply.ok) return { status: 'error', message: reply.error };
  return caseOutput(geometry, reply.output, reply.shape, crop, geometry.hasBias ? tensors.bias : null);
}

export const torchRunner: Runner = {
  name: 'torch',
  isolated: true,
  plan: torchPlan,
  load: async () => {
    const { versions } = await bridge();
    return `torch ${versions.torch} (python ${versions.python})`;
  },
  execute,
};
