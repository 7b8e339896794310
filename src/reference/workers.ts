/**
 * A small pool of persistent worker threads running the kernel over SharedArrayBuffers: the
 * scalar kernel (kernel.ts) or the SIMD one (simd/kernel.ts, on a shared WebAssembly memory).
 *
 * Workers are started with `eval: true` from the kernel functions' source text, so they need no
 * TypeScript loader (works the same under tsx, vitest and compiled JS). They are unref'd while
 * idle so they never keep the process alive, and ref'd while they own a task.
 *
 * Work is cut into chunks of rows that the workers claim through a shared atomic counter: when
 * a core is busy with something else, the other worker simply takes more chunks.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KERNEL_FUNCTIONS, type ChunkedTask, type KernelJob } from './kernel.js';
import { SIMD_FUNCTIONS, type SimdTask } from './simd/kernel.js';
import type { WasmModule } from './simd/wasm-api.js';

type TaskReply = { readonly id: number; readonly error: string | null };

/**
 * Worker source: the kernel functions of both paths, then a message loop (which keeps one
 * WebAssembly instance per pooled memory). `__name` guards against esbuild's
 * keepNames helper (tsx): it wraps named inner functions, which would then be called in the
 * shipped text (the kernel has none today; test/reference.workers.test.ts runs it under tsx).
 */
function workerSource(): string {
  return [
    'const __name = (target) => target;',
    ...KERNEL_FUNCTIONS.map((fn) => fn.toString()),
    ...SIMD_FUNCTIONS.map((fn) => fn.toString()),
    `const { parentPort } = require('node:worker_threads');
const simdInstances = new Map();
let simdModule = null;
parentPort.on('message', ({ id, task, simd, thread, module }) => {
  try {
    if (module) simdModule = module;
    if (simd) runClaimedSimdChunks(task, thread, simdInstances, simdModule);
    else runClaimedChunks(task);
    parentPort.postMessage({ id, error: null });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});`,
  ].join('\n');
}

interface PooledWorker {
  readonly worker: Worker;
  /** Whether the SIMD kernel module was posted to this worker (it is posted once). */
  hasModule: boolean;
  readonly pending: Map<number, { resolve: () => void; reject: (error: Error) => void }>;
}

let pool: PooledWorker[] = [];
let nextTaskId = 0;

/** Threads the parallel entry uses by default: one per core. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 16));
}

/** Chunks per thread and job: enough to rebalance when a core is taken, few enough to be cheap. */
const CHUNKS_PER_THREAD = 8;

function failAll(pooled: PooledWorker, error: Error): void {
  for (const waiter of pooled.pending.values()) waiter.reject(error);
  pooled.pending.clear();
  pool = pool.filter((entry) => entry !== pooled);
}

function startWorker(): PooledWorker {
  const worker = new Worker(workerSource(), { eval: true });
  const pooled: PooledWorker = { worker, pending: new Map(), hasModule: false };
  worker.unref();
  worker.on('message', (reply: TaskReply) => {
    const waiter = pooled.pending.get(reply.id);
    pooled.pending.delete(reply.id);
    if (pooled.pending.size === 0) worker.unref();
    if (reply.error === null) waiter?.resolve();
    else waiter?.reject(new Error(`reference worker failed: ${reply.error}`));
  });
  worker.on('error', (error) => failAll(pooled, error));
  worker.on('exit', (code) => failAll(pooled, new Error(`reference worker exited (${code})`)));
  return pooled;
}

function workers(count: number): PooledWorker[] {
  while (pool.length < count) pool.push(startWorker());
  return pool.slice(0, count);
}

/**
 * Posts a task; `thread` (0 .. team size - 1) picks the SIMD scratch this worker uses, and a
 * SIMD task carries the kernel module to a worker that has not had it yet.
 */
function postTask(
  pooled: PooledWorker,
  task: ChunkedTask | SimdTask,
  thread: number,
  module: WasmModule | null,
): Promise<void> {
  const id = nextTaskId++;
  const simd = module !== null;
  const sendModule = simd && !pooled.hasModule;
  pooled.hasModule ||= simd;
  tasksPosted++;
  return new Promise<void>((resolve, reject) => {
    pooled.pending.set(id, { resolve, reject });
    pooled.worker.ref();
    pooled.worker.postMessage({ id, task, simd, thread, module: sendModule ? module : null });
  });
}

let tasksPosted = 0;

/** Tasks posted to workers so far (tests: evidence that an evaluation ran on workers). */
export function referenceWorkerTasks(): number {
  return tasksPosted;
}

/** Row ranges [begin, end) cutting `rows` into `parts` nearly equal contiguous slices. */
export function splitRows(rows: number, parts: number): Array<[number, number]> {
  const slices: Array<[number, number]> = [];
  for (let part = 0; part < parts; part++) {
    const begin = Math.floor((rows * part) / parts);
    const end = Math.floor((rows * (part + 1)) / parts);
    if (end > begin) slices.push([begin, end]);
  }
  return slices;
}

/** The chunk table of a task: (job index, row begin, row end) triples. */
export function chunkTable(rowCounts: readonly number[], threads: number): Int32Array {
  const triples = rowCounts.flatMap((rows, jobIndex) =>
    splitRows(rows, threads * CHUNKS_PER_THREAD).map(([begin, end]) => [jobIndex, begin, end]),
  );
  return Int32Array.from(triples.flat());
}

/** Runs every job's rows on `threads` workers. Jobs must live on SharedArrayBuffers. */
export async function runJobsOnWorkers(
  jobs: readonly KernelJob[],
  rowCounts: readonly number[],
  threads: number,
): Promise<void> {
  const task: ChunkedTask = {
    jobs,
    chunks: chunkTable(rowCounts, threads),
    nextChunk: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
  };
  await Promise.all(workers(threads).map((pooled, thread) => postTask(pooled, task, thread, null)));
}

/** Runs a SIMD task (built for `threads` scratch areas) on `threads` workers. */
export async function runSimdTaskOnWorkers(task: SimdTask, module: WasmModule, threads: number): Promise<void> {
  await Promise.all(workers(threads).map((pooled, thread) => postTask(pooled, task, thread, module)));
}

/** Terminates the pool (it restarts on the next parallel call). */
export async function shutdownReferenceWorkers(): Promise<void> {
  const stopping = pool;
  pool = [];
  await Promise.all(stopping.map((pooled) => pooled.worker.terminate()));
}
