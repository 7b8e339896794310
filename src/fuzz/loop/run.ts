/** The state the phases of one fuzz run share: settings, clock, counts and the findings so far. */
import type fc from 'fast-check';
import { caseArbitrary, type FuzzCase } from '../arbitraries.js';
import {
  evaluateCase,
  findingSignature,
  type CaseEvaluation,
  type EvaluationContext,
  type Finding,
} from '../evaluate.js';
import { FuzzClock, rate } from './clock.js';
import type { FuzzFinding } from './findings.js';
import { DEFAULT_CONCURRENCY, DEFAULT_RUNS, type FuzzOptions, type FuzzProgress, type FuzzResult } from './options.js';
import { serialized } from './serialized.js';
import { CaseTally } from './tally.js';

/** The case id expectation globs see: fuzz/<convention>/<padding kind, slugged>. */
export function fuzzCaseId(fuzzCase: FuzzCase): string {
  return `fuzz/${fuzzCase.convention}/${fuzzCase.paddingKind.replace(/[^A-Za-z0-9_=+.-]+/g, '-')}`;
}

/** The error with where in the run it happened appended to its message. */
export function annotated(error: unknown, where: string): Error {
  const failure = error as Error;
  failure.message = `${failure.message} (${where})`;
  return failure;
}

export class FuzzRun {
  readonly clock: FuzzClock;
  readonly replay: boolean;
  /** Generated cases to run over all rounds. */
  readonly totalRuns: number;
  readonly concurrency: number;
  readonly arbitrary: fc.Arbitrary<FuzzCase>;
  /** The caller's context with each session serialized. */
  readonly context: EvaluationContext;
  readonly tally = new CaseTally();
  readonly findings: FuzzFinding[] = [];
  /** Signatures of the findings reported: later rounds ignore them. */
  private readonly reported = new Set<string>();
  /** Generated cases run so far (not counting shrink candidates). */
  runs = 0;
  shrinkEvaluations = 0;

  constructor(readonly options: FuzzOptions) {
    this.clock = new FuzzClock(options);
    this.replay = options.path !== undefined;
    this.totalRuns = this.replay
      ? 1
      : (options.runs ?? (options.timeMs === undefined ? DEFAULT_RUNS : Number.POSITIVE_INFINITY));
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.arbitrary = caseArbitrary(options.space);
    this.context = { ...options.context, sessions: options.context.sessions.map(serialized) };
  }

  evaluate(fuzzCase: FuzzCase, context: EvaluationContext = this.context): Promise<CaseEvaluation> {
    return evaluateCase(fuzzCase.spec, fuzzCaseId(fuzzCase), context);
  }

  /** Counts a generated case's evaluation (shrink candidates are not counted). */
  countRun(fuzzCase: FuzzCase, evaluation: CaseEvaluation): void {
    this.runs++;
    this.tally.record(fuzzCase, evaluation);
    this.options.onCase?.(fuzzCase, evaluation, 'fuzz');
  }

  countShrinkEvaluation(fuzzCase: FuzzCase, evaluation: CaseEvaluation): void {
    this.shrinkEvaluations++;
    this.options.onCase?.(fuzzCase, evaluation, 'shrink');
  }

  /** The evaluation's findings not reported yet. */
  fresh(evaluation: CaseEvaluation): Finding[] {
    return evaluation.findings.filter((finding) => !this.reported.has(findingSignature(finding)));
  }

  async report(finding: FuzzFinding): Promise<void> {
    this.findings.push(finding);
    this.reported.add(finding.signature);
    await this.options.onFinding?.(finding);
  }

  progress(phase: FuzzProgress['phase'], shrinking?: FuzzProgress['shrinking']): void {
    this.options.onProgress?.({
      phase,
      runs: this.runs,
      shrinkEvaluations: this.shrinkEvaluations,
      findings: this.findings.length,
      known: this.tally.knownTotal(),
      elapsedMs: this.clock.elapsed(),
      casesPerSecond: rate(this.runs, this.clock.fuzzWall()),
      ...(shrinking ? { shrinking } : {}),
    });
  }

  result(stoppedBy: FuzzResult['stoppedBy']): FuzzResult {
    const fuzzMs = this.clock.fuzzWall();
    return {
      seed: this.options.seed,
      runs: this.runs,
      shrinkEvaluations: this.shrinkEvaluations,
      durationMs: this.clock.elapsed(),
      fuzzMs,
      casesPerSecond: rate(this.runs, fuzzMs),
      stoppedBy,
      findings: this.findings,
      ...this.tally.counts(),
    };
  }
}
