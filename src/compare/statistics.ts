/** One O(n) pass over the output: closeness, error statistics, non-finite counts, worst elements. */
import type { SpecialValues } from '../reference/special.js';
import type { OutputIndexer } from './coords.js';
import { encodeNumber } from './json.js';
import { SpecialTally, specialVerdict } from './special.js';
import { float32Ulp } from './tolerance.js';
import type { ElementReport, HistogramBucket, NonFiniteSummary, ValueStatistics } from './types.js';
import { allowedDifference, isClose, type ErrorBudget } from './values.js';

export const DEFAULT_WORST_COUNT = 5;

export interface StatisticsInput {
  readonly actual: ArrayLike<number>;
  readonly expected: ArrayLike<number>;
  readonly budget: ErrorBudget;
  readonly nanEqual: boolean;
  readonly indexer: OutputIndexer;
  readonly worstCount?: number;
  /** The element classes of a case with special values: decide closeness (special.ts). */
  readonly special?: SpecialValues;
}

export interface StatisticsResult {
  readonly statistics: ValueStatistics;
  readonly nonFinite: NonFiniteSummary;
  /** 1 where the element is not close. */
  readonly mismatchMask: Uint8Array;
}

/** Upper bounds (inclusive) of the ULP buckets after 0: 1, 2-4, 5-16, 17-256, >256. */
const ULP_EDGES = [1, 4, 16, 256];
const ULP_LABELS = ['0', '1', '2-4', '5-16', '17-256', '>256'];
/** Upper bounds (inclusive) of the relative-error decades after 0. */
const REL_EDGES = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];

function bucketOf(value: number, edges: readonly number[]): number {
  if (value === 0) return 0;
  for (let bucket = 0; bucket < edges.length; bucket++) if (value <= edges[bucket]!) return bucket + 1;
  return edges.length + 1;
}

function histogram(counts: Float64Array, edges: readonly number[], labels: readonly string[]): HistogramBucket[] {
  const buckets: HistogramBucket[] = [{ label: labels[0]!, lower: 0, upper: 0, count: counts[0]! }];
  for (let bucket = 1; bucket <= edges.length + 1; bucket++) {
    const lower = bucket === 1 ? 0 : edges[bucket - 2]!;
    const upper = bucket <= edges.length ? edges[bucket - 1]! : Number.POSITIVE_INFINITY;
    buckets.push({
      label: labels[bucket]!,
      lower: encodeNumber(lower),
      upper: encodeNumber(upper),
      count: counts[bucket]!,
    });
  }
  return buckets;
}

function relativeLabels(): string[] {
  const labels = ['0'];
  let lower = '0';
  for (const edge of REL_EDGES) {
    const upper = edge === 1 ? '1' : edge.toExponential(0);
    labels.push(`(${lower}, ${upper}]`);
    lower = upper;
  }
  labels.push('> 1');
  return labels;
}
const REL_LABELS = relativeLabels();

/** |a - e| / |e|, Infinity when e is 0 and they differ. */
export function relativeDifference(diff: number, expected: number): number {
  if (diff === 0) return 0;
  return expected === 0 ? Number.POSITIVE_INFINITY : diff / Math.abs(expected);
}

/** Full report of one element. */
export function elementReport(
  index: number,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  budget: ErrorBudget,
  nanEqual: boolean,
  indexer: OutputIndexer,
): ElementReport {
  const a = actual[index]!;
  const e = expected[index]!;
  const allowed = allowedDifference(budget, e, index);
  const diff = a === e ? 0 : Math.abs(a - e);
  const coordinates = indexer.coordinates(index);
  return {
    index,
    coordinates,
    named: indexer.named(coordinates),
    actual: encodeNumber(a),
    expected: encodeNumber(e),
    absDiff: encodeNumber(diff),
    relDiff: encodeNumber(relativeDifference(diff, e)),
    ulpDiff: encodeNumber(diff / float32Ulp(e)),
    allowed: encodeNumber(allowed),
    close: isClose(a, e, allowed, nanEqual),
  };
}

/** Severity key of an element for the worst-k list: tier, then ratio to the allowance, then diff. */
interface Severity {
  index: number;
  tier: number;
  ratio: number;
  diff: number;
}

function moreSevere(tier: number, ratio: number, diff: number, than: Severity): boolean {
  if (tier !== than.tier) return tier > than.tier;
  if (ratio !== than.ratio) return ratio > than.ratio;
  return diff > than.diff; // ties keep the earlier element
}

function isSpecialClose(a: number, e: number, allowed: number, special: SpecialValues, index: number): boolean {
  const verdict = specialVerdict(a, e, allowed, special, index);
  return verdict === 'ok' || verdict === 'alternative';
}

