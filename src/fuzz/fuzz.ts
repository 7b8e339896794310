/**
 * The fuzz loop. Each round:
 * 1. Fuzz phase: cases from fast-check's own value stream for the round's seed (exactly the
 *    values `fc.check` would run, see `valueStream`) go through the reference and the runner
 *    sessions (evaluate.ts), `concurrency` cases in flight so that both runner processes and this
 *    one stay busy; results are consumed strictly in stream order, so the first finding, the
 *    counts and the statistics do not depend on timing.
 * 2. The first case with a new finding (at stream index k) is handed to `fc.check` with
 *    `path: "k"`, which shrinks it; a shrink candidate counts as failing only when it shows the
 *    SAME finding (kind, runner, variant). Candidates whose spec was seen before are not run
 *    again. The counterexample path fast-check reports replays the minimal case directly.
 * 3. `onFinding` gets the minimal case (the CLI saves it); fuzzing goes on in the next round, with
 *    a seed derived from the user's, ignoring findings already reported (same signature), until
 *    the run or time budget is spent or `maxFindings` distinct findings were found.
 *
 * Deterministic: the cases of a round depend only on its seed and the search space (conventions,
 * dims, max elements); their data only on each case's `seed` field. A finding replays with
 * `--seed <round seed> --path <counterexample path>` over the same space.
 */
import fc from 'fast-check';
import type { RunnerSession } from '../run/session.js';
import { conventionOf, caseArbitrary, type FuzzCase, type FuzzSpace } from './arbitraries.js';
import {
  evaluateCase,
  findingSignature,
  type CaseEvaluation,
  type EvaluationContext,
  type Finding,
  type FindingKind,
  type KnownHit,
} from './evaluate.js';

export interface FuzzProgress {
  readonly phase: 'fuzz' | 'shrink';
  /** Generated cases run so far (not counting shrink steps). */
  readonly runs: number;
  readonly shrinkEvaluations: number;
  readonly findings: number;
  readonly known: number;
  readonly elapsedMs: number;
  /** Generated cases per second of fuzzing (shrinking time excluded). */
  readonly casesPerSecond: number;
  /** While shrinking: the finding being shrunk and the successful shrink steps so far. */
  readonly shrinking?: { readonly signature: string; readonly steps: number };
}

export interface FuzzFinding {
  readonly finding: Finding;
  readonly signature: string;
  /** fast-check seed of the round that found it (pass it to --seed to replay). */
  readonly seed: number;
  /** fast-check counterexample path of the minimal case (pass it to --path). */
  readonly path: string;
  readonly round: number;
  /** Successful shrink steps from the first failing case to this one. */
  readonly shrinks: number;
  /** Cases evaluated while shrinking. */
  readonly shrinkEvaluations: number;
  /** Shrinking stopped at its time limit (the case may not be minimal). */
  readonly shrinkInterrupted: boolean;
  readonly convention: string;
  readonly paddingKind: string;
  /** The minimal case's evaluation. */
  readonly evaluation: CaseEvaluation;
  /** The first failing case, before shrinking. */
  readonly original: FuzzCase;
}

export interface KnownCount extends KnownHit {
  readonly count: number;
}

/** Counts of what was generated, per dimension (fast-check `statistics` style). */
export type FuzzStatistics = Readonly<Record<StatisticName, Readonly<Record<string, number>>>>;
export const STATISTIC_NAMES = [
  'convention',
  'rank',
  'stride',
  'padding',
  'dilation',
  'group',
  'layout',
  'bias',
  'distribution',
] as const;
export type StatisticName = (typeof STATISTIC_NAMES)[number];

export interface FuzzResult {
  readonly seed: number;
  readonly runs: number;
  readonly shrinkEvaluations: number;
  readonly durationMs: number;
  /** Wall time of fuzzing (generation, runs; shrinking and saving excluded): the base of casesPerSecond. */
  readonly fuzzMs: number;
  readonly casesPerSecond: number;
  readonly stoppedBy: 'runs' | 'time' | 'max-findings' | 'replay';
  readonly findings: readonly FuzzFinding[];
  readonly known: readonly KnownCount[];
  readonly knownButPassed: readonly KnownCount[];
  /** `runner variant` -> variants the runner could not spell (not findings). */
  readonly unsupported: Readonly<Record<string, number>>;
  /** Variants run (all runners, generated cases only). */
  readonly variantsRun: number;
  readonly statistics: FuzzStatistics;
}

