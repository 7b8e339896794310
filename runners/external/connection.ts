/**
 * A connection to an external runner: the process (child.ts), its hello, and the requests in
 * flight (docs/runner-protocol.md, section 3). Requests are pipelined up to the hello's
 * `max_in_flight`; replies are matched by id. The oldest request in flight times out when the
 * process answers nothing for `timeoutMs`; a crash, a hang or a protocol fault is reported for
 * the requests it affects, and the next request starts a new process. Nothing here throws once
 * the connection is open: every submission resolves.
 */
import type { ExecuteResult } from '../types.js';
import { RunnerChild, type ExternalCommand } from './child.js';
import { encodeFrame, FrameError, type Frame, type WireTensor } from './frames.js';
import { HelloRefused, parseHello, parseReply, ProtocolViolation, type Hello } from './messages.js';

export interface Submission {
  /** The request's fields other than `type`, `id` and `tensors`. */
  readonly header: Readonly<Record<string, unknown>>;
  readonly tensors: readonly WireTensor[];
  /** The largest output payload accepted (bytes); more is a protocol fault. */
  readonly maxOutputBytes: number;
}

/** A reply's output as sent, or what became of the request (as a runner's result says it). */
export type Answer =
  { readonly status: 'result'; readonly output: WireTensor } | Exclude<ExecuteResult, { status: 'ok' }>;

export interface ConnectionOptions {
  /** Per-request limit (from when the process could have started it). */
  readonly timeoutMs: number;
  /** How long the hello may take (importing a framework can be slow). */
  readonly helloTimeoutMs?: number;
}

interface Job {
  readonly submission: Submission;
  readonly resolve: (answer: Answer) => void;
}

interface Running {
  readonly child: RunnerChild;
  readonly hello: Hello;
}

export const DEFAULT_HELLO_TIMEOUT_MS = 120_000;

export class ExternalConnection {
  private running: Running | null = null;
  private starting: Promise<Running> | null = null;
  private readonly queue: Job[] = [];
  private readonly inFlight = new Map<number, Job>();
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The first hello; the convention and layout of every later process must match it. */
  hello: Hello | null = null;

  constructor(
    private readonly command: ExternalCommand,
    private readonly options: ConnectionOptions,
  ) {}

  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  /** Starts the process and reads its hello; throws HelloRefused when it cannot be used. */
  async open(): Promise<Hello> {
    const running = await this.ensureRunning();
    return running.hello;
  }

