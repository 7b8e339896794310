/**
 * Per-element term counts and the float32 error bound a comparator derives from them.
 */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import { buildAxisTaps, paddedAxes } from './plan.js';

/** u: unit roundoff of float32 (round to nearest, 24-bit significand). */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/** Smallest normal float32: a product that underflows (or is flushed to zero) errs by less. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

/** gamma_n = n*u / (1 - n*u) (Higham, Accuracy and Stability, section 3.1); Infinity once n*u >= 1. */
export function float32Gamma(n: number): number {
  const nu = n * FLOAT32_UNIT_ROUNDOFF;
  return nu < 1 ? nu / (1 - nu) : Number.POSITIVE_INFINITY;
}

/**
 * Rigorous bound on |float32 result - reference| for one element.
 *
 * A float32 implementation sums n terms (termCount: the products, plus the bias); each product
 * of two float32 values is rounded once and the n - 1 additions are rounded in whatever order
 * (tree, blocked, FMA fuses a rounding away), so |fl(sum) - sum| <= gamma_n * sum|terms| =
 * gamma_n * absSum, whatever the order. gamma_{n+1} adds one more u*absSum of slack, which
 * covers the float64 reference's own error (<= n * 2^-53 * absSum) many times over. u*|value|
 * covers one final rounding to float32 (of the output, or of the reference by the comparator).
 * termCount * 2^-126 covers products that underflow, including flush-to-zero CPUs, where the
 * rounding error is absolute rather than relative.
 * Not covered: algorithms that do not sum the products (Winograd, FFT), reduced-precision
 * accumulation (TF32, float16), flushing subnormal inputs, overflow.
 */
export function float32ErrorBound(termCount: number, absSum: number, value: number): number {
  return (
    float32Gamma(termCount + 1) * absSum + FLOAT32_UNIT_ROUNDOFF * Math.abs(value) + termCount * FLOAT32_MIN_NORMAL
  );
}

/** `float32ErrorBound` for every element. */
export function float32ErrorBounds(termCount: Uint32Array, absSum: Float64Array, output: Float64Array): Float64Array {
  const bounds = new Float64Array(output.length);
  for (let index = 0; index < output.length; index++) {
    bounds[index] = float32ErrorBound(termCount[index]!, absSum[index]!, output[index]!);
  }
  return bounds;
}

/** Per output index of each padded axis, how many kernel taps reach it. */
function tapCountsPerAxis(geometry: ConvTransposeGeometry): [Int32Array, Int32Array, Int32Array] {
  const [axisD, axisH, axisW] = paddedAxes(geometry);
  return [buildAxisTaps(axisD).tapCount, buildAxisTaps(axisH).tapCount, buildAxisTaps(axisW).tapCount];
}

/**
 * Products summed into each output element (layout order): taps reaching it along D, H and W,
 * times the C/group input channels of its group, plus one for the bias when present.
 */
export function computeTermCounts(geometry: ConvTransposeGeometry): Uint32Array {
  const plane = termCountPlane(geometry);
  const channels = geometry.outChannels;
  const counts = new Uint32Array(geometry.outputElements);
  for (let n = 0; n < geometry.batch; n++) {
    const imageBase = n * channels * plane.length;
    if (geometry.channelsLast) {
      plane.forEach((terms, pixel) => {
        const base = imageBase + pixel * channels;
        counts.fill(terms, base, base + channels);
      });
    } else {
      for (let m = 0; m < channels; m++) counts.set(plane, imageBase + m * plane.length);
    }
  }
  return counts;
}

/** Term count of each output pixel (D, H, W row-major); the same for every channel. */
function termCountPlane(geometry: ConvTransposeGeometry): Uint32Array {
  const [countD, countH, countW] = tapCountsPerAxis(geometry);
  const biasTerm = geometry.hasBias ? 1 : 0;
  const plane = new Uint32Array(countD.length * countH.length * countW.length);
  let pixel = 0;
  for (const d of countD) {
    for (const h of countH) {
      for (const w of countW) plane[pixel++] = d * h * w * geometry.inChannelsPerGroup + biasTerm;
    }
  }
  return plane;
}

/** Multiply-adds of one pass: N * M * (C/group) * (sum of tap counts along each axis, multiplied). */
export function multiplyAddCount(geometry: ConvTransposeGeometry): number {
  const sum = (counts: Int32Array): number => counts.reduce((total, count) => total + count, 0);
  const [countD, countH, countW] = tapCountsPerAxis(geometry);
  return geometry.batch * geometry.outChannels * geometry.inChannelsPerGroup * sum(countD) * sum(countH) * sum(countW);
}