export interface FuzzOptions {
  readonly seed: number;
  /** Replay one counterexample: fast-check path (with the seed of its round). */
  readonly path?: string;
  /** Generated cases to run, over all rounds (default: unbounded when timeMs is set, else 1000). */
  readonly runs?: number;
  /** Time budget for generating and running cases (shrinking may add up to shrinkTimeMs per finding). */
  readonly timeMs?: number;
  readonly space: FuzzSpace;
  readonly context: EvaluationContext;
  /** Time limit of shrinking one finding (default 60 s). */
  readonly shrinkTimeMs?: number;
  /** Stop after this many distinct findings (default 10). */
  readonly maxFindings?: number;
  /** Generated cases evaluated at once while fuzzing (default 2; shrinking is sequential). */
  readonly concurrency?: number;
  /** Polled before each generated case: true stops fuzzing like the time budget (e.g. Ctrl-C). */
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (progress: FuzzProgress) => void;
  /** Called with each minimal finding (e.g. to save it) before fuzzing goes on. */
  readonly onFinding?: (finding: FuzzFinding) => void | Promise<void>;
  /** Called after every evaluation (tests: determinism). */
  readonly onCase?: (fuzzCase: FuzzCase, evaluation: CaseEvaluation, phase: 'fuzz' | 'shrink') => void;
  readonly now?: () => number;
}

export const DEFAULT_RUNS = 1000;
export const DEFAULT_SHRINK_TIME_MS = 60_000;
export const DEFAULT_MAX_FINDINGS = 10;

/** The seed of round r (round 0 uses the user's seed): a 31-bit mix of both. */
export function roundSeed(seed: number, round: number): number {
  if (round === 0) return seed;
  let hash = (seed ^ Math.imul(round, 0x9e3779b1)) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0;
  return (hash ^ (hash >>> 16)) & 0x7fffffff;
}

/** The case id expectation globs see: fuzz/<convention>/<padding kind, slugged>. */
export function fuzzCaseId(fuzzCase: FuzzCase): string {
  return `fuzz/${fuzzCase.convention}/${fuzzCase.paddingKind.replace(/[^A-Za-z0-9_=+.-]+/g, '-')}`;
}

function statisticsOf(fuzzCase: FuzzCase): Record<StatisticName, string> {
  const spec = fuzzCase.spec;
  const rank = spec.kernel.length;
  const list = (value: number | readonly number[] | undefined): number[] =>
    value === undefined ? [1] : typeof value === 'number' ? [value] : [...value];
  const strides = list(spec.strides);
  const dilations = list(spec.dilations);
  return {
    convention: conventionOf(spec),
    rank: `${rank}-D`,
    stride: `max stride ${Math.max(...strides)}`,
    padding: fuzzCase.paddingKind,
    dilation: Math.max(...dilations) > 1 ? 'dilated' : 'dilation 1',
    group: (spec.group ?? 1) > 1 ? 'grouped' : 'group 1',
    layout: spec.layout && /^N[DHW]*C$/.test(spec.layout) ? 'channels-last' : 'channels-first',
    bias: spec.bias ? 'bias' : 'no bias',
    distribution: spec.distribution ?? 'uniform',
  };
}

class Tally<T extends { id: string; runner: string; variant: string | null }> {
  private readonly entries = new Map<string, T & { count: number }>();
  add(entry: T): void {
    const key = `${entry.id}\u0000${entry.runner}\u0000${entry.variant ?? ''}`;
    const existing = this.entries.get(key);
    if (existing) existing.count++;
    else this.entries.set(key, { ...entry, count: 1 });
  }
  total(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.count;
    return total;
  }
  list(): (T & { count: number })[] {
    return [...this.entries.values()].sort((a, b) => b.count - a.count);
  }
}

interface FailureRecord {
  readonly fuzzCase: FuzzCase;
  readonly evaluation: CaseEvaluation;
  readonly finding: Finding;
}

const rate = (count: number, ms: number): number => (ms > 0 ? (count * 1000) / ms : 0);

