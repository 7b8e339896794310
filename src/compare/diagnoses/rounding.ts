/**
 * float32 rounding: under a tighter-than-auto tolerance, the output may still be within the float32
 * error bound. Tried first, because then nothing is wrong but the tolerance.
 */
import { AUTO_TOLERANCE } from '../tolerance.js';
import { allowedFor, mismatchesAgainst } from './fit.js';
import type { DiagnosisStep, Finding } from './types.js';

export const roundingStep: DiagnosisStep = {
  name: 'rounding',
  kinds: ['rounding'],
  explain({ input }): Finding {
    if (input.tolerance.kind === 'auto') return { tried: [], explanation: null };
    const { reference } = input;
    const mismatched = mismatchesAgainst(input, reference, allowedFor(AUTO_TOLERANCE, reference));
    const tried = [
      { kind: 'rounding' as const, label: 'float32 rounding (auto bound)', fits: mismatched === 0, mismatched },
    ];
    if (mismatched !== 0) return { tried, explanation: null };
    return {
      tried,
      explanation: {
        kind: 'rounding',
        detail:
          'within the float32 error bound (auto tolerance): the differences are rounding of float32 accumulation; the tolerance is tighter than float32 allows',
      },
    };
  },
};
