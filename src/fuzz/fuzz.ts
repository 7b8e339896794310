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
 *
 * Parts (loop/): fuzz-phase.ts (1), shrink.ts (2, and replays), run.ts (the state the phases share),
 * tally.ts and statistics.ts (counts of the generated cases), clock.ts (budget and fuzzing time).
 */
import { findingSignature } from './evaluate.js';
import { fuzzRound } from './loop/fuzz-phase.js';
import { DEFAULT_MAX_FINDINGS, type FuzzOptions, type FuzzResult } from './loop/options.js';
import { FuzzRun } from './loop/run.js';
import { replayState, shrinkFinding, shrinkStateOf, type ShrinkState } from './loop/shrink.js';

export { findingCounts, type FuzzFinding } from './loop/findings.js';
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_FINDINGS,
  DEFAULT_RUNS,
  DEFAULT_SHRINK_TIME_MS,
  type FuzzOptions,
  type FuzzProgress,
  type FuzzResult,
} from './loop/options.js';
export { fuzzCaseId } from './loop/run.js';
export { STATISTIC_NAMES, type FuzzStatistics, type StatisticName } from './loop/statistics.js';
export type { KnownCount } from './loop/tally.js';

/** The seed of round r (round 0 uses the user's seed): a 31-bit mix of both. */
export function roundSeed(seed: number, round: number): number {
  if (round === 0) return seed;
  let hash = (seed ^ Math.imul(round, 0x9e3779b1)) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0;
  return (hash ^ (hash >>> 16)) & 0x7fffffff;
}

/** Where a round's shrinking starts: the fuzz phase's first new finding, or the replayed path. */
async function roundStart(
  run: FuzzRun,
  seed: number,
  round: number,
): Promise<{ state: ShrinkState; path: string } | null> {
  if (run.replay) return { state: replayState(), path: run.options.path! };
  const found = await fuzzRound(run, seed, round);
  if (!found) return null;
  run.progress('shrink', { signature: findingSignature(found.failure.finding), steps: 0 });
  run.clock.setAside();
  return { state: shrinkStateOf(found.failure), path: String(found.index) };
}

/** Runs the fuzzer; see the file comment. Errors of tconv itself (not findings) are thrown. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const run = new FuzzRun(options);
  const maxFindings = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
  let stoppedBy: FuzzResult['stoppedBy'] = run.replay ? 'replay' : 'runs';
  for (let round = 0; ; round++) {
    if (!run.replay && run.runs >= run.totalRuns) break;
    if (!run.replay && run.clock.timeIsUp()) {
      stoppedBy = 'time';
      break;
    }
    const seed = roundSeed(options.seed, round);
    const start = await roundStart(run, seed, round);
    if (!start) {
      if (run.clock.timeIsUp()) stoppedBy = 'time';
      break;
    }
    const finding = await shrinkFinding(run, start.state, { seed, round, path: start.path });
    if (finding) await run.report(finding);
    run.clock.endAside();
    run.progress('fuzz');
    if (run.replay) break;
    if (run.findings.length >= maxFindings) {
      stoppedBy = 'max-findings';
      break;
    }
  }
  return run.result(stoppedBy);
}
