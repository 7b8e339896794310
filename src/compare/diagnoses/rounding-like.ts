/**
 * Whether errors within a loose error bound look like rounding (reduced-precision.ts asks, once
 * the bound is known not to be vacuous: vacuous.ts). Rounding at a coarser precision perturbs the
 * output everywhere: no region stays as exact as float32 while the rest is not; and its size grows
 * with the sum of |products| of each element. Anything else (a wrong region, an offset, a
 * per-channel slip) is not named reduced precision however small it is.
 */
import { spatialAxisNames } from '../coords.js';
import type { DiagnosisInput } from './types.js';

/** Fewer mismatches than this, or fewer usable elements than MIN_ELEMENTS, cannot show a pattern. */
const MIN_MISMATCHES = 8;
const MIN_ELEMENTS = 16;
/** A slice needs this many elements to be judged. */
const MIN_SLICE = 8;
/** The t statistic the growth of |error| with sum|products| must reach. */
const MIN_GROWTH_T = 3;

export const round3 = (value: number): string => String(Number(value.toPrecision(3)));

/** Per slice (one index of one axis): elements that count, and how many of them mismatch. */
interface SliceCounts {
  readonly name: string;
  readonly total: Float64Array;
  readonly mismatched: Float64Array;
}

/**
 * Elements whose error can be judged: finite on both sides, with some nonzero product summed (a
 * bias-only element, e.g. on a stride phase no dilated tap reaches, has nothing to round).
 */
function usable(input: DiagnosisInput, index: number): boolean {
  const { reference, geometry } = input;
  const a = input.actual[index]!;
  const products = reference.termCount[index]! - (geometry.hasBias ? 1 : 0);
  const bias = geometry.hasBias ? Math.abs(input.tensors.bias?.[input.indexer.channelOf(index)] ?? 0) : 0;
  return (
    products > 0 && reference.absSum[index]! > bias && Number.isFinite(a) && Number.isFinite(reference.output[index]!)
  );
}

function sliceCounts(input: DiagnosisInput): SliceCounts[] {
  const { indexer, geometry, mismatchMask } = input;
  const names = spatialAxisNames(geometry.rank);
  const dims = [0, indexer.channelDim, ...indexer.spatialDims];
  const labels = ['batch item', 'channel', ...names.map((name) => `${name} index`)];
  const slices = dims.map((dim, k) => ({
    dim,
    counts: {
      name: labels[k]!,
      total: new Float64Array(indexer.shape[dim]!),
      mismatched: new Float64Array(indexer.shape[dim]!),
    },
  }));
  for (let index = 0; index < mismatchMask.length; index++) {
    if (!usable(input, index)) continue;
    for (const { dim, counts } of slices) {
      const position = Math.floor(index / indexer.strides[dim]!) % indexer.shape[dim]!;
      counts.total[position]!++;
      if (mismatchMask[index] === 1) counts.mismatched[position]!++;
    }
  }
  return slices.map((slice) => slice.counts);
}

/**
 * A slice (e.g. one output column) with far fewer mismatches than the output as a whole: under
 * rounding every slice is hit alike (up to its term counts), so a run of near-exact slices is a
 * wrong region, not rounding. Returns its description, or null.
 */
function exactRegion(slices: readonly SliceCounts[], fraction: number): string | null {
  for (const slice of slices) {
    const quiet: number[] = [];
    for (let position = 0; position < slice.total.length; position++) {
      const m = slice.total[position]!;
      if (m < MIN_SLICE) continue;
      const k = slice.mismatched[position]!;
      const expected = fraction * m;
      const spread = Math.sqrt(m * fraction * (1 - fraction));
      if (k < expected / 2 && expected - k > 4 * spread + 1) quiet.push(position);
    }
    if (quiet.length > 0) {
      const shown = quiet.slice(0, 6).join(', ') + (quiet.length > 6 ? ', ...' : '');
      return `the errors are structured by position, not spread like rounding: ${slice.name} ${shown} (${quiet.length} of ${slice.total.length}) ${quiet.length === 1 ? 'is' : 'are'} almost exact while ${round3(100 * fraction)}% of the output mismatches`;
    }
  }
  return null;
}

interface Moments {
  readonly mean: number;
  readonly variance: number;
  readonly count: number;
}

function moments(values: readonly number[]): Moments {
  const count = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / count;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(count - 1, 1);
  return { mean, variance, count };
}

/**
 * Whether |error| grows with `scale` within each output channel: per channel, the mean |error| of
 * its elements with the larger scale (above the channel's median) against those with the smaller,
 * pooled over channels into one Welch-style t. Rounding errors grow with the sum of |products|
 * (accumulation, rounded operands) or with |output| (a rounded result); a per-channel slip (a
 * scaled bias, a wrong channel weight), an offset or noise is constant or unrelated within a
 * channel, whatever the sums do across channels.
 */
function growthT(input: DiagnosisInput, scale: (index: number) => number): { t: number; ratio: number } {
  const { actual, reference, indexer } = input;
  const channels = indexer.shape[indexer.channelDim]!;
  const perChannel = Array.from({ length: channels }, () => ({ sums: [] as number[], errors: [] as number[] }));
  for (let index = 0; index < actual.length; index++) {
    if (!usable(input, index)) continue;
    const channel = perChannel[indexer.channelOf(index)]!;
    channel.sums.push(scale(index));
    channel.errors.push(Math.abs(actual[index]! - reference.output[index]!));
  }
  let difference = 0;
  let variance = 0;
  let high = 0;
  let low = 0;
  for (const { sums, errors } of perChannel) {
    const order = sums.map((_, k) => k).sort((a, b) => sums[a]! - sums[b]!);
    const half = Math.floor(order.length / 2);
    if (half < 2) continue;
    const lower = moments(order.slice(0, half).map((k) => errors[k]!));
    const upper = moments(order.slice(order.length - half).map((k) => errors[k]!));
    difference += upper.mean - lower.mean;
    variance += upper.variance / upper.count + lower.variance / lower.count;
    high += upper.mean;
    low += lower.mean;
  }
  const t = variance > 0 ? difference / Math.sqrt(variance) : difference > 0 ? Number.POSITIVE_INFINITY : 0;
  return { t, ratio: low > 0 ? high / low : Number.POSITIVE_INFINITY };
}

/** Why errors within a loose bound are not rounding; null when they look like it. */
export function unlikeRounding(input: DiagnosisInput): string | null {
  const slices = sliceCounts(input);
  const total = slices[0]!.total.reduce((sum, value) => sum + value, 0);
  const mismatched = slices[0]!.mismatched.reduce((sum, value) => sum + value, 0);
  if (total < MIN_ELEMENTS || mismatched < MIN_MISMATCHES) {
    return `too few mismatching elements (${mismatched} of ${total}) to tell rounding from isolated errors`;
  }
  const region = exactRegion(slices, mismatched / total);
  if (region !== null) return region;
  const { reference } = input;
  const bySums = growthT(input, (index) => reference.absSum[index]!);
  const byOutput = growthT(input, (index) => Math.abs(reference.output[index]!));
  if (!(bySums.t >= MIN_GROWTH_T) && !(byOutput.t >= MIN_GROWTH_T)) {
    return `the errors are not shown to grow with the sum of |products| (or with |output|) as rounding errors do (within each channel, mean |error| of the elements with the larger sums ${round3(bySums.ratio)} times that of the smaller, t ${round3(bySums.t)}; with the larger |output| ${round3(byOutput.ratio)} times, t ${round3(byOutput.t)}; needs t >= ${MIN_GROWTH_T})`;
  }
  return null;
}
