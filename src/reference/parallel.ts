/**
 * The asynchronous reference entry: same kernel, same per-element summation order (so results
 * are bit-identical to `convTransposeReference`), rows split across worker threads writing into
 * SharedArrayBuffers. Small problems take the synchronous path: below a few million
 * multiply-adds, posting to workers costs more than it saves.
 */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { CaseTensors } from '../tensor.js';
import { computeTermCounts, multiplyAddCount } from './bounds.js';
import { kernelRowCount, type KernelJob } from './kernel.js';
import { SHARED_STORAGE } from './plan.js';
import {
  assembleResult,
  buildReferenceJobs,
  checkTensors,
  checkStorage,
  computeReferenceSync,
  intoStorage,
  resultArrays,
  type ReferenceOptions,
  type ReferenceStorage,
  type ReferenceOutput,
  type ReferenceResult,
} from './reference.js';
import { buildSimdTask, copySimdOutput, simdLayout } from './simd/plan.js';
import { acquireMemory, releaseMemory } from './simd/pool.js';
import { kernelModule } from './simd/module.js';
import { useSimd } from './simd/run.js';
import { chunkTable, defaultThreadCount, runJobsOnWorkers, runSimdTaskOnWorkers } from './workers.js';

/** Multiply-adds (value and bound passes together) from which workers pay off: scalar kernel. */
export const DEFAULT_MIN_PARALLEL_WORK = 2e6;

/**
 * The same for the SIMD kernel: ~6x faster per thread (~1 ms per 1.5e7 multiply-adds), so
 * posting to workers, waking them and copying the sums out weigh more. Measured in the bench:
 * the 3-D layer (1.4e7 per pass) took 2 ms on one thread and 3-20 ms on two of a busy machine.
 */
export const DEFAULT_MIN_PARALLEL_WORK_SIMD = 2e7;

/** Set after a worker failure: from then on this process computes on the main thread. */
let workersFailed = false;

export interface ParallelReferenceOptions extends ReferenceOptions {
  /** Below this many multiply-adds, run synchronously (default 2e6, SIMD 2e7; 0 forces workers). */
  readonly minParallelWork?: number;
  /** Worker threads to split the rows over (default: one per core). */
  readonly threads?: number;
}

/**
 * Multi-threaded reference. Arrays of the result live on SharedArrayBuffers when the scalar
 * kernel's workers ran, on plain ArrayBuffers otherwise (SIMD path, work too small, workers
 * unavailable). Overloads as for `convTransposeReference`.
 */
export async function convTransposeReferenceParallel(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  options: ParallelReferenceOptions & { readonly withBounds: false },
): Promise<ReferenceOutput>;
export async function convTransposeReferenceParallel(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  options?: ParallelReferenceOptions & { readonly withBounds?: true },
): Promise<ReferenceResult>;
export async function convTransposeReferenceParallel(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  options: ParallelReferenceOptions = {},
): Promise<ReferenceResult | ReferenceOutput> {
  const withBounds = options.withBounds ?? true;
  const passes = withBounds ? 2 : 1;
  const work = multiplyAddCount(geometry) * passes;
  const threads = Math.max(1, Math.floor(options.threads ?? defaultThreadCount()));
  const simd = useSimd(geometry, passes, threads);
  const minWork = options.minParallelWork ?? (simd ? DEFAULT_MIN_PARALLEL_WORK_SIMD : DEFAULT_MIN_PARALLEL_WORK);
  const into = options.into;
  checkStorage(geometry, withBounds, into);
  if (workersFailed || work < minWork) return computeReferenceSync(geometry, tensors, withBounds, into);
  const started =
    (simd ? startSimd(geometry, tensors, withBounds, passes, threads, into) : null) ??
    startScalar(geometry, tensors, withBounds, threads);
  try {
    await started.running;
  } catch (error) {
    // Same summation order: the synchronous path gives the same bits (and rethrows real bugs).
    noteWorkersFailed(error);
    return computeReferenceSync(geometry, tensors, withBounds, into);
  }
  // The SIMD path wrote into `into` already; the scalar workers' SharedArrayBuffers are copied.
  return started.wroteInto ? started.finish() : intoStorage(started.finish(), into);
}

/** Work under way on the workers, and how to assemble its result once they are done. */
interface Started {
  readonly running: Promise<void>;
  /** Whether the result arrays are the caller's `into` arrays already. */
  readonly wroteInto: boolean;
  finish(): ReferenceResult | ReferenceOutput;
}

function startScalar(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  withBounds: boolean,
  threads: number,
): Started {
  const jobs = buildReferenceJobs(geometry, tensors, withBounds, SHARED_STORAGE);
  const kernelJobs: KernelJob[] = jobs.absolute === null ? [jobs.value] : [jobs.value, jobs.absolute];
  const running = runJobsOnWorkers(kernelJobs, kernelJobs.map(kernelRowCount), threads);
  // The term counts are pure geometry: count them while the workers compute.
  const termCount = withBounds ? computeTermCounts(geometry) : null;
  return { running, wroteInto: false, finish: () => assembleResult(jobs, termCount) };
}

/**
 * The SIMD path: operands and sums in a pooled shared memory, copied out into plain arrays.
 * Why not SharedArrayBuffers for the result (as the scalar path): V8 recycles the memory of
 * freed plain ArrayBuffers, but each fresh SharedArrayBuffer comes with fresh pages, and on this
 * kind of VM faulting them in cost more than the kernel itself (measured: 4 MB ~30 ms vs 0.4).
 * Null when no memory can be had for the problem.
 */
function startSimd(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  withBounds: boolean,
  passes: number,
  threads: number,
  into: ReferenceStorage | undefined,
): Started | null {
  checkTensors(geometry, tensors);
  const layout = simdLayout(geometry, passes, threads);
  const pooled = acquireMemory(layout.bytes);
  if (pooled === null) return null; // no memory that large to be had: the scalar path
  const chunks = (rows: readonly number[]): Int32Array => chunkTable(rows, threads);
  const task = buildSimdTask(geometry, tensors, pooled, layout, chunks);
  const running = runSimdTaskOnWorkers(task, kernelModule()!, threads);
  // While the workers compute: fault in the result's fresh pages (fill touches them), and count
  // the terms (pure geometry); what is left after them is a plain copy. Caller's arrays (`into`)
  // are written as they are.
  const arrays = resultArrays(geometry, withBounds, into);
  const outputs = arrays.absSum === null ? [arrays.output] : [arrays.output, arrays.absSum];
  if (into === undefined) outputs.forEach((array) => array.fill(0));
  const termCount = withBounds ? computeTermCounts(geometry) : null;
  return {
    wroteInto: into !== undefined,
    // The memory goes back to the pool once every worker is done and the sums are copied out.
    running: running
      .then(() => task.jobs.forEach((job, pass) => copySimdOutput(job, pooled.memory, outputs[pass]!)))
      .finally(() => releaseMemory(pooled)),
    finish: () =>
      termCount === null ? { output: outputs[0]! } : { output: outputs[0]!, termCount, absSum: outputs[1]! },
  };
}

/**
 * Workers can fail where the main thread does not, e.g. when a code transform (istanbul
 * coverage) makes the shipped kernel source refer to module state: say so once, then compute.
 */
function noteWorkersFailed(error: unknown): void {
  if (workersFailed) return;
  workersFailed = true;
  const reason = error instanceof Error ? error.message : String(error);
  process.emitWarning(
    `reference workers failed, computing on the main thread from now on: ${reason}`,
    'TconvReferenceWarning',
  );
}
