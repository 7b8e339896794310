/**
 * Reduced precision: within the error bound of float16 / TF32 or bfloat16 arithmetic (not float32's).
 * Tried after the location patterns, because these bounds are loose enough to hide real bugs; so a
 * format is only named when its bound can fail on the case (not vacuous) and the errors look like
 * rounding (spread over the output, growing with the sum of |products|): see vacuous.ts and
 * rounding-like.ts.
 */
import { BFLOAT16_UNIT_ROUNDOFF, FLOAT16_UNIT_ROUNDOFF } from '../tolerance.js';
import type { TriedHypothesis } from '../types.js';
import { mismatchesAgainst } from './fit.js';
import { unlikeRounding } from './rounding-like.js';
import { gamma, vacuousBound } from './vacuous.js';
import { bySubject } from './subject.js';
import type { Allowed, DiagnosisInput, DiagnosisStep, Finding, ReferenceValues } from './types.js';

const FORMATS = [
  ['float16 / TF32 (11-bit significand)', FLOAT16_UNIT_ROUNDOFF],
  ['bfloat16 (8-bit significand)', BFLOAT16_UNIT_ROUNDOFF],
] as const;

/** The bound of an implementation with unit roundoff u (float32's bound with another u). */
function reducedPrecisionAllowed(unitRoundoff: number, reference: ReferenceValues): Allowed {
  return (expected, index) => {
    const terms = reference.termCount[index]! + 1;
    return gamma(terms, unitRoundoff) * reference.absSum[index]! + unitRoundoff * Math.abs(expected) + terms * 2 ** -24;
  };
}

function explanationFor(input: DiagnosisInput, name: string): Finding['explanation'] {
  return {
    kind: 'reduced-precision',
    detail:
      `consistent with ${name} arithmetic (within its error bound, not float32's, and spread like rounding): ` +
      bySubject(
        input,
        'the runner computes or accumulates in reduced precision (TF32 matmul, half-precision kernels)',
        'the expect was computed in reduced precision (TF32 matmul, half-precision kernels, a GPU)',
      ),
  };
}

export const reducedPrecisionStep: DiagnosisStep = {
  name: 'reduced-precision',
  kinds: ['reduced-precision'],
  explain({ input }): Finding {
    const tried: TriedHypothesis[] = [];
    for (const [name, u] of FORMATS) {
      const allowed = reducedPrecisionAllowed(u, input.reference);
      const notTried = vacuousBound(input, u, allowed);
      if (notTried !== null) {
        tried.push({ kind: 'reduced-precision', label: name, fits: false, mismatched: null, notTried });
        continue;
      }
      const mismatched = mismatchesAgainst(input, input.reference, allowed);
      const rejected = mismatched === 0 ? unlikeRounding(input) : null;
      const fits = mismatched === 0 && rejected === null;
      tried.push({ kind: 'reduced-precision', label: name, fits, mismatched, ...(rejected ? { rejected } : {}) });
      if (fits) return { tried, explanation: explanationFor(input, name) };
    }
    return { tried, explanation: null };
  },
};
