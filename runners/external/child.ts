/**
 * One external runner process: spawned without a shell, frames read from its stdout, the tail of
 * its stderr kept for reports. It reports each complete frame, the first unreadable byte stream
 * (a protocol fault) and its exit; what to do about them is connection.ts's business.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { FrameError, FrameReader, type Frame, type PayloadLimit } from './frames.js';

export interface ExternalCommand {
  /** The program (a path, or a name looked up on PATH) and its arguments. */
  readonly program: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface ChildEvents {
  readonly frame: (frame: Frame) => void;
  /** Bytes on stdout that are not a frame: the stream cannot be trusted any more. */
  readonly fault: (message: string) => void;
  readonly exit: (description: string) => void;
}

const STDERR_LINES_KEPT = 20;
const CLOSE_GRACE_MS = 5000;

export class RunnerChild {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader: FrameReader;
  private stderrLines: string[] = [];
  private partialLine = '';
  private faulted = false;
  exited = false;

  constructor(
    command: ExternalCommand,
    payloadLimit: PayloadLimit,
    private readonly events: ChildEvents,
  ) {
    this.reader = new FrameReader(payloadLimit);
    this.child = spawn(command.program, [...command.args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: command.env ?? process.env,
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.keepStderr(chunk));
    // EPIPE when the process died mid-write: its 'close' reports that.
    this.child.stdin.on('error', () => {});
    this.child.on('error', (error) => this.finish(`could not be started: ${error.message}`));
    this.child.on('close', (code, signal) => this.finish(signal ? `killed by ${signal}` : `exited with code ${code}`));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last lines the process wrote to stderr. */
  stderrTail(): string {
    return [...this.stderrLines, ...(this.partialLine ? [this.partialLine] : [])].join('\n');
  }

  write(parts: readonly Uint8Array[]): void {
    if (this.exited) return;
    for (const part of parts) this.child.stdin.write(part);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Closes stdin (the protocol's end) and waits for the exit, killing after a grace period. */
  async close(): Promise<void> {
    if (this.exited) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(timer);
  }

  /** With nothing in flight the process must not keep Node alive; with a request it must. */
  setBusy(busy: boolean): void {
    const streams = [this.child.stdout, this.child.stderr, this.child.stdin] as unknown as Socket[];
    if (busy) {
      this.child.ref();
      for (const stream of streams) stream.ref();
    } else {
      this.child.unref();
      for (const stream of streams) stream.unref();
    }
  }

  private receive(chunk: Buffer): void {
    if (this.faulted) return;
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.faulted = true;
      this.events.fault(error.message);
      return;
    }
    for (const frame of frames) this.events.frame(frame);
  }

  private keepStderr(chunk: Buffer): void {
    const lines = (this.partialLine + chunk.toString('utf8')).split('\n');
    this.partialLine = lines.pop() ?? '';
    this.stderrLines = [...this.stderrLines, ...lines.filter((line) => line.trim() !== '')].slice(-STDERR_LINES_KEPT);
  }

  private finish(description: string): void {
    if (this.exited) return;
    this.exited = true;
    this.events.exit(description);
  }
}
