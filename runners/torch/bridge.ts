/**
 * The Node side of runners/torch/bridge.py: one persistent Python child per process, framed
 * requests over its stdin, framed replies over its stdout (the protocol is described in
 * bridge.py). Requests may be pipelined; replies come back in order. The child's stderr is
 * forwarded to this process's stderr (where the runner host captures it) and its tail is kept
 * for messages. When the child dies, pending requests fail with a message and the next request
 * starts a new child.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TorchAttributes } from './call.js';
import { choosePython, installHint, type PythonChoice } from './python.js';

const BRIDGE_PATH = fileURLToPath(new URL('./bridge.py', import.meta.url));
const HELLO_TIMEOUT_MS = 120_000;
const STDERR_TAIL_LINES = 12;

export interface BridgeVersions {
  readonly torch: string;
  readonly python: string;
  readonly numpy: string;
  readonly executable: string;
  readonly threads: number;
}

/** One conv_transpose call: the module arguments and the tensors (channels-first). */
export interface BridgeRequest extends TorchAttributes {
  readonly form: 'functional' | 'module';
  readonly rank: 1 | 2 | 3;
  /** Input and weight shapes (channels-first). */
  readonly input: readonly number[];
  readonly weight: readonly number[];
  readonly tensors: {
    readonly input: Float32Array;
    readonly weight: Float32Array;
    readonly bias: Float32Array | null;
  };
}

export type BridgeReply =
  | { readonly ok: true; readonly output: Float32Array; readonly shape: readonly number[] }
  | { readonly ok: false; readonly error: string };

interface Header {
  readonly hello?: boolean;
  readonly id?: number;
  readonly ok?: boolean;
  readonly error?: string;
  readonly missing?: string;
  readonly shape?: number[];
  readonly torch?: string;
  readonly python?: string;
  readonly numpy?: string;
  readonly executable?: string;
  readonly threads?: number;
}

interface Waiter {
  readonly id: number;
  /** Element count of the reply payload, known once its header is parsed. */
  readonly resolve: (reply: BridgeReply) => void;
}

/** Thrown by `start` when the bridge cannot run PyTorch at all (load() failure). */
export class BridgeUnavailable extends Error {}

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A float32 little-endian view of a payload, copied out of the (pooled) read buffer. */
function floatsOf(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  const view = new Uint8Array(out.buffer);
  view.set(bytes);
  if (!isLittleEndian) {
    const data = new DataView(out.buffer);
    for (let i = 0; i < out.length; i++) out[i] = data.getFloat32(i * 4, true);
  }
  return out;
}

