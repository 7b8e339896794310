/**
 * Checks a planned TF call before it reaches TensorFlow: libtensorflow answers some bad arguments
 * with a C++ CHECK that aborts the whole process, so only calls TF documents as valid get through.
 */
import { tfAcceptedOutputRange } from '../../src/geometry/conventions.js';
import { elementCount } from '../../src/tensor.js';
import type { TfCallPlan, TfjsCallPlan } from './calls.js';
import { tfjsForwardSize } from './pads.js';

/** A call tconv will not make (a tconv bug, not a TF result): execute rethrows it. */
export class RefusedCall extends Error {
  override readonly name = 'RefusedCall';
}

const positiveInts = (values: readonly number[]): boolean =>
  values.every((value) => Number.isSafeInteger(value) && value >= 1);

/** Why the call must not be made, or null when TF accepts it. */
export function tfCallProblem(call: TfCallPlan | TfjsCallPlan): string | null {
  const { xShape, outputShape, pad } = call;
  if (pad !== 'same' && pad !== 'valid') return `pad ${String(pad)} is neither 'same' nor 'valid'`;
  const shapes = shapeProblem(call);
  if (shapes) return shapes;
  const rank = call.op === 'conv3dTranspose' ? 3 : 2;
  const { filterShape, strides } = call;
  for (let a = 0; a < rank; a++) {
    const params = { inputSize: xShape[a + 1]!, kernelSize: filterShape[a]!, stride: strides[a]!, dilation: 1 };
    const [low, high] = tfAcceptedOutputRange(params, pad === 'same' ? 'SAME' : 'VALID');
    const size = outputShape[a + 1]!;
    if (size < low || size > high)
      return `TF rejects output size ${size} on spatial axis ${a} with '${pad}' (accepted [${low}, ${high}])`;
  }
  return null;
}

/** Ranks, positive sizes, batch and channels of x, filter and outputShape. */
function shapeProblem(call: TfCallPlan | TfjsCallPlan): string | null {
  const rank = call.op === 'conv3dTranspose' ? 3 : 2;
  const { xShape, filterShape, outputShape, strides } = call;
  if (
    xShape.length !== rank + 2 ||
    outputShape.length !== rank + 2 ||
    filterShape.length !== rank + 2 ||
    strides.length !== rank
  ) {
    return `ranks do not fit ${call.op}: x [${xShape.join(', ')}], filter [${filterShape.join(', ')}], outputShape [${outputShape.join(', ')}], strides [${strides.join(', ')}]`;
  }
  if (![xShape, filterShape, outputShape, strides].every(positiveInts))
    return 'a shape or stride is not a positive integer';
  if (xShape[0] !== outputShape[0]) return `batch ${xShape[0]} of x differs from outputShape's ${outputShape[0]}`;
  if (filterShape[rank + 1] !== xShape[rank + 1])
    return `filter C_in ${filterShape[rank + 1]} differs from x channels ${xShape[rank + 1]}`;
  if (filterShape[rank] !== outputShape[rank + 1])
    return `filter C_out ${filterShape[rank]} differs from outputShape channels ${outputShape[rank + 1]}`;
  return null;
}

/**
 * Why a tf.conv2dTranspose with a numeric or explicit pad must not be made, or null. tfjs does
 * not check outputShape against x for these (runners/tfjs/pads.ts), so tconv does: on every
 * axis the rows tfjs reads, trunc((o + top + bottom - k)/s + 1), must be x's size.
 */
export function tfjsPadProblem(call: TfjsCallPlan): string | null {
  const { pad } = call;
  if (call.op !== 'conv2dTranspose')
    return `tf.${call.op} takes only 'same' or 'valid', not pad ${JSON.stringify(pad)}`;
  const sides = padSides(pad);
  if (typeof sides === 'string') return sides;
  const shapes = shapeProblem(call);
  if (shapes) return shapes;
  const { xShape, filterShape, outputShape, strides } = call;
  for (let a = 0; a < 2; a++) {
    const [top, bottom] = sides[a]!;
    const read = tfjsForwardSize(outputShape[a + 1]!, filterShape[a]!, strides[a]!, top, bottom);
    if (read !== xShape[a + 1])
      return `with pads [${top}, ${bottom}] tfjs would read ${read} rows of x on spatial axis ${a}, which has ${xShape[a + 1]} (tfjs does not check this)`;
  }
  return null;
}

/** [[top, bottom], [left, right]] of a numeric or explicit pad, or why it is not one. */
function padSides(pad: TfjsCallPlan['pad']): (readonly [number, number])[] | string {
  const nonNegative = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
  if (typeof pad === 'number') {
    return nonNegative(pad)
      ? [
          [pad, pad],
          [pad, pad],
        ]
      : `numeric pad ${pad} is not a non-negative integer`;
  }
  if (typeof pad === 'string') return `pad '${pad}' is not a numeric or explicit pad`;
  const [batch, height, width, channels] = pad;
  if (pad.length !== 4 || [batch, channels].some((side) => side?.[0] !== 0 || side[1] !== 0))
    return `explicit pads ${JSON.stringify(pad)} must be [[0, 0], [top, bottom], [left, right], [0, 0]]`;
  if (![...height, ...width].every(nonNegative))
    return `explicit pads ${JSON.stringify(pad)} must be non-negative integers`;
  return [height, width];
}

/** Why a planned tfjs call must not be made: TF's checks for 'same'/'valid', tfjs pads otherwise. */
export function tfjsCallProblem(call: TfjsCallPlan): string | null {
  return typeof call.pad === 'string' ? tfCallProblem(call) : tfjsPadProblem(call);
}

/** Why the data cannot feed the call, or null. */
export function tfDataProblem(
  call: TfCallPlan | TfjsCallPlan,
  xs: readonly Float32Array[],
  filters: readonly Float32Array[],
  bias: Float32Array | null,
): string | null {
  if (xs.length !== call.groupCalls || filters.length !== call.groupCalls)
    return `expected ${call.groupCalls} inputs and filters`;
  if (xs.some((x) => x.length !== elementCount(call.xShape)))
    return `an input does not have ${elementCount(call.xShape)} elements`;
  if (filters.some((f) => f.length !== elementCount(call.filterShape)))
    return `a filter does not have ${elementCount(call.filterShape)} elements`;
  const channels = call.outputShape[call.outputShape.length - 1]! * call.groupCalls;
  if (bias && bias.length !== channels) return `bias has ${bias.length} values, not ${channels}`;
  return null;
}
