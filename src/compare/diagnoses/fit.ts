/** Testing candidate expectations against the runner's output, shared by every diagnosis. */
import type { ConvTransposeGeometry } from '../../geometry/types.js';
import { convTransposeReference } from '../../reference/index.js';
import type { CaseTensors } from '../../tensor.js';
import type { Tolerance } from '../tolerance.js';
import type { ExplanationKind, TriedHypothesis } from '../types.js';
import { allowedDifference, isClose, type ErrorBudget } from '../values.js';
import type {
  Allowed,
  Candidate,
  DiagnosisInput,
  DiagnosisStep,
  Finding,
  Hypothesis,
  ReferenceValues,
} from './types.js';

/** Mismatches of `actual` against a candidate expectation; stops counting past `limit`. */
function countMismatches(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  allowed: Allowed,
  nanEqual: boolean,
  limit = Number.POSITIVE_INFINITY,
): number {
  let count = 0;
  for (let index = 0; index < expected.length; index++) {
    const e = expected[index]!;
    if (!isClose(actual[index]!, e, allowed(e, index), nanEqual) && ++count > limit) return count;
  }
  return count;
}

/** Mismatches of the runner's output against `candidate` under `allowed`. */
export function mismatchesAgainst(input: DiagnosisInput, candidate: Candidate, allowed: Allowed): number {
  return countMismatches(input.actual, candidate.output, allowed, input.nanEqual);
}

export function referenceCandidate(geometry: ConvTransposeGeometry, tensors: CaseTensors): Candidate {
  return convTransposeReference(geometry, tensors, { withBounds: true });
}

/** The tolerance's bound with the candidate's own float32 budget. */
export function allowedFor(tolerance: Tolerance, candidate: Candidate): Allowed {
  const budget: ErrorBudget = { tolerance, termCount: candidate.termCount, absSum: candidate.absSum };
  return (expected, index) => allowedDifference(budget, expected, index);
}

/** The hypotheses tested in order under the case's tolerance; the first that fits is named. */
export function testHypotheses(input: DiagnosisInput, hypotheses: readonly Hypothesis[]): Finding {
  const tried: TriedHypothesis[] = [];
  for (const hypothesis of hypotheses) {
    const candidate = hypothesis.candidate();
    if (candidate === null) continue;
    const mismatched = mismatchesAgainst(input, candidate, allowedFor(input.tolerance, candidate));
    const axis = hypothesis.axis !== undefined ? { axis: hypothesis.axis } : {};
    tried.push({ kind: hypothesis.kind, ...axis, label: hypothesis.label, fits: mismatched === 0, mismatched });
    if (mismatched === 0) return { tried, explanation: { kind: hypothesis.kind, ...axis, detail: hypothesis.detail } };
  }
  return { tried, explanation: null };
}

/** A step that tests the hypotheses `build` lists for the input (none when it does not apply). */
export function hypothesisStep(
  name: string,
  kinds: readonly ExplanationKind[],
  build: (input: DiagnosisInput) => readonly Hypothesis[],
): DiagnosisStep {
  return { name, kinds, explain: ({ input }) => testHypotheses(input, build(input)) };
}

type Relayout = <T extends Float64Array | Uint32Array>(data: T) => T;

/** The reference with its values and their float32 budget moved alike (a transposed / re-laid-out output). */
export function movedReference(reference: ReferenceValues, move: Relayout): Candidate {
  return { output: move(reference.output), termCount: move(reference.termCount), absSum: move(reference.absSum) };
}