  submit(submission: Submission): Promise<Answer> {
    if (this.closed) return Promise.resolve({ status: 'error', message: 'the runner was closed' });
    const answer = new Promise<Answer>((resolve) => this.queue.push({ submission, resolve }));
    this.pump();
    return answer;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ status: 'error', message: 'the runner was closed' });
    const running = this.running ?? (await this.starting?.catch(() => null)) ?? null;
    this.running = null;
    await running?.child.close();
  }

  // ------------------------------------------------------------------ process life

  private ensureRunning(): Promise<Running> {
    if (this.running && !this.running.child.exited) return Promise.resolve(this.running);
    this.starting ??= this.startProcess().finally(() => (this.starting = null));
    return this.starting;
  }

  private startProcess(): Promise<Running> {
    return new Promise<Running>((resolve, reject) => {
      let running: Running | null = null;
      const refuse = (why: string): void => {
        clearTimeout(helloTimer);
        child.kill();
        reject(new HelloRefused(`${why}${stderrNote(child)}`));
      };
      const child: RunnerChild = new RunnerChild(this.command, (header) => this.payloadLimit(running, header), {
        frame: (frame) => {
          if (running) return this.onFrame(running, frame);
          clearTimeout(helloTimer);
          try {
            const hello = parseHello(frame);
            this.checkSameRunner(hello);
            running = { child, hello };
            this.hello ??= hello;
            this.running = running;
            child.setBusy(false);
            resolve(running);
          } catch (error) {
            refuse((error as Error).message);
          }
        },
        fault: (message) =>
          running
            ? this.onFault(running, message)
            : refuse(`it wrote something that is not a protocol frame (${message})`),
        exit: (description) =>
          running ? this.onExit(running, description) : refuse(`it ${description} before its hello`),
      });
      const helloTimeout = this.options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS;
      const helloTimer = setTimeout(() => refuse(`no hello within ${helloTimeout / 1000} s`), helloTimeout);
    });
  }

  /** A restarted process must be the same implementation speaking the same convention. */
  private checkSameRunner(hello: Hello): void {
    const first = this.hello;
    if (first && (first.convention !== hello.convention || first.layout !== hello.layout)) {
      throw new HelloRefused(
        `the restarted process speaks ${hello.convention}/${hello.layout}, the first spoke ${first.convention}/${first.layout}`,
      );
    }
  }

  private payloadLimit(running: Running | null, header: Readonly<Record<string, unknown>>): number {
    if (!running) return 0;
    const job = this.inFlight.get(header['id'] as number);
    if (!job) throw new FrameError(`a reply for request ${JSON.stringify(header['id'])}, which is not in flight`);
    return job.submission.maxOutputBytes;
  }

  // ------------------------------------------------------------------ requests

  private pump(): void {
    if (this.queue.length === 0 || this.closed) return;
    const running = this.running;
    if (!running || running.child.exited) {
      this.ensureRunning().then(
        () => this.pump(),
        (error: unknown) => this.failQueued(`could not restart the runner: ${(error as Error).message}`),
      );
      return;
    }
    while (this.queue.length > 0 && this.inFlight.size < running.hello.maxInFlight) {
      const job = this.queue.shift()!;
      const id = this.nextId++;
      this.inFlight.set(id, job);
      const { header, tensors } = job.submission;
      running.child.setBusy(true);
      running.child.write(encodeFrame({ ...header, type: 'run', id }, tensors));
      if (this.inFlight.size === 1) this.armTimer(running);
    }
  }

  private failQueued(message: string): void {
    for (const job of this.queue.splice(0)) job.resolve({ status: 'error', message });
  }

  private onFrame(running: Running, frame: Frame): void {
    if (this.running !== running) return;
    let reply;
    try {
      reply = parseReply(frame);
    } catch (error) {
      if (!(error instanceof ProtocolViolation)) throw error;
      return this.onFault(running, error.message);
    }
    const job = this.inFlight.get(reply.id);
    if (!job) return this.onFault(running, `a reply for request ${reply.id}, which is not in flight`);
    this.inFlight.delete(reply.id);
    switch (reply.type) {
      case 'result':
        job.resolve({ status: 'result', output: reply.output });
        break;
      case 'error':
        job.resolve({ status: 'error', message: reply.message });
        break;
      case 'unsupported':
        job.resolve({ status: 'unsupported', reason: reply.reason });
        break;
    }
    this.armTimer(running);
    this.pump();
    if (this.inFlight.size === 0 && this.queue.length === 0) running.child.setBusy(false);
  }

  /** The stream is unreadable: the requests in flight fail with what was wrong. */
  private onFault(running: Running, message: string): void {
    if (this.running !== running) return;
    this.retire(running);
    const text = `protocol: ${message}${stderrNote(running.child)}`;
    for (const job of this.takeInFlight()) job.resolve({ status: 'error', message: text });
    this.pump();
  }

  private onExit(running: Running, description: string): void {
    if (this.running !== running) return;
    this.retire(running);
    for (const job of this.takeInFlight()) {
      job.resolve({ status: 'crashed', signal: description, stderrTail: running.child.stderrTail() });
    }
    this.pump();
  }

  /** The oldest request in flight times out after `timeoutMs` without any reply. */
  private armTimer(running: Running): void {
    clearTimeout(this.timer);
    if (this.inFlight.size === 0) return;
    this.timer = setTimeout(() => this.onTimeout(running), this.options.timeoutMs);
  }

  private onTimeout(running: Running): void {
    if (this.running !== running) return;
    this.retire(running);
    const [oldest, ...others] = this.takeInFlight();
    oldest?.resolve({ status: 'timeout', timeoutMs: this.options.timeoutMs });
    // The others never got their turn: they go to the next process first.
    this.queue.unshift(...others);
    this.pump();
  }

  /** Stops using a process (killing it when still alive). */
  private retire(running: Running): void {
    clearTimeout(this.timer);
    if (this.running === running) this.running = null;
    running.child.kill();
  }

  private takeInFlight(): Job[] {
    const jobs = [...this.inFlight.values()];
    this.inFlight.clear();
    return jobs;
  }
}

function stderrNote(child: RunnerChild): string {
  const tail = child.stderrTail();
  return tail ? `; its stderr ended with:\n${tail}` : '';
}
