/**
 * Runs a planned call on any tfjs backend (tfjs-node here; the pure-JS CPU backend later) and
 * returns the output in the case's layout. TF computes the convolution, the group concatenation
 * and the bias; tconv only moves data (layouts, group slices, the emulated crop).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { CaseTensors } from '../../src/tensor.js';
import type { TfCallPlan, TfjsCallPlan } from './calls.js';
import { channelsLastToFirst } from '../../src/layout.js';
import { channelSlice, channelsLastInput, cropChannelsLast, tfFilter } from './tensors.js';
import { RefusedCall, tfCallProblem, tfDataProblem, tfjsCallProblem } from './validate.js';

/** The part of the tfjs API this runner uses. */
export type TfOps = Pick<
  typeof tfc,
  'tidy' | 'tensor1d' | 'tensor4d' | 'tensor5d' | 'conv2dTranspose' | 'conv3dTranspose' | 'concat' | 'add'
>;

type Shape4 = [number, number, number, number];
type Shape5 = [number, number, number, number, number];

/** tfjs's pad argument (a fresh mutable copy of explicit pads, which tfjs types as mutable). */
function conv2dPad(pad: TfjsCallPlan['pad']): Parameters<TfOps['conv2dTranspose']>[4] {
  if (typeof pad === 'string' || typeof pad === 'number') return pad;
  const [, [top, bottom], [left, right]] = pad;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

function conv(tf: TfOps, call: TfjsCallPlan, x: Float32Array, filter: Float32Array): tfc.Tensor {
  const { xShape, filterShape, outputShape, strides, pad } = call;
  if (call.op === 'conv2dTranspose') {
    return tf.conv2dTranspose(
      tf.tensor4d(x, xShape as Shape4, 'float32'),
      tf.tensor4d(filter, filterShape as Shape4, 'float32'),
      outputShape as Shape4,
      strides as [number, number],
      conv2dPad(pad),
    );
  }
  if (pad !== 'same' && pad !== 'valid') throw new RefusedCall(`tf.conv3dTranspose takes only 'same' or 'valid'`);
  return tf.conv3dTranspose(
    tf.tensor5d(x, xShape as Shape5, 'float32'),
    tf.tensor5d(filter, filterShape as Shape5, 'float32'),
    outputShape as Shape5,
    strides as [number, number, number],
    pad,
  );
}

/** The TF calls of one plan, concatenated on channels, plus bias: channels-last float32. */
export function runTfCalls(
  tf: TfOps,
  call: TfCallPlan,
  xs: readonly Float32Array[],
  filters: readonly Float32Array[],
  bias: Float32Array | null,
): Float32Array {
  return runCheckedCalls(tf, call, xs, filters, bias, tfCallProblem(call) ?? tfDataProblem(call, xs, filters, bias));
}

/** runTfCalls for tfjs backends that also take numeric and explicit pads (CPU, wasm). */
export function runTfjsCalls(
  tf: TfOps,
  call: TfjsCallPlan,
  xs: readonly Float32Array[],
  filters: readonly Float32Array[],
  bias: Float32Array | null,
): Float32Array {
  return runCheckedCalls(tf, call, xs, filters, bias, tfjsCallProblem(call) ?? tfDataProblem(call, xs, filters, bias));
}

function runCheckedCalls(
  tf: TfOps,
  call: TfjsCallPlan,
  xs: readonly Float32Array[],
  filters: readonly Float32Array[],
  bias: Float32Array | null,
  problem: string | null,
): Float32Array {
  if (problem) throw new RefusedCall(`tconv refused to call tf.${call.op}: ${problem}`);
  const y = tf.tidy(() => {
    const outputs = xs.map((x, g) => conv(tf, call, x, filters[g]!));
    const joined = outputs.length === 1 ? outputs[0]! : tf.concat(outputs, -1);
    return bias ? tf.add(joined, tf.tensor1d(bias, 'float32')) : joined;
  });
  try {
    return Float32Array.from(y.dataSync<'float32'>());
  } finally {
    y.dispose();
  }
}

/** Inputs and filters of each group's TF call. */
export function tfCallData(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
): { xs: Float32Array[]; filters: Float32Array[] } {
  const problem = tensorProblem(geometry, tensors);
  if (problem) throw new RefusedCall(`tconv tfjs runner: ${problem}`);
  const input = channelsLastInput(geometry, tensors.input);
  const groups = Array.from({ length: geometry.group }, (_, g) => g);
  const cg = geometry.inChannelsPerGroup;
  return {
    xs: groups.map((g) => channelSlice(input, geometry.inChannels, g * cg, cg)),
    filters: groups.map((g) => tfFilter(geometry, tensors.weight, g)),
  };
}

function tensorProblem(geometry: ConvTransposeGeometry, tensors: CaseTensors): string | null {
  if (tensors.input.length !== geometry.inputElements)
    return `input has ${tensors.input.length} elements, the geometry ${geometry.inputElements}`;
  if (tensors.weight.length !== geometry.weightElements)
    return `weight has ${tensors.weight.length} elements, the geometry ${geometry.weightElements}`;
  if (geometry.hasBias && tensors.bias?.length !== geometry.outChannels)
    return `bias must have ${geometry.outChannels} values`;
  return null;
}

/** TF's channels-last output -> the case's output: crop when emulated, then the case layout. */
export function caseOutput(
  geometry: ConvTransposeGeometry,
  call: TfCallPlan | TfjsCallPlan,
  y: Float32Array,
  bias: Float32Array | null,
): Float32Array {
  const channels = geometry.outChannels;
  const cropped = call.crop ? cropChannelsLast(y, call.outputShape.slice(1, -1), call.crop, channels, bias) : y;
  return geometry.channelsLast ? cropped : channelsLastToFirst(cropped, geometry.batch, channels);
}

/** The whole execution on a loaded tfjs: data in, TF calls, data out. Throws TF's errors. */
export function executeTfPlan(
  tf: TfOps,
  geometry: ConvTransposeGeometry,
  call: TfCallPlan,
  tensors: CaseTensors,
): Float32Array {
  const { xs, filters } = tfCallData(geometry, tensors);
  const bias = geometry.hasBias ? tensors.bias : null;
  return caseOutput(geometry, call, runTfCalls(tf, call, xs, filters, bias), bias);
}

/** executeTfPlan for tfjs backends that also take numeric and explicit pads (CPU, wasm). */
export function executeTfjsPlan(
  tf: TfOps,
  geometry: ConvTransposeGeometry,
  call: TfjsCallPlan,
  tensors: CaseTensors,
): Float32Array {
  const { xs, filters } = tfCallData(geometry, tensors);
  const bias = geometry.hasBias ? tensors.bias : null;
  return caseOutput(geometry, call, runTfjsCalls(tf, call, xs, filters, bias), bias);
}
