/**
 * (a) Output shifted: the runner cropped the full output starting elsewhere (beginCrop +-1 per axis
 * and combinations, then +-2..+-maxShift on one axis), i.e. it split pads / output_padding between
 * start and end differently. Each offset is first checked cheaply on the overlapping part.
 */
import { shiftedGeometry } from '../transform.js';
import type { TriedHypothesis } from '../types.js';
import { allowedFor, mismatchesAgainst, referenceCandidate } from './fit.js';
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
      const mismatched = mismatchesAgainst(input, shifted, allowedFor(tolerance, shifted));
      const explanation = shiftExplanation(geometry, deltas);
      const offsets = explanation.shifts!.map((entry) => `${entry.axis}${entry.delta > 0 ? '+' : ''}${entry.delta}`);
      tried.push({
        kind: 'shift',
        axis: explanation.axis!,
        label: `beginCrop ${offsets.join(' ')}`,
        fits: mismatched === 0,
        mismatched,
      });
      if (mismatched === 0) return { tried, explanation };
    }
    if (rejected > 0) {
      const label = `beginCrop offsets (${rejected} rejected on the overlapping part)`;
      tried.push({ kind: 'shift', label, fits: false, mismatched: null });
    }
    return { tried, explanation: null };
  },
};
