/**
 * The parent side of one runner child process: a queue of variants sent in batches (one batch in
 * flight at a time), a timeout, and crash detection (exit or signal while a batch is in flight).
 * The process is started lazily and again after a crash or timeout.
 *
 * Batches: `maxBatch` 1 (what `run` uses) sends one variant per message, as a plain
 * request/reply. Fuzzing queues many small variants: whatever is queued when the child becomes
 * free goes in the next message (no waiting to fill a batch), and with `together` the runner may
 * execute them as one native call (Runner.executeBatch). A batch that crashes or times out is not
 * blamed as a whole: its unfinished variants are run again one at a time, so the outcome that is
 * reported belongs to the variant that causes it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { CaseTensors } from '../../src/tensor.js';
import type { ExecuteResult, Expression } from '../types.js';
import { FROM_SOURCES, MODULE_EXTENSION } from '../../src/paths.js';
import type { HostReply, HostRequest, ItemResult, RunItem, RunnerSource } from './protocol.js';

const CHILD_PATH = fileURLToPath(new URL(`./child${MODULE_EXTENSION}`, import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
/** A TypeScript runner module (`--runner-module x.ts`, or tconv's own from sources) needs tsx's loader. */
const needsTsx = (modulePath: string): boolean => FROM_SOURCES || /\.[cm]?tsx?$/.test(modulePath);
const STDERR_LINES_KEPT = 20;
/** Loading a framework (a native library, a wasm module) may take longer than one variant. */
const LOAD_TIMEOUT_FACTOR = 4;

export type ProcessOutcome =
  | { readonly kind: 'result'; readonly result: ExecuteResult; readonly wallMs: number }
  | { readonly kind: 'crashed'; readonly signal: string; readonly stderrTail: string }
  | { readonly kind: 'timeout'; readonly timeoutMs: number };

type Failure = Exclude<ProcessOutcome, { kind: 'result' }>;

export interface ProcessOptions {
  /** Per-variant timeout (a batch answered at once gets one for all: see armTimer). */
  readonly timeoutMs: number;
  /** Variants per message (default 1: request/reply, one variant at a time). */
  readonly maxBatch?: number;
  /**
   * One reply per batch, the runner executing it as one native call when it can
   * (Runner.executeBatch): fewer messages.
   */
  readonly together?: boolean;
  /** The runner's name, shown in the child's command line (default: the export name). */
  readonly name?: string;
}

interface Job {
  readonly item: Omit<RunItem, 'id'>;
  readonly resolve: (outcome: ProcessOutcome) => void;
  readonly reject: (error: Error) => void;
  /** Run again on its own after its batch crashed or timed out. */
  readonly alone: boolean;
}

interface Batch {
  readonly jobs: Map<number, Job>;
}

type LoadReply = HostReply | Failure;

export class RunnerProcess {
  private child: ChildProcess | undefined;
  private starting: Promise<void> | undefined;
  private loadWaiter: ((reply: LoadReply) => void) | undefined;
  private readonly queue: Job[] = [];
  private batch: Batch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stderrLines: string[] = [];
  private nextId = 1;
  /** Called when the last outcome is delivered (close() waits for it). */
  private drained: (() => void) | undefined;
  private readonly timeoutMs: number;
  private readonly maxBatch: number;
  private readonly together: boolean;
  private readonly name: string;
  version = '';

  constructor(
    private readonly source: RunnerSource,
    options: ProcessOptions,
  ) {
    this.timeoutMs = options.timeoutMs;
    this.maxBatch = Math.max(1, options.maxBatch ?? 1);
    this.together = options.together ?? false;
    this.name = options.name ?? source.exportName;
  }

  /** Starts the child and loads the runner; throws with the runner's message if it cannot load. */
  async start(): Promise<string> {
    this.child = this.spawn();
    const reply = await this.load();
    if ('kind' in reply) {
      const detail =
        reply.kind === 'crashed' ? `crashed (${reply.signal}): ${reply.stderrTail}` : 'timed out while loading';
      throw new Error(detail);
    }
    if (reply.type === 'load-failed') throw new Error(reply.message);
    if (reply.type !== 'loaded') throw new Error(`unexpected reply ${reply.type}`);
    this.version = reply.version;
    return reply.version;
  }

