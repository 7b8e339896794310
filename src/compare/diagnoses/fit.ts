/** Testing candidate expectations against the output under diagnosis, shared by every diagnosis. */
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

/** Mismatches of the output under diagnosis against `candidate` under `allowed`. */
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

/**
 * Why a candidate that fits cannot be named: the reference itself fits it too, so the test could
 * not have failed on a correct output (e.g. a symmetric kernel's flip, a bias below the
 * tolerance); null when the candidate is told apart from the reference somewhere.
 */
export function indistinguishable(input: DiagnosisInput, candidate: Candidate, allowed: Allowed): string | null {
  const own = countMismatches(input.reference.output, candidate.output, allowed, input.nanEqual, 0);
  return own === 0 ? 'the reference fits it as well: on this case it cannot be told from a correct output' : null;
}

/** The hypotheses tested in order under the case's tolerance; the first that fits is named. */
export function testHypotheses(input: DiagnosisInput, hypotheses: readonly Hypothesis[]): Finding {
  const tried: TriedHypothesis[] = [];
  for (const hypothesis of hypotheses) {
    const candidate = hypothesis.candidate();
    if (candidate === null) continue;
    const allowed = allowedFor(input.tolerance, candidate);
    const mismatched = mismatchesAgainst(input, candidate, allowed);
    const axis = hypothesis.axis !== undefined ? { axis: hypothesis.axis } : {};
    const entry = { kind: hypothesis.kind, ...axis, label: hypothesis.label, mismatched };
    const notTried = mismatched === 0 ? indistinguishable(input, candidate, allowed) : null;
    if (notTried !== null) {
      tried.push({ ...entry, fits: false, mismatched: null, notTried });
      continue;
    }
    tried.push({ ...entry, fits: mismatched === 0 });
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
