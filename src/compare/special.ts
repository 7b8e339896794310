/**
 * Comparison of one element of a case with special values (reference/special.ts): the output must
 * take one of the outcomes the definition allows there (NaN, +Inf, -Inf or a finite value within
 * the tolerance; several where the float32 summation order decides), and with
 * `tolerance: {signed_zero: true}` a zero must carry the sign the definition gives it.
 */
import {
  OUTCOME_FINITE,
  OUTCOME_NAN,
  OUTCOME_NEG_INF,
  OUTCOME_POS_INF,
  type SpecialValues,
} from '../reference/special.js';
import type { SpecialSummary } from './types.js';

/** What went wrong at one element of a special-value case, or 'ok' / 'alternative' (accepted). */
export type SpecialVerdict =
  | 'ok'
  /** An order-dependent element took an outcome other than the definition's: accepted. */
  | 'alternative'
  /** The reference is NaN, the output is not. */
  | 'nan-lost'
  /** The reference is +-Inf, the output is finite or NaN. */
  | 'inf-lost'
  /** The reference is +-Inf, the output is the other infinity. */
  | 'inf-sign'
  /** The reference is finite, the output is NaN or +-Inf (not an allowed outcome). */
  | 'spurious-non-finite'
  /** A finite output beyond the tolerance. */
  | 'value'
  /** A zero of the wrong sign (signed_zero only). */
  | 'zero-sign';

function outcomeOf(value: number): number {
  if (Number.isNaN(value)) return OUTCOME_NAN;
  if (value === Number.POSITIVE_INFINITY) return OUTCOME_POS_INF;
  if (value === Number.NEGATIVE_INFINITY) return OUTCOME_NEG_INF;
  return OUTCOME_FINITE;
}

/** The verdict of one element: `allowed` is the tolerance's absolute allowance at `expected`. */
export function specialVerdict(
  actual: number,
  expected: number,
  allowed: number,
  special: SpecialValues,
  index: number,
): SpecialVerdict {
  const outcomes = special.outcomes[index]!;
  const got = outcomeOf(actual);
  const primary = outcomeOf(expected);
  if (got !== primary) {
    if (outcomes & got) return 'alternative';
    if (primary === OUTCOME_NAN) return 'nan-lost';
    if (primary === OUTCOME_FINITE) return 'spurious-non-finite';
    return got === OUTCOME_FINITE || got === OUTCOME_NAN ? 'inf-lost' : 'inf-sign';
  }
  if (got !== OUTCOME_FINITE) return 'ok';
  if (!(Math.abs(actual - expected) <= allowed)) return 'value';
  const sign = special.zeroSign[index]!;
  if (special.signedZero && actual === 0 && sign !== 0 && (Object.is(actual, -0) ? -1 : 1) !== sign) {
    return 'zero-sign';
  }
  return 'ok';
}

/** Counts of each special verdict, for `NonFiniteSummary.special`. */
export class SpecialTally {
  private readonly counts: Record<Exclude<SpecialVerdict, 'ok' | 'value'>, number> = {
    alternative: 0,
    'nan-lost': 0,
    'inf-lost': 0,
    'inf-sign': 0,
    'spurious-non-finite': 0,
    'zero-sign': 0,
  };

  add(verdict: SpecialVerdict): void {
    if (verdict !== 'ok' && verdict !== 'value') this.counts[verdict]++;
  }

  summary(special: SpecialValues): SpecialSummary {
    const c = this.counts;
    return {
      nanLost: c['nan-lost'],
      infLost: c['inf-lost'],
      infSign: c['inf-sign'],
      zeroSign: c['zero-sign'],
      orderDependent: special.orderDependent,
      alternative: c.alternative,
      signedZero: special.signedZero,
    };
  }
}

/** One line on the special-value classes, for reports; '' when there is nothing to say. */
export function describeSpecial(summary: SpecialSummary): string {
  const parts: string[] = [];
  if (summary.nanLost) parts.push(`${summary.nanLost} NaN not reproduced`);
  if (summary.infLost) parts.push(`${summary.infLost} infinities not reproduced`);
  if (summary.infSign) parts.push(`${summary.infSign} infinities of the wrong sign`);
  if (summary.zeroSign) parts.push(`${summary.zeroSign} zeros of the wrong sign`);
  if (summary.orderDependent) {
    parts.push(
      `${summary.orderDependent} order-dependent elements (float32 partial sums may overflow: either outcome accepted), ${summary.alternative} took the other outcome`,
    );
  }
  return parts.join('; ');
}
