/**
 * Checks a planned TF call before it reaches TensorFlow: libtensorflow answers some bad arguments
 * with a C++ CHECK that aborts the whole process, so only calls TF documents as valid get through.
 */
import { tfAcceptedOutputRange } from '../../src/geometry/conventions.js';
import { elementCount } from '../../src/tensor.js';
import type { TfCallPlan } from './calls.js';

/** A call tconv will not make (a tconv bug, not a TF result): execute rethrows it. */
export class RefusedCall extends Error {
  override readonly name = 'RefusedCall';
}

const positiveInts = (values: readonly number[]): boolean =>
  values.every((value) => Number.isSafeInteger(value) && value >= 1);

/** Why the call must not be made, or null when TF accepts it. */
export function tfCallProblem(call: TfCallPlan): string | null {
  const rank = call.op === 'conv3dTranspose' ? 3 : 2;
  const { xShape, filterShape, outputShape, strides, pad } = call;
  if (pad !== 'same' && pad !== 'valid') return `pad ${String(pad)} is neither 'same' nor 'valid'`;
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
  for (let a = 0; a < rank; a++) {
    const params = { inputSize: xShape[a + 1]!, kernelSize: filterShape[a]!, stride: strides[a]!, dilation: 1 };
    const [low, high] = tfAcceptedOutputRange(params, pad === 'same' ? 'SAME' : 'VALID');
    const size = outputShape[a + 1]!;
    if (size < low || size > high)
      return `TF rejects output size ${size} on spatial axis ${a} with '${pad}' (accepted [${low}, ${high}])`;
  }
  return null;
}

/** Why the data cannot feed the call, or null. */
export function tfDataProblem(
  call: TfCallPlan,
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