  /** Queues one variant; its outcome (result, crash or timeout) resolves the promise. */
  run(geometry: ConvTransposeGeometry, expression: Expression, tensors: CaseTensors): Promise<ProcessOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item: { geometry, expression, tensors }, resolve, reject, alone: false });
      this.pump();
    });
  }

  /** Ends the child once every queued variant has its outcome. */
  async close(): Promise<void> {
    while (this.batch || this.queue.length > 0 || this.starting) {
      await new Promise<void>((resolve) => (this.drained = resolve));
    }
    clearTimeout(this.timer);
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.disconnect();
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    });
  }

  private load(): Promise<LoadReply> {
    return new Promise((resolve) => {
      const timeoutMs = this.timeoutMs * LOAD_TIMEOUT_FACTOR;
      const timer = setTimeout(() => {
        this.killChild();
        settle({ kind: 'timeout', timeoutMs });
      }, timeoutMs);
      const settle = (reply: LoadReply): void => {
        clearTimeout(timer);
        this.loadWaiter = undefined;
        resolve(reply);
      };
      this.loadWaiter = settle;
      this.send({ type: 'load', source: this.source });
    });
  }

  /** Sends the next batch if the child is free; starts the child first if there is none. */
  private pump(): void {
    if (this.batch) return;
    if (this.queue.length === 0) {
      this.notifyDrained();
      return;
    }
    if (!this.child) {
      this.restart();
      return;
    }
    const jobs = this.takeBatch();
    const entries = jobs.map((job): [number, Job] => [this.nextId++, job]);
    const together = this.together && jobs.length > 1;
    this.batch = { jobs: new Map(entries) };
    this.armTimer();
    const items = entries.map(([id, job]): RunItem => ({ id, ...job.item }));
    this.send({ type: 'run', items, together });
  }

  /** A job to retry alone goes by itself; otherwise the queued jobs up to maxBatch. */
  private takeBatch(): Job[] {
    if (this.queue[0]!.alone) return [this.queue.shift()!];
    let count = 0;
    while (count < this.queue.length && count < this.maxBatch && !this.queue[count]!.alone) count++;
    return this.queue.splice(0, count);
  }

  private restart(): void {
    if (this.starting) return;
    this.starting = this.start().then(
      () => {
        this.starting = undefined;
        this.pump();
      },
      (error: unknown) => {
        this.starting = undefined;
        const failed = error instanceof Error ? error : new Error(String(error));
        for (const job of this.queue.splice(0)) job.reject(failed);
        this.notifyDrained();
      },
    );
  }

  /**
   * One timeout per reply awaited: per variant when they are answered one by one, for the whole
   * batch when it is answered at once. A batch over its time is not a verdict: its variants run
   * again alone, each with the full timeout, so only a variant alone is ever reported as a timeout.
   */
  private armTimer(): void {
    clearTimeout(this.timer);
    if (!this.batch) return;
    this.timer = setTimeout(() => {
      this.killChild();
      this.failBatch({ kind: 'timeout', timeoutMs: this.timeoutMs });
    }, this.timeoutMs);
  }

  private onResults(results: readonly ItemResult[]): void {
    const batch = this.batch;
    if (!batch) return;
    for (const { id, result, wallMs } of results) {
      const job = batch.jobs.get(id);
      if (!job) continue;
      batch.jobs.delete(id);
      job.resolve({ kind: 'result', result, wallMs });
    }
    if (batch.jobs.size > 0) {
      this.armTimer();
      return;
    }
    clearTimeout(this.timer);
    this.batch = undefined;
    this.pump();
  }

  /** A lone variant gets the failure; a larger batch's unfinished variants run again alone. */
  private failBatch(failure: Failure): void {
    clearTimeout(this.timer);
    const jobs = [...(this.batch?.jobs.values() ?? [])];
    this.batch = undefined;
    if (jobs.length === 1) jobs[0]!.resolve(failure);
    else this.queue.unshift(...jobs.map((job) => ({ ...job, alone: true })));
    this.pump();
  }

  private notifyDrained(): void {
    const drained = this.drained;
    this.drained = undefined;
    drained?.();
  }

  /** Kills the current child; its late messages and exit are ignored from now on. */
  private killChild(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
  }

  private send(message: HostRequest): void {
    this.child?.send(message);
  }

  private spawn(): ChildProcess {
    this.stderrLines = [];
    // The runner's name in the command line: `ps` (and src/fuzz/processCpu.ts) can tell children apart.
    const child = fork(CHILD_PATH, [`--runner=${this.name}`], {
      execArgv: needsTsx(this.source.modulePath) ? ['--import', TSX_LOADER] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env['TF_CPP_MIN_LOG_LEVEL'] ?? '2' },
    });
    const keep = (chunk: Buffer): void => {
      this.stderrLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      this.stderrLines = this.stderrLines.slice(-STDERR_LINES_KEPT);
    };
    child.stderr?.on('data', keep);
    child.stdout?.on('data', keep);
    child.on('message', (message: HostReply) => {
      if (this.child !== child) return;
      if (message.type === 'results') this.onResults(message.results);
      else this.loadWaiter?.(message);
    });
    // 'close' (not 'exit') fires after stdio is drained, so the stderr tail is complete.
    child.on('close', (code, signal) => {
      // A child already replaced (after a timeout) must not fail its successor's work.
      if (this.child !== child) return;
      this.child = undefined;
      const crashed: Failure = {
        kind: 'crashed',
        signal: signal ?? `exit code ${code}`,
        stderrTail: this.stderrLines.join('\n'),
      };
      if (this.loadWaiter) this.loadWaiter(crashed);
      else if (this.batch) this.failBatch(crashed);
    });
    return child;
  }
}
