/**
 * Runner sessions for a fuzz run: opened once and reused for every case (each native runner is
 * one child process for the whole run), taking variants in batches (runners/host/process.ts;
 * onnxruntime runs a batch as one graph, runners/onnx/batch.ts). An onnxruntime child still
 * grows a little with every distinct model it keeps (an LRU of sessions, runners/onnx/session.ts;
 * measured 169 MB after 1,000 fuzz cases, 206 MB after 6,000), so it is replaced every
 * `recycleEvery` cases: the replacement is started in the background and swapped in when it has
 * loaded, so the fuzzer does not wait for it. Starting a process costs about a second of CPU,
 * hence a long period.
 */
import type { RunnerSession } from '../run/session.js';
import { openSession } from '../run/sessions.js';

/** Runners whose child process grows with every distinct case (see the file comment). */
export const RECYCLED_RUNNERS: ReadonlySet<string> = new Set(['onnxruntime', 'onnxruntime-web']);
export const DEFAULT_RECYCLE_EVERY = 20_000;
/** Per-variant timeout of native runners during fuzzing: cases are small, a hang is a finding. */
export const DEFAULT_FUZZ_TIMEOUT_MS = 10_000;
/**
 * Variants per message to a runner process while fuzzing: what is queued when the process is
 * free goes at once, and onnxruntime runs it as one graph (runners/onnx/batch.ts).
 */
export const DEFAULT_FUZZ_BATCH = 64;

export interface FuzzSessionOptions {
  readonly timeoutMs?: number;
  /** Cases after which a recycled runner's process is replaced (0: never). */
  readonly recycleEvery?: number;
  /** Variants per message to a runner process (default DEFAULT_FUZZ_BATCH; 1: no batching). */
  readonly batch?: number;
}

/** A session replaced by a fresh one every `every` cases, without waiting for the replacement. */
export class RecyclingSession implements RunnerSession {
  private current: RunnerSession;
  private replacement: Promise<RunnerSession | null> | null = null;
  private ready: RunnerSession | null = null;
  private cases = 0;
  private readonly retired: Promise<void>[] = [];
  /** Times the process was replaced. */
  recycled = 0;

  constructor(
    first: RunnerSession,
    private readonly open: () => Promise<RunnerSession>,
    private readonly every: number,
  ) {
    this.current = first;
  }

  get runner(): RunnerSession['runner'] {
    return this.current.runner;
  }

  get version(): string {
    return this.current.version;
  }

  get queuesCases(): boolean {
    return this.current.queuesCases ?? false;
  }

  runCase(...args: Parameters<RunnerSession['runCase']>): ReturnType<RunnerSession['runCase']> {
    if (this.ready) {
      this.retired.push(this.current.close());
      this.current = this.ready;
      this.ready = null;
      this.replacement = null;
      this.cases = 0;
      this.recycled++;
    }
    this.cases++;
    if (this.every > 0 && this.cases >= this.every && this.replacement === null) {
      this.replacement = this.open().then(
        (session) => (this.ready = session),
        () => {
          // Could not open a fresh process: keep the current one, try again later.
          this.replacement = null;
          this.cases = 0;
          return null;
        },
      );
    }
    return this.current.runCase(...args);
  }

  async close(): Promise<void> {
    const pending = await this.replacement;
    await Promise.all([
      this.current.close(),
      pending && pending !== this.current ? pending.close() : undefined,
      ...this.retired,
    ]);
  }
}

/** Opens the named runners (the reference runs in-process in the fuzzer itself, so it is skipped). */
export async function openFuzzSessions(
  names: readonly string[],
  options: FuzzSessionOptions = {},
): Promise<RunnerSession[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FUZZ_TIMEOUT_MS;
  const every = options.recycleEvery ?? DEFAULT_RECYCLE_EVERY;
  const sessions: RunnerSession[] = [];
  try {
    for (const name of names.filter((runner) => runner !== 'reference')) {
      const batch = options.batch ?? DEFAULT_FUZZ_BATCH;
      const open = (): Promise<RunnerSession> => openSession(name, { timeoutMs, batch });
      const first = await open();
      sessions.push(RECYCLED_RUNNERS.has(name) && every > 0 ? new RecyclingSession(first, open, every) : first);
    }
  } catch (error) {
    await Promise.all(sessions.map((session) => session.close()));
    throw error;
  }
  return sessions;
}
