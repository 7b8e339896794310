/**
 * The parent side of one runner child process: requests one at a time, a per-request timeout,
 * and crash detection (exit or signal while a request is in flight). The process is started
 * lazily and again after a crash or timeout.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { CaseTensors } from '../../src/tensor.js';
import type { ExecuteResult, Expression } from '../types.js';
import { FROM_SOURCES, MODULE_EXTENSION } from '../../src/paths.js';
import type { HostReply, HostRequest, RunnerSource } from './protocol.js';

const CHILD_PATH = fileURLToPath(new URL(`./child${MODULE_EXTENSION}`, import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
/** A TypeScript runner module (`--runner-module x.ts`, or tconv's own from sources) needs tsx's loader. */
const needsTsx = (modulePath: string): boolean => FROM_SOURCES || /\.[cm]?tsx?$/.test(modulePath);
const STDERR_LINES_KEPT = 20;

export type ProcessOutcome =
  | { readonly kind: 'result'; readonly result: ExecuteResult; readonly wallMs: number }
  | { readonly kind: 'crashed'; readonly signal: string; readonly stderrTail: string }
  | { readonly kind: 'timeout'; readonly timeoutMs: number };

interface Pending {
  readonly resolve: (outcome: ProcessOutcome | HostReply) => void;
  readonly timer: NodeJS.Timeout | undefined;
}

export class RunnerProcess {
  private child: ChildProcess | undefined;
  private pending: Pending | undefined;
  private stderrLines: string[] = [];
  private nextId = 1;
  version = '';

  constructor(
    private readonly source: RunnerSource,
    private readonly timeoutMs: number,
  ) {}

  /** Starts the child and loads the runner; throws with the runner's message if it cannot load. */
  async start(): Promise<string> {
    this.child = this.spawn();
    const reply = await this.request({ type: 'load', source: this.source }, this.timeoutMs * 4);
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

  async run(geometry: ConvTransposeGeometry, expression: Expression, tensors: CaseTensors): Promise<ProcessOutcome> {
    if (!this.child) await this.start();
    const id = this.nextId++;
    const reply = await this.request({ type: 'run', id, geometry, expression, tensors }, this.timeoutMs);
    if ('kind' in reply) return reply;
    if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type}`);
    return { kind: 'result', result: reply.result, wallMs: reply.wallMs };
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.disconnect();
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    });
  }

  private spawn(): ChildProcess {
    this.stderrLines = [];
    const child = fork(CHILD_PATH, [], {
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
      if (this.child === child) this.settle(message);
    });
    // 'close' (not 'exit') fires after stdio is drained, so the stderr tail is complete.
    child.on('close', (code, signal) => {
      // A child already replaced (after a timeout) must not settle its successor's request.
      if (this.child !== child) return;
      this.child = undefined;
      this.settle({ kind: 'crashed', signal: signal ?? `exit code ${code}`, stderrTail: this.stderrLines.join('\n') });
    });
    return child;
  }

  private request(message: HostRequest, timeoutMs: number): Promise<ProcessOutcome | HostReply> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const child = this.child;
        this.child = undefined;
        this.settle({ kind: 'timeout', timeoutMs });
        child?.kill('SIGKILL');
      }, timeoutMs);
      this.pending = { resolve, timer };
      this.child?.send(message);
    });
  }

  private settle(outcome: ProcessOutcome | HostReply): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }
}