function bytesOf(values: Float32Array): Uint8Array {
  if (isLittleEndian) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const data = new DataView(out.buffer);
  values.forEach((value, i) => data.setFloat32(i * 4, value, true));
  return out;
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A running bridge process and its frame reader. */
class BridgeProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly waiters: Waiter[] = [];
  private hello: ((header: Header) => void) | null = null;
  private stderrTail: string[] = [];
  private nextId = 1;
  exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  /** Called once when the process has exited and every waiter has been failed. */
  onExit: () => void = () => {};

  constructor(readonly python: PythonChoice) {
    this.child = spawn(python.executable, ['-u', BRIDGE_PATH], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: '1',
        // Before torch loads: one intra-op thread (bridge.py also calls set_num_threads(1)).
        OMP_NUM_THREADS: '1',
        MKL_NUM_THREADS: '1',
      },
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      const lines = chunk.toString('utf8').split('\n').filter(Boolean);
      this.stderrTail = [...this.stderrTail, ...lines].slice(-STDERR_TAIL_LINES);
    });
    // EPIPE when the child died mid-write: the 'close' handler reports it.
    this.child.stdin.on('error', () => {});
    this.child.on('error', (error) => this.exit(null, null, error.message));
    this.child.on('close', (code, signal) => this.exit(code, signal));
    this.idle();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Waits for the hello frame; throws BridgeUnavailable when torch cannot be imported. */
  async handshake(): Promise<BridgeVersions> {
    const header = await new Promise<Header>((resolve) => {
      this.hello = resolve;
      this.busy();
      const timer = setTimeout(() => {
        this.hello = null;
        resolve({ hello: true, ok: false, error: `no reply within ${HELLO_TIMEOUT_MS / 1000}s (importing torch)` });
      }, HELLO_TIMEOUT_MS);
      timer.unref();
    });
    this.idle();
    if (!header.ok) {
      this.kill();
      throw new BridgeUnavailable(this.unavailableMessage(header.error ?? 'unknown error', header.missing));
    }
    return {
      torch: header.torch ?? '?',
      python: header.python ?? '?',
      numpy: header.numpy ?? '?',
      executable: header.executable ?? this.python.executable,
      threads: header.threads ?? 0,
    };
  }

  send(request: BridgeRequest): Promise<BridgeReply> {
    if (this.exited) return Promise.resolve({ ok: false, error: this.exitMessage() });
    const { tensors, ...args } = request;
    const id = this.nextId++;
    const elements = tensors.input.length + tensors.weight.length + (tensors.bias?.length ?? 0);
    const header = Buffer.from(JSON.stringify({ id, ...args, bias: tensors.bias !== null, elements }), 'utf8');
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32LE(header.length, 0);
    const parts: Uint8Array[] = [prefix, header, bytesOf(tensors.input), bytesOf(tensors.weight)];
    if (tensors.bias) parts.push(bytesOf(tensors.bias));
    const reply = new Promise<BridgeReply>((resolve) => this.waiters.push({ id, resolve }));
    this.busy();
    this.child.stdin.write(Buffer.concat(parts));
    return reply;
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Closes stdin: the bridge exits at EOF. */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), 5000);
    await done;
    clearTimeout(timer);
  }

  // A bridge with nothing in flight must not keep Node alive (the host's IPC channel or the
  // test runner does that); one with a request in flight must.
  private busy(): void {
    this.child.ref();
    for (const stream of this.streams()) stream.ref();
  }

  private idle(): void {
    this.child.unref();
    for (const stream of this.streams()) stream.unref();
  }

  /** stdio pipes are net.Sockets, which can be (un)referenced. */
  private streams(): Socket[] {
    return [this.child.stdout, this.child.stderr, this.child.stdin] as unknown as Socket[];
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      const head = this.peek(4);
      const headerLength = head.readUInt32LE(0);
      if (this.buffered < 4 + headerLength) return;
      const header = JSON.parse(
        this.peek(4 + headerLength)
          .subarray(4)
          .toString('utf8'),
      ) as Header;
      const payloadBytes = header.ok && header.shape ? 4 * product(header.shape) : 0;
      const frameBytes = 4 + headerLength + payloadBytes;
      if (this.buffered < frameBytes) return;
      const frame = this.take(frameBytes);
      this.dispatch(header, frame.subarray(4 + headerLength));
    }
  }

  /** The first `size` buffered bytes (joining chunks when needed, without consuming). */
  private peek(size: number): Buffer {
    if (this.chunks[0]!.length < size) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, size);
  }

  private take(size: number): Buffer {
    const joined = this.peek(size);
    const first = this.chunks[0]!;
    if (first.length === size) this.chunks.shift();
    else this.chunks[0] = first.subarray(size);
    this.buffered -= size;
    return joined;
  }

  private dispatch(header: Header, payload: Buffer): void {
    if (header.hello) {
      const hello = this.hello;
      this.hello = null;
      hello?.(header);
      return;
    }
    const waiter = this.waiters.shift();
    if (!waiter) return;
    if (waiter.id !== header.id) {
      waiter.resolve({ ok: false, error: `torch bridge protocol error: reply ${header.id} for request ${waiter.id}` });
      this.kill();
      return;
    }
    if (this.waiters.length === 0) this.idle();
    waiter.resolve(
      header.ok && header.shape
        ? { ok: true, output: floatsOf(payload), shape: header.shape }
        : { ok: false, error: header.error ?? 'torch bridge: error reply without a message' },
    );
  }

  private exit(code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void {
    if (this.exited) return;
    this.exited = { code, signal };
    if (spawnError) this.stderrTail.push(spawnError);
    const message = this.exitMessage();
    this.hello?.({ hello: true, ok: false, error: message });
    this.hello = null;
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ ok: false, error: message });
    this.idle();
    this.onExit();
  }

  private exitMessage(): string {
    const how = this.exited?.signal ? `was killed by ${this.exited.signal}` : `exited with code ${this.exited?.code}`;
    const tail = this.stderrTail.join('\n');
    return `torch bridge (${this.python.executable}, pid ${this.pid}) ${how}${tail ? `; its stderr ended with:\n${tail}` : ''}`;
  }

  private unavailableMessage(error: string, missing = 'torch'): string {
    const where =
      this.python.source === 'TCONV_PYTHON'
        ? `TCONV_PYTHON=${this.python.executable}`
        : this.python.source === 'venv'
          ? `the tconv venv's python (${this.python.executable})`
          : `${this.python.executable} (no TCONV_PYTHON, no tconv venv)`;
    const notFound = /ENOENT/.test(error);
    const what = notFound
      ? `torch cannot be used: ${where} was not found`
      : `${missing} is not importable by ${where}: ${error}`;
    return `${what}. ${installHint(this.python, notFound)}`;
  }
}

let current: BridgeProcess | null = null;
let starting: Promise<{ bridge: BridgeProcess; versions: BridgeVersions }> | null = null;

/** The running bridge, started (and handshaken) when there is none; throws BridgeUnavailable. */
export async function bridge(): Promise<{ bridge: BridgeProcess; versions: BridgeVersions }> {
  if (current && !current.exited && starting) return starting;
  starting = (async () => {
    const process_ = new BridgeProcess(choosePython());
    current = process_;
    process_.onExit = () => {
      if (current === process_) {
        current = null;
        starting = null;
      }
    };
    try {
      return { bridge: process_, versions: await process_.handshake() };
    } catch (error) {
      if (current === process_) {
        current = null;
        starting = null;
      }
      throw error;
    }
  })();
  return starting;
}

/** Runs one call; a dead bridge is an error reply, and the next call starts a new one. */
export async function callBridge(request: BridgeRequest): Promise<BridgeReply> {
  const { bridge: running } = await bridge();
  return running.send(request);
}

/** Stops the bridge (tests; the host's child process ending closes the pipe anyway). */
export async function closeBridge(): Promise<void> {
  const running = current;
  current = null;
  starting = null;
  await running?.close();
}

/** The bridge's pid, for tests that kill it. */
export const bridgePid = (): number | undefined => (current && !current.exited ? current.pid : undefined);
