/**
 * Reduced precision: within the error bound of float16 / TF32 or bfloat16 arithmetic (not float32's).
 * Tried after the location patterns, because these bounds are loose enough to hide real bugs.
 */
import { BFLOAT16_UNIT_ROUNDOFF, FLOAT16_UNIT_ROUNDOFF } from '../tolerance.js';
import type { TriedHypothesis } from '../types.js';
import { mismatchesAgainst } from './fit.js';
import type { Allowed, DiagnosisStep, Finding, ReferenceValues } from './types.js';

const FORMATS = [
  ['float16 / TF32 (11-bit significand)', FLOAT16_UNIT_ROUNDOFF],
  ['bfloat16 (8-bit significand)', BFLOAT16_UNIT_ROUNDOFF],
] as const;

/** The bound of an implementation with unit roundoff u (float32's bound with another u). */
function reducedPrecisionAllowed(unitRoundoff: number, reference: ReferenceValues): Allowed {
  return (expected, index) => {
    const terms = reference.termCount[index]! + 1;
    const nu = terms * unitRoundoff;
    const gamma = nu < 1 ? nu / (1 - nu) : Number.POSITIVE_INFINITY;
    return gamma * reference.absSum[index]! + unitRoundoff * Math.abs(expected) + terms * 2 ** -24;
  };
}

export const reducedPrecisionStep: DiagnosisStep = {
  name: 'reduced-precision',
  kinds: ['reduced-precision'],
  explain({ input }): Finding {
    const tried: TriedHypothesis[] = [];
    for (const [name, u] of FORMATS) {
      const mismatched = mismatchesAgainst(input, input.reference, reducedPrecisionAllowed(u, input.reference));
      tried.push({ kind: 'reduced-precision', label: name, fits: mismatched === 0, mismatched });
      if (mismatched === 0) {
        return {
          tried,
          explanation: {
            kind: 'reduced-precision',
            detail: `consistent with ${name} arithmetic (within its error bound, not float32's): the runner computes or accumulates in reduced precision (TF32 matmul, half-precision kernels)`,
          },
        };
      }
    }
    return { tried, explanation: null };
  },
};
