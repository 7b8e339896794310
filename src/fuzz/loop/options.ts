/** What `runFuzz` takes, reports while it runs, and returns. */
import type { FuzzCase, FuzzSpace } from '../arbitraries.js';
import type { CaseEvaluation, EvaluationContext } from '../evaluate.js';
import type { FuzzFinding } from './findings.js';
import type { CaseCounts } from './tally.js';

export const DEFAULT_RUNS = 1000;
export const DEFAULT_SHRINK_TIME_MS = 60_000;
export const DEFAULT_MAX_FINDINGS = 10;
/**
 * Generated cases in flight at once while fuzzing (results are still consumed in order): enough
 * for each runner process to find a batch queued whenever it finishes one (runners/host).
 */
export const DEFAULT_CONCURRENCY = 48;

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
  /** Generated cases evaluated at once while fuzzing (default 16; shrinking is sequential). */
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

export interface FuzzResult extends CaseCounts {
  readonly seed: number;
  readonly runs: number;
  readonly shrinkEvaluations: number;
  readonly durationMs: number;
  /** Wall time of fuzzing (generation, runs; shrinking and saving excluded): the base of casesPerSecond. */
  readonly fuzzMs: number;
  readonly casesPerSecond: number;
  readonly stoppedBy: 'runs' | 'time' | 'max-findings' | 'replay';
  readonly findings: readonly FuzzFinding[];
}
