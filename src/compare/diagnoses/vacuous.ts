/**
 * Whether an error bound can fail on this case. A loose bound (reduced precision) fits many wrong
 * outputs: with n terms, gamma_n = n*u / (1 - n*u) reaches 1.69 for bfloat16 at n = 161, so "within
 * the bound" would excuse any error up to the sum of |products|. A diagnosis may only name a cause
 * its test could refute, so `vacuousBound` refuses a bound with gamma_n >= 0.1 at the most terms
 * of any element, or whose allowance is, on average, half as large as the outputs themselves or
 * more (wrong outputs err by a fraction of the values: such a bound cannot tell them from right
 * ones).
 */
import { round3 } from './rounding-like.js';
import type { Allowed, DiagnosisInput } from './types.js';

/** A bound with gamma_n at or above this allows errors of the order of the values summed. */
export const VACUOUS_GAMMA = 0.1;
/** A bound whose mean allowance is at least this share of the mean |output| cannot fail usefully. */
export const VACUOUS_SHARE = 0.5;

/** gamma_n = n*u / (1 - n*u) (Higham): the relative bound of a sum of n terms; Infinity once n*u >= 1. */
export function gamma(terms: number, unitRoundoff: number): number {
  const nu = terms * unitRoundoff;
  return nu < 1 ? nu / (1 - nu) : Number.POSITIVE_INFINITY;
}

/** Why a bound with unit roundoff `u` (and allowance `allowed`) cannot fail here; null when it can. */
export function vacuousBound(input: DiagnosisInput, unitRoundoff: number, allowed: Allowed): string | null {
  const { termCount, output } = input.reference;
  let maxTerms = 0;
  for (let index = 0; index < termCount.length; index++) maxTerms = Math.max(maxTerms, termCount[index]!);
  const terms = maxTerms + 1;
  const g = gamma(terms, unitRoundoff);
  if (g >= VACUOUS_GAMMA) {
    return `its bound is vacuous here: gamma_n = n*u/(1-n*u) = ${Number.isFinite(g) ? round3(g) : 'Infinity'} for n = ${terms} terms (>= ${VACUOUS_GAMMA})`;
  }
  let allowedSum = 0;
  let magnitude = 0;
  let count = 0;
  for (let index = 0; index < output.length; index++) {
    const e = output[index]!;
    if (!Number.isFinite(e)) continue;
    allowedSum += allowed(e, index);
    magnitude += Math.abs(e);
    count++;
  }
  if (count > 0 && allowedSum >= VACUOUS_SHARE * magnitude) {
    return `its bound is vacuous here: it allows errors of the size of the outputs (mean allowed ${round3(allowedSum / count)} >= ${VACUOUS_SHARE} x mean |reference| ${round3(magnitude / count)})`;
  }
  return null;
}
