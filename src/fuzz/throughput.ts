/**
 * `measureFuzzThroughput`: fuzz cases per second over real runner sessions, with where the time
 * goes, for bench/bench.ts (`fuzz_cases_per_second`) and for tuning. Runs the real fuzz loop
 * (generation, runners, reference, comparator, known divergences) without saving anything.
 */
import { DEFAULT_SPACE, type FuzzSpace } from './arbitraries.js';
import { runFuzz } from './fuzz.js';
import { KNOWN_DIVERGENCES } from './known.js';
import { cpuSince, cpuSnapshot } from './processCpu.js';
import { openFuzzSessions } from './sessions.js';
import type { RunnerSession } from '../run/session.js';

export interface ThroughputOptions {
  /** Runners to open (default tfjs-node, onnxruntime); ignored when `sessions` is given. */
  readonly runners?: readonly string[];
  /** Already open sessions to use (they are not closed). */
  readonly sessions?: readonly RunnerSession[];
  /** Measured cases (default 1000). */
  readonly cases?: number;
  /** Cases run first and not measured: process and JIT warm-up (default 100). */
  readonly warmup?: number;
  /** fast-check seed (default 1): the same seed measures the same cases. */
  readonly seed?: number;
  readonly space?: Partial<FuzzSpace>;
  /** Recycle period of the onnxruntime process, in cases (default: as tconv fuzz). */
  readonly recycleEvery?: number;
  /** Cases in flight (default: as tconv fuzz). */
  readonly concurrency?: number;
}

export interface ThroughputResult {
  /** Measured cases per second (wall clock, fuzz loop included). */
  readonly fuzz_cases_per_second: number;
  readonly cases: number;
  readonly seconds: number;
  readonly variantsPerCase: number;
  /**
   * Wall-clock milliseconds per case (1000 / cases per second). Cases overlap (`inFlight` of them
   * on average), so a case's latency is longer than this.
   */
  readonly wallMsPerCase: number;
  /** Mean cases being evaluated at once: summed case latency / wall time. */
  readonly inFlight: number;
  /** Mean milliseconds of one case's evaluation, by part (the runners work during `reference`). */
  readonly latencyMs: {
    readonly total: number;
    readonly prepare: number;
    readonly reference: number;
    /** Waiting for the runner processes once the reference is done. */
    readonly waitForRunners: number;
    readonly compare: number;
    /** Per runner: time inside its process (all variants of a case). */
    readonly runner: Readonly<Record<string, number>>;
  };
  /**
   * CPU milliseconds per measured case, by process: 'main' (generation, reference, comparison,
   * messages) and each runner's process (src/fuzz/processCpu.ts; Linux only, else main alone).
   * Their sum over the machine's cores bounds the rate.
   */
  readonly cpuMsPerCase: Readonly<Record<string, number>>;
  readonly newFindings: number;
  readonly knownDivergences: number;
}

export async function measureFuzzThroughput(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const owned = options.sessions === undefined;
  const sessions =
    options.sessions ??
    (await openFuzzSessions(options.runners ?? ['tfjs-node', 'onnxruntime'], {
      ...(options.recycleEvery !== undefined ? { recycleEvery: options.recycleEvery } : {}),
    }));
  const space: FuzzSpace = { ...DEFAULT_SPACE, ...options.space };
  const context = { sessions, known: KNOWN_DIVERGENCES, expectations: [] };
  const seed = options.seed ?? 1;
  try {
    const warmup = options.warmup ?? 100;
    const concurrency = options.concurrency !== undefined ? { concurrency: options.concurrency } : {};
    if (warmup > 0)
      await runFuzz({
        seed: seed + 1,
        runs: warmup,
        space,
        context,
        maxFindings: 1 << 30,
        shrinkTimeMs: 0,
        ...concurrency,
      });
    const sums = { evaluation: 0, prepare: 0, reference: 0, wait: 0, compare: 0 };
    const runner: Record<string, number> = {};
    let evaluated = 0;
    const cpuBefore = cpuSnapshot();
    const started = performance.now();
    const result = await runFuzz({
      seed,
      runs: options.cases ?? 1000,
      space,
      context,
      // Findings are not shrunk here: only the fuzzing rate is measured.
      shrinkTimeMs: 0,
      maxFindings: 1 << 30,
      ...concurrency,
      onCase: (_case, evaluation, phase) => {
        if (phase !== 'fuzz') return;
        evaluated++;
        const t = evaluation.timings;
        sums.evaluation += t.totalMs;
        sums.prepare += t.prepareMs;
        sums.reference += t.referenceMs;
        sums.wait += t.waitMs;
        sums.compare += t.compareMs;
        for (const [name, ms] of Object.entries(t.runnerMs)) runner[name] = (runner[name] ?? 0) + ms;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSince(cpuBefore);
    const per = (total: number): number => total / Math.max(evaluated, 1);
    const wallMs = result.fuzzMs || seconds * 1000;
    return {
      fuzz_cases_per_second: result.casesPerSecond,
      cases: result.runs,
      seconds,
      variantsPerCase: result.variantsRun / Math.max(result.runs, 1),
      wallMsPerCase: wallMs / Math.max(result.runs, 1),
      inFlight: sums.evaluation / Math.max(wallMs, 1e-9),
      latencyMs: {
        total: per(sums.evaluation),
        prepare: per(sums.prepare),
        reference: per(sums.reference),
        waitForRunners: per(sums.wait),
        compare: per(sums.compare),
        runner: Object.fromEntries(Object.entries(runner).map(([name, ms]) => [name, per(ms)])),
      },
      cpuMsPerCase: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, ms / Math.max(result.runs, 1)])),
      newFindings: result.findings.length,
      knownDivergences: result.known.reduce((total, entry) => total + entry.count, 0),
    };
  } finally {
    if (owned) await Promise.all(sessions.map((session) => session.close()));
  }
}