/** Generated cases in flight at once while fuzzing (results are still consumed in order). */
export const DEFAULT_CONCURRENCY = 2;
/** Values taken from fast-check's stream at a time. */
const BATCH = 64;

type CaseProperty = fc.IAsyncPropertyWithHooks<[FuzzCase]>;

/**
 * fast-check's own stream of generated values for a property and seed, in batches: `fc.sample`
 * over a raw-property view (an own `isAsync`, so `sample` does not wrap it as an arbitrary, which
 * would change the bias schedule) gives exactly the values `fc.check` runs, index by index.
 */
function valueStream(property: CaseProperty, seed: number): () => FuzzCase {
  const raw = {
    isAsync: () => true as const,
    generate: (random: fc.Random, runId?: number) => property.generate(random, runId),
    shrink: (value: fc.Value<[FuzzCase]>) => property.shrink(value),
    run: (value: [FuzzCase]) => property.run(value),
    runBeforeEach: () => property.runBeforeEach(),
    runAfterEach: () => property.runAfterEach(),
  };
  let buffer: FuzzCase[] = [];
  let taken = 0;
  return () => {
    if (buffer.length === 0) {
      const sampled = fc.sample(raw as unknown as fc.IRawProperty<[FuzzCase]>, {
        seed,
        numRuns: BATCH,
        ...(taken > 0 ? { path: String(taken) } : {}),
      });
      buffer = sampled.map((tuple) => tuple[0]);
    }
    taken++;
    return buffer.shift()!;
  };
}

/** Runs one session's cases one at a time (a runner process takes one request at a time). */
function serialized(session: RunnerSession): RunnerSession {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get runner() {
      return session.runner;
    },
    get version() {
      return session.version;
    },
    runCase: (geometry, tensors) => {
      const next = queue.then(() => session.runCase(geometry, tensors));
      queue = next.catch(() => undefined);
      return next;
    },
    close: () => session.close(),
  };
}

