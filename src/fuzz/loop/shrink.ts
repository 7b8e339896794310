/**
 * Shrinking a finding with `fc.check`: a candidate fails when it shows the SAME finding (kind,
 * runner, variant) as the first failing case; a candidate whose spec was seen before is not run
 * again. A replay (--path) goes through the same property with no target: its one case decides.
 */
import fc from 'fast-check';
import type { FuzzCase } from '../arbitraries.js';
import { findingSignature, type CaseEvaluation, type Finding } from '../evaluate.js';
import type { FailureRecord, FuzzFinding } from './findings.js';
import { DEFAULT_SHRINK_TIME_MS } from './options.js';
import { annotated, type FuzzRun } from './run.js';
import type { CaseProperty } from './value-stream.js';

/** What the shrinking property knows: the finding to keep and the smallest failure so far. */
export interface ShrinkState {
  target: Finding | null;
  first: FailureRecord | null;
  /** The next evaluation is the walked-to failing case the fuzz phase already evaluated. */
  pendingFirst: boolean;
  failure: FailureRecord | null;
  deadline: number;
  evaluations: number;
  steps: number;
  interrupted: boolean;
  error: unknown;
  /** Spec (JSON) -> the evaluation's target finding, if it showed it: many shrink candidates
   * differ only in raw values the spec does not use, and need not run again. */
  memo: Map<string, FailureRecord | null>;
}

/** The state of a replay: no target yet, the replayed case decides it. */
export function replayState(): ShrinkState {
  return {
    target: null,
    first: null,
    pendingFirst: false,
    failure: null,
    deadline: 0,
    evaluations: 0,
    steps: 0,
    interrupted: false,
    error: null,
    memo: new Map(),
  };
}

/** The state of shrinking the fuzz phase's first failing case. */
export function shrinkStateOf(failure: FailureRecord): ShrinkState {
  const state = replayState();
  state.target = failure.finding;
  state.first = state.failure = failure;
  state.pendingFirst = true;
  state.memo.set(JSON.stringify(failure.fuzzCase.spec), failure);
  return state;
}

/** Fails the property without counting the case: fast-check then stops trying this branch. */
const skip = (): never => {
  throw new fc.PreconditionFailure(true);
};

/**
 * Replay (--path): the first case decides the finding; fast-check would go on with the walked-to
 * case's siblings when it passes, which a replay does not want.
 */
async function replayCase(run: FuzzRun, state: ShrinkState, fuzzCase: FuzzCase): Promise<boolean> {
  if (run.runs > 0) skip();
  const evaluation = await run.evaluate(fuzzCase).catch((error: unknown) => {
    state.error = error;
    return skip();
  });
  run.countRun(fuzzCase, evaluation);
  const found = run.fresh(evaluation)[0];
  if (!found) return true;
  state.target = found;
  state.first = state.failure = { fuzzCase, evaluation, finding: found };
  return false;
}

/** The walked-to failing case: already evaluated by the fuzz phase, it must be the same case. */
function revisitFirst(state: ShrinkState, fuzzCase: FuzzCase): boolean {
  state.pendingFirst = false;
  if (JSON.stringify(fuzzCase.spec) !== JSON.stringify(state.first?.fuzzCase.spec)) {
    state.error = new Error('fast-check walked to another case than the fuzz phase ran (a tconv bug)');
    skip();
  }
  return false;
}

/** While shrinking only the runner under suspicion needs to run (all of them for a disagreement). */
async function evaluateCandidate(
  run: FuzzRun,
  state: ShrinkState,
  target: Finding,
  fuzzCase: FuzzCase,
): Promise<CaseEvaluation> {
  const sessions =
    target.kind !== 'disagreement'
      ? run.context.sessions.filter((session) => session.runner.name === target.runner)
      : run.context.sessions;
  try {
    return await run.evaluate(fuzzCase, { ...run.context, sessions });
  } catch (error) {
    state.error = error;
    return skip();
  }
}

/** A shrink candidate fails when it shows the target finding again. */
async function shrinkCandidate(
  run: FuzzRun,
  state: ShrinkState,
  target: Finding,
  fuzzCase: FuzzCase,
): Promise<boolean> {
  const key = JSON.stringify(fuzzCase.spec);
  const memo = state.memo.get(key);
  if (memo !== undefined) {
    if (memo) state.failure = { ...memo, fuzzCase };
    return memo === null;
  }
  const evaluation = await evaluateCandidate(run, state, target, fuzzCase);
  run.countShrinkEvaluation(fuzzCase, evaluation);
  state.evaluations++;
  const signature = findingSignature(target);
  const same = run.fresh(evaluation).find((finding) => findingSignature(finding) === signature);
  if (same) {
    state.steps++;
    state.failure = { fuzzCase, evaluation, finding: same };
  }
  state.memo.set(key, same ? state.failure : null);
  run.progress('shrink', { signature, steps: state.steps });
  return same === undefined;
}

/**
 * The property fast-check checks and shrinks: a case fails when it shows the target finding
 * (the first finding's kind, runner and variant). The first evaluation (the failing case at the
 * walked path) is the one the fuzz phase already ran; it is not run again.
 */
function shrinkProperty(run: FuzzRun, state: ShrinkState): CaseProperty {
  return fc.asyncProperty(run.arbitrary, async (fuzzCase) => {
    if (state.error !== null) skip();
    if (state.target === null) return replayCase(run, state, fuzzCase);
    if (state.pendingFirst) return revisitFirst(state, fuzzCase);
    if (run.clock.now() >= state.deadline) {
      state.interrupted = true;
      skip();
    }
    return shrinkCandidate(run, state, state.target, fuzzCase);
  });
}

export interface ShrinkStart {
  readonly seed: number;
  readonly round: number;
  /** fast-check path of the failing case (or of the replayed one). */
  readonly path: string;
}

/** Shrinks (or replays) the case at `start.path`; the minimal finding, or null when none showed. */
export async function shrinkFinding(run: FuzzRun, state: ShrinkState, start: ShrinkStart): Promise<FuzzFinding | null> {
  const { seed, round, path } = start;
  state.deadline = run.clock.now() + (run.options.shrinkTimeMs ?? DEFAULT_SHRINK_TIME_MS);
  // Replay: that one case only (a path without ':' would otherwise run numRuns cases from there).
  const details = await fc.check(shrinkProperty(run, state), {
    seed,
    path,
    ...(run.replay ? { endOnFailure: true, numRuns: 1 } : {}),
  });
  if (state.error !== null) throw annotated(state.error, `fuzz seed ${seed}, round ${round}`);
  const minimal = state.failure;
  if (!details.failed || details.counterexample === null || minimal === null || state.first === null) return null;
  return {
    finding: minimal.finding,
    signature: findingSignature(minimal.finding),
    seed,
    path: details.counterexamplePath ?? path,
    round,
    shrinks: state.steps,
    shrinkEvaluations: state.evaluations,
    shrinkInterrupted: state.interrupted,
    convention: minimal.fuzzCase.convention,
    paddingKind: minimal.fuzzCase.paddingKind,
    evaluation: minimal.evaluation,
    original: state.first.fuzzCase,
  };
}
