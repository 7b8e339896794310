/**
 * Testing special-value candidates (NaN, infinities, flushed subnormals) against the output under
 * diagnosis. Values are matched by class (NaN with NaN, equal infinities, finite within the
 * tolerance): with special values NaN is the definition's result, not a suspicious value.
 */
import type { Tolerance } from '../tolerance.js';
import { allowedDifference } from '../values.js';
import type { Candidate, DiagnosisInput } from './types.js';

/** Whether `actual` takes the class and value of `expected`. */
export function sameClass(actual: number, expected: number, allowed: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Number.isFinite(actual) && Math.abs(actual - expected) <= allowed;
}

/**
 * Elements of `output` that do not match `candidate` by class, under the candidate's own budget.
 * With `accepted` (the output under diagnosis' mismatch mask and the reference), an element the
 * candidate leaves as the reference has it and the comparison accepted counts as matching (an
 * order-dependent element may have taken another allowed outcome there).
 */
export function classMismatches(
  output: ArrayLike<number>,
  candidate: Candidate,
  tolerance: Tolerance,
  accepted?: { readonly mask: Uint8Array; readonly reference: ArrayLike<number> },
): number {
  const budget = { tolerance, termCount: candidate.termCount, absSum: candidate.absSum };
  let count = 0;
  for (let index = 0; index < candidate.output.length; index++) {
    const e = candidate.output[index]!;
    if (accepted && accepted.mask[index] === 0 && Object.is(e, accepted.reference[index])) continue;
    if (!sameClass(output[index]!, e, allowedDifference(budget, e, index))) count++;
  }
  return count;
}

/** Mismatches of the output under diagnosis against a candidate (see `classMismatches`). */
export function candidateMismatches(input: DiagnosisInput, candidate: Candidate): number {
  return classMismatches(input.actual, candidate, input.tolerance, {
    mask: input.mismatchMask,
    reference: input.reference.output,
  });
}

/** Flat indices where the output under diagnosis mismatches the reference. */
export function mismatchedIndices(input: DiagnosisInput): number[] {
  const indices: number[] = [];
  input.mismatchMask.forEach((flag, index) => {
    if (flag) indices.push(index);
  });
  return indices;
}

/** `base` with NaN where `nan` is set: what an implementation that makes NaN there outputs. */
export function withNanAt(base: Candidate, nan: Uint8Array): Candidate {
  const output = Float64Array.from(base.output);
  nan.forEach((flag, index) => {
    if (flag) output[index] = Number.NaN;
  });
  return { output, termCount: base.termCount, absSum: base.absSum };
}
