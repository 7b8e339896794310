/**
 * (a) Output shifted: the output under diagnosis (a runner's, or a documented expect) is the full
 * output cropped starting elsewhere (beginCrop +-1 per axis and combinations, then +-2..+-maxShift
 * on one axis), i.e. pads / output_padding were split between start and end differently. Each
 * offset is first checked cheaply on the overlapping part.
 */
import { shiftedGeometry } from '../transform.js';
import type { TriedHypothesis } from '../types.js';
import { allowedFor, indistinguishable, mismatchesAgainst, referenceCandidate } from './fit.js';
import { shiftExplanation } from './shift-text.js';
import { interiorFits, shiftVectors } from './shift-vectors.js';
import type { DiagnosisStep, Finding } from './types.js';

const DEFAULT_MAX_SHIFT = 3;

export const shiftStep: DiagnosisStep = {
  name: 'shift',
  kinds: ['shift'],
  explain({ input }): Finding {
    const { geometry, tolerance } = input;
    const tried: TriedHypothesis[] = [];
    const referenceAllowed = allowedFor(tolerance, input.reference);
    let rejected = 0;
    for (const deltas of shiftVectors(geometry, input.maxShift ?? DEFAULT_MAX_SHIFT)) {
      if (!interiorFits(input, deltas, referenceAllowed)) {
        rejected++;
        continue;
      }
      const shifted = referenceCandidate(shiftedGeometry(geometry, deltas), input.tensors);
      const allowed = allowedFor(tolerance, shifted);
      const mismatched = mismatchesAgainst(input, shifted, allowed);
      const explanation = shiftExplanation(geometry, deltas);
      const offsets = explanation.shifts!.map((entry) => `${entry.axis}${entry.delta > 0 ? '+' : ''}${entry.delta}`);
      const entry = { kind: 'shift' as const, axis: explanation.axis!, label: `beginCrop ${offsets.join(' ')}` };
      // A shift of a constant output (e.g. all-zero input) is the output itself.
      const notTried = mismatched === 0 ? indistinguishable(input, shifted, allowed) : null;
      if (notTried !== null) {
        tried.push({ ...entry, fits: false, mismatched: null, notTried });
        continue;
      }
      tried.push({ ...entry, fits: mismatched === 0, mismatched });
      if (mismatched === 0) return { tried, explanation };
    }
    if (rejected > 0) {
      const label = `beginCrop offsets (${rejected} rejected on the overlapping part)`;
      tried.push({ kind: 'shift', label, fits: false, mismatched: null });
    }
    return { tried, explanation: null };
  },
};
