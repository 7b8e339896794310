/** Element-wise comparison under a tolerance; returns data, never throws. */
import { float32ErrorBound } from '../reference/index.js';
import { float32Ulp, type Tolerance } from './tolerance.js';

/** What a correct float32 implementation may differ by, per element. */
export interface ErrorBudget {
  readonly tolerance: Tolerance;
  /** For `auto`: terms summed and sum of |products| per element (from the reference). */
  readonly termCount?: ArrayLike<number>;
  readonly absSum?: ArrayLike<number>;
}

export function allowedDifference(budget: ErrorBudget, expected: number, index: number): number {
  const tolerance = budget.tolerance;
  switch (tolerance.kind) {
    case 'absRel':
      return tolerance.atol + tolerance.rtol * Math.abs(expected);
    case 'ulp':
      return tolerance.ulp * float32Ulp(expected);
    case 'auto': {
      const terms = budget.termCount?.[index] ?? 1;
      const absSum = budget.absSum?.[index] ?? Math.abs(expected);
      return float32ErrorBound(terms, absSum, expected);
    }
  }
}

/**
 * Whether `actual` is close to `expected` given the allowed absolute difference: equal values
 * (including equal infinities) are close, two NaNs are close only with `nanEqual`, any other
 * non-finite pair is not, finite pairs are close when |actual - expected| <= allowed.
 */
export function isClose(actual: number, expected: number, allowed: number, nanEqual = false): boolean {
  if (actual === expected) return true;
  const diff = Math.abs(actual - expected);
  if (Number.isNaN(diff)) return nanEqual && Number.isNaN(actual) && Number.isNaN(expected);
  return diff <= allowed; // diff is Infinity when only one side is infinite: not close
}

export interface ValueComparison {
  readonly matched: boolean;
  readonly total: number;
  readonly mismatched: number;
  readonly maxAbsDiff: number;
  readonly maxAbsIndex: number;
  readonly maxRelDiff: number;
  readonly maxRelIndex: number;
}

/**
 * Quick element-wise check (no statistics): see `compareOutcome` in outcome.ts for the full
 * comparison. `maxAbsDiff` is NaN when a NaN mismatch occurs before any larger difference.
 */
export function compareValues(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  budget: ErrorBudget,
): ValueComparison {
  let mismatched = 0;
  let maxAbsDiff = 0;
  let maxAbsIndex = -1;
  let maxRelDiff = 0;
  let maxRelIndex = -1;
  for (let index = 0; index < expected.length; index++) {
    const a = actual[index]!;
    const e = expected[index]!;
    const diff = a === e ? 0 : Math.abs(a - e);
    if (!isClose(a, e, allowedDifference(budget, e, index))) mismatched++;
    if (diff > maxAbsDiff || (Number.isNaN(diff) && maxAbsIndex < 0)) {
      maxAbsDiff = diff;
      maxAbsIndex = index;
    }
    const rel = e === 0 ? (diff === 0 ? 0 : Infinity) : diff / Math.abs(e);
    if (rel > maxRelDiff) {
      maxRelDiff = rel;
      maxRelIndex = index;
    }
  }
  mismatched += Math.max(0, actual.length - expected.length); // a shorter output mismatches (NaN) above
  return {
    matched: mismatched === 0,
    total: expected.length,
    mismatched,
    maxAbsDiff,
    maxAbsIndex,
    maxRelDiff,
    maxRelIndex,
  };
}