/** Runs the fuzzer; see the file comment. Errors of tconv itself (not findings) are thrown. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const replay = options.path !== undefined;
  const totalRuns = replay
    ? 1
    : (options.runs ?? (options.timeMs === undefined ? DEFAULT_RUNS : Number.POSITIVE_INFINITY));
  const limit = options.timeMs === undefined ? Number.POSITIVE_INFINITY : started + options.timeMs;
  const timeIsUp = (): boolean => now() >= limit || options.shouldStop?.() === true;
  const shrinkTimeMs = options.shrinkTimeMs ?? DEFAULT_SHRINK_TIME_MS;
  const maxFindings = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const arbitrary = caseArbitrary(options.space);
  const context: EvaluationContext = { ...options.context, sessions: options.context.sessions.map(serialized) };
  const reported = new Set<string>();
  const findings: FuzzFinding[] = [];
  const known = new Tally<KnownHit>();
  const wide = new Tally<KnownHit>();
  const unsupported: Record<string, number> = {};
  const statistics = Object.fromEntries(STATISTIC_NAMES.map((name) => [name, {} as Record<string, number>])) as Record<
    StatisticName,
    Record<string, number>
  >;
  let runs = 0;
  let shrinkEvaluations = 0;
  let variantsRun = 0;
  /** Wall time of shrinking and of handling findings: excluded from the fuzzing rate. */
  let asideMs = 0;
  let asideSince: number | null = null;
  const fuzzWall = (): number => now() - started - asideMs - (asideSince === null ? 0 : now() - asideSince);
  let stoppedBy: FuzzResult['stoppedBy'] = replay ? 'replay' : 'runs';

  const progress = (phase: FuzzProgress['phase'], shrinking?: FuzzProgress['shrinking']): void => {
    options.onProgress?.({
      phase,
      runs,
      shrinkEvaluations,
      findings: findings.length,
      known: known.total(),
      elapsedMs: now() - started,
      casesPerSecond: rate(runs, fuzzWall()),
      ...(shrinking ? { shrinking } : {}),
    });
  };

  const record = (fuzzCase: FuzzCase, evaluation: CaseEvaluation): void => {
    const values = statisticsOf(fuzzCase);
    for (const name of STATISTIC_NAMES) statistics[name][values[name]] = (statistics[name][values[name]] ?? 0) + 1;
    for (const hit of evaluation.known) known.add(hit);
    for (const hit of evaluation.knownButPassed) wide.add(hit);
    variantsRun += evaluation.variants.length;
    for (const variant of evaluation.variants) {
      if (variant.verdict !== 'unsupported') continue;
      const label = variant.variant ? `${variant.runner} ${variant.variant}` : variant.runner;
      unsupported[label] = (unsupported[label] ?? 0) + 1;
    }
  };

  const fresh = (evaluation: CaseEvaluation): Finding[] =>
    evaluation.findings.filter((finding) => !reported.has(findingSignature(finding)));

  /** What the shrinking property knows: the finding to keep and the smallest failure so far. */
  interface ShrinkState {
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

  /**
   * The property fast-check checks and shrinks: a case fails when it shows the target finding
   * (the first finding's kind, runner and variant). The first evaluation (the failing case at the
   * walked path) is the one the fuzz phase already ran; it is not run again.
   */
  const shrinkProperty = (state: ShrinkState): CaseProperty =>
    fc.asyncProperty(arbitrary, async (fuzzCase) => {
      if (state.error !== null) throw new fc.PreconditionFailure(true);
      if (state.target === null) {
        // Replay (--path): the first case decides the finding; fast-check would go on with the
        // walked-to case's siblings when it passes, which a replay does not want.
        if (runs > 0) throw new fc.PreconditionFailure(true);
        const evaluation = await evaluateCase(fuzzCase.spec, fuzzCaseId(fuzzCase), context).catch((error: unknown) => {
          state.error = error;
          throw new fc.PreconditionFailure(true);
        });
        runs++;
        record(fuzzCase, evaluation);
        options.onCase?.(fuzzCase, evaluation, 'fuzz');
        const found = fresh(evaluation)[0];
        if (!found) return true;
        state.target = found;
        state.first = state.failure = { fuzzCase, evaluation, finding: found };
        return false;
      }
      if (state.pendingFirst) {
        state.pendingFirst = false;
        if (JSON.stringify(fuzzCase.spec) !== JSON.stringify(state.first?.fuzzCase.spec)) {
          state.error = new Error('fast-check walked to another case than the fuzz phase ran (a tconv bug)');
          throw new fc.PreconditionFailure(true);
        }
        return false;
      }
      if (now() >= state.deadline) {
        state.interrupted = true;
        throw new fc.PreconditionFailure(true);
      }
      const target = state.target;
      const key = JSON.stringify(fuzzCase.spec);
      const memo = state.memo.get(key);
      if (memo !== undefined) {
        if (memo) state.failure = { ...memo, fuzzCase };
        return memo === null;
      }
      // While shrinking only the runner under suspicion needs to run (all of them for a disagreement).
      const sessions =
        target.kind !== 'disagreement'
          ? context.sessions.filter((session) => session.runner.name === target.runner)
          : context.sessions;
      let evaluation: CaseEvaluation;
      try {
        evaluation = await evaluateCase(fuzzCase.spec, fuzzCaseId(fuzzCase), { ...context, sessions });
      } catch (error) {
        state.error = error;
        throw new fc.PreconditionFailure(true);
      }
      shrinkEvaluations++;
      state.evaluations++;
      options.onCase?.(fuzzCase, evaluation, 'shrink');
      const signature = findingSignature(target);
      const same = fresh(evaluation).find((finding) => findingSignature(finding) === signature);
      if (same) {
        state.steps++;
        state.failure = { fuzzCase, evaluation, finding: same };
      }
      state.memo.set(key, same ? state.failure : null);
      progress('shrink', { signature, steps: state.steps });
      return same === undefined;
    });

  /**
   * The fuzz phase of a round: cases from fast-check's stream, `concurrency` in flight, results
   * consumed in stream order. Returns the first case with a new finding and its index.
   */
  const fuzzPhase = async (seed: number): Promise<{ index: number; failure: FailureRecord } | null> => {
    const next = valueStream(
      fc.asyncProperty(arbitrary, async (_case: FuzzCase) => true),
      seed,
    );
    const inFlight: { index: number; fuzzCase: FuzzCase; result: Promise<CaseEvaluation> }[] = [];
    let started = 0;
    const budget = totalRuns - runs;
    const launch = (): void => {
      while (inFlight.length < concurrency && started < budget && !timeIsUp()) {
        const fuzzCase = next();
        const result = evaluateCase(fuzzCase.spec, fuzzCaseId(fuzzCase), context);
        result.catch(() => undefined); // awaited in order below
        inFlight.push({ index: started++, fuzzCase, result });
      }
    };
    try {
      for (launch(); inFlight.length > 0; launch()) {
        const { index, fuzzCase, result } = inFlight.shift()!;
        const evaluation = await result;
        runs++;
        record(fuzzCase, evaluation);
        options.onCase?.(fuzzCase, evaluation, 'fuzz');
        const found = fresh(evaluation)[0];
        if (found) return { index, failure: { fuzzCase, evaluation, finding: found } };
        progress('fuzz');
      }
      return null;
    } finally {
      // Cases started after a finding (or a harness error) finish in the background, unused.
      await Promise.allSettled(inFlight.map((entry) => entry.result));
    }
  };

  for (let round = 0; ; round++) {
    if (!replay && runs >= totalRuns) break;
    if (!replay && timeIsUp()) {
      stoppedBy = 'time';
      break;
    }
    const seed = roundSeed(options.seed, round);
    const state: ShrinkState = {
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
    let path: string;
    if (replay) {
      path = options.path!;
    } else {
      let found: Awaited<ReturnType<typeof fuzzPhase>>;
      try {
        found = await fuzzPhase(seed);
      } catch (error) {
        const failure = error as Error;
        failure.message = `${failure.message} (fuzz seed ${seed}, round ${round}, after ${runs} runs)`;
        throw failure;
      }
      if (!found) {
        if (timeIsUp()) stoppedBy = 'time';
        break;
      }
      state.target = found.failure.finding;
      state.first = state.failure = found.failure;
      state.pendingFirst = true;
      state.memo.set(JSON.stringify(found.failure.fuzzCase.spec), found.failure);
      path = String(found.index);
      progress('shrink', { signature: findingSignature(found.failure.finding), steps: 0 });
    }
    if (!replay) asideSince = now();
    state.deadline = now() + shrinkTimeMs;
    // Replay: that one case only (a path without ':' would otherwise run numRuns cases from there).
    const details = await fc.check(shrinkProperty(state), {
      seed,
      path,
      ...(replay ? { endOnFailure: true, numRuns: 1 } : {}),
    });
    if (state.error !== null) {
      const failure = state.error as Error;
      failure.message = `${failure.message} (fuzz seed ${seed}, round ${round})`;
      throw failure;
    }
    const minimal = state.failure as FailureRecord | null;
    if (details.failed && details.counterexample !== null && minimal !== null && state.first !== null) {
      const entry: FuzzFinding = {
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
      findings.push(entry);
      reported.add(entry.signature);
      await options.onFinding?.(entry);
    }
    if (asideSince !== null) asideMs += now() - asideSince;
    asideSince = null;
    progress('fuzz');
    if (replay) break;
    if (findings.length >= maxFindings) {
      stoppedBy = 'max-findings';
      break;
    }
  }
  const fuzzMs = fuzzWall();

  return {
    seed: options.seed,
    runs,
    shrinkEvaluations,
    durationMs: now() - started,
    fuzzMs,
    casesPerSecond: rate(runs, fuzzMs),
    stoppedBy,
    findings,
    known: known.list(),
    knownButPassed: wide.list(),
    unsupported,
    variantsRun,
    statistics,
  };
}

/** Findings counted by kind and by runner. */
export function findingCounts(findings: readonly FuzzFinding[]): {
  byKind: Partial<Record<FindingKind, number>>;
  byRunner: Record<string, number>;
} {
  const byKind: Partial<Record<FindingKind, number>> = {};
  const byRunner: Record<string, number> = {};
  for (const { finding } of findings) {
    byKind[finding.kind] = (byKind[finding.kind] ?? 0) + 1;
    byRunner[finding.runner] = (byRunner[finding.runner] ?? 0) + 1;
  }
  return { byKind, byRunner };
}