export function computeStatistics(input: StatisticsInput): StatisticsResult {
  const { actual, expected, budget, nanEqual, indexer } = input;
  const worstCount = Math.max(0, Math.floor(input.worstCount ?? DEFAULT_WORST_COUNT));
  const total = expected.length;
  const mask = new Uint8Array(total);
  const diffs = new Float64Array(total);
  const ulpCounts = new Float64Array(ULP_LABELS.length);
  const relCounts = new Float64Array(REL_LABELS.length);
  const worst: Severity[] = [];
  let compared = 0;
  let mismatched = 0;
  let sum = 0;
  let maxAbs = -1;
  let maxAbsIndex = -1;
  let maxRel = -1;
  let maxRelIndex = -1;
  let maxUlp = 0;
  let relImpossible = false;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  let firstNan = -1;
  let firstPosInf = -1;
  let firstNegInf = -1;
  let referenceNonFinite = 0;
  let referenceNonFiniteMismatched = 0;
  const special = input.special;
  const tally = new SpecialTally();

  for (let index = 0; index < total; index++) {
    const a = actual[index]!;
    const e = expected[index]!;
    const allowed = allowedDifference(budget, e, index);
    let close: boolean;
    let tier = 1;
    let ratio = 0;
    let diff = 0;
    if (Number.isFinite(a) && Number.isFinite(e)) {
      diff = Math.abs(a - e);
      close = diff <= allowed;
      diffs[compared++] = diff;
      sum += diff;
      if (diff > maxAbs) {
        maxAbs = diff;
        maxAbsIndex = index;
      }
      const rel = relativeDifference(diff, e);
      if (rel > maxRel) {
        maxRel = rel;
        maxRelIndex = index;
      }
      if (rel === Number.POSITIVE_INFINITY) relImpossible = true;
      const ulps = diff / float32Ulp(e);
      if (ulps > maxUlp) maxUlp = ulps;
      ulpCounts[bucketOf(ulps, ULP_EDGES)]!++;
      relCounts[bucketOf(rel, REL_EDGES)]!++;
      ratio = allowed > 0 ? diff / allowed : diff > 0 ? Number.POSITIVE_INFINITY : 0;
    } else if (Number.isFinite(e)) {
      close = false;
      tier = 2;
      if (special && specialVerdict(a, e, allowed, special, index) === 'alternative') {
        // An order-dependent element (float32 partial sums may overflow): an accepted outcome.
        close = true;
        tier = 0;
      } else if (Number.isNaN(a)) {
        if (nan++ === 0) firstNan = index;
      } else if (a > 0) {
        if (posInf++ === 0) firstPosInf = index;
      } else if (negInf++ === 0) firstNegInf = index;
    } else {
      referenceNonFinite++;
      // With special values the definition's NaN / infinities are matched by class (special.ts):
      // NaN is then the IEEE 754 result, not a suspicious value needing nanEqual.
      close = special ? isSpecialClose(a, e, allowed, special, index) : isClose(a, e, allowed, nanEqual);
      if (!close) {
        referenceNonFiniteMismatched++;
        tier = 2;
      } else tier = 0;
    }
    if (special) {
      const verdict = specialVerdict(a, e, allowed, special, index);
      tally.add(verdict);
      if (verdict === 'zero-sign') {
        close = false;
        tier = 2;
      }
    }
    if (!close) {
      mask[index] = 1;
      mismatched++;
    }
    if (worstCount > 0) {
      const last = worst[worst.length - 1];
      if (worst.length < worstCount || moreSevere(tier, ratio, diff, last!)) {
        const entry = { index, tier, ratio, diff };
        let position = worst.length;
        while (position > 0 && moreSevere(tier, ratio, diff, worst[position - 1]!)) position--;
        worst.splice(position, 0, entry);
        if (worst.length > worstCount) worst.pop();
      }
    }
  }

  const sorted = diffs.subarray(0, compared).sort();
  const median =
    compared === 0
      ? 0
      : compared % 2 === 1
        ? sorted[(compared - 1) / 2]!
        : (sorted[compared / 2 - 1]! + sorted[compared / 2]!) / 2;
  const report = (index: number): ElementReport | null =>
    index < 0 ? null : elementReport(index, actual, expected, budget, nanEqual, indexer);
  const nonFiniteMismatch = nan + posInf + negInf + referenceNonFiniteMismatched > 0;

  const statistics: ValueStatistics = {
    total,
    mismatched,
    mismatchedFraction: total === 0 ? 0 : mismatched / total,
    compared,
    greatestAbsolute: report(maxAbsIndex),
    greatestRelative: report(maxRelIndex),
    absError: {
      mean: encodeNumber(compared === 0 ? 0 : sum / compared),
      median: encodeNumber(median),
      max: encodeNumber(Math.max(maxAbs, 0)),
    },
    ulpHistogram: histogram(ulpCounts, ULP_EDGES, ULP_LABELS),
    relativeHistogram: histogram(relCounts, REL_EDGES, REL_LABELS),
    worst: worst.map((entry) => report(entry.index)!),
    wouldPass: {
      atol: nonFiniteMismatch ? null : Math.max(maxAbs, 0),
      rtol: nonFiniteMismatch || relImpossible ? null : Math.max(maxRel, 0),
      ulp: nonFiniteMismatch ? null : maxUlp,
    },
  };
  const nonFinite: NonFiniteSummary = {
    nan,
    posInf,
    negInf,
    referenceNonFinite,
    referenceNonFiniteMismatched,
    firstNan: report(firstNan),
    firstPosInf: report(firstPosInf),
    firstNegInf: report(firstNegInf),
    ...(special ? { special: tally.summary(special) } : {}),
  };
  return { statistics, nonFinite, mismatchMask: mask };
}
