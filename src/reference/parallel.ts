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
  computeReferenceSync,
  type ReferenceOptions,
  type ReferenceOutput,
  type ReferenceResult,
} from './reference.js';
import { defaultThreadCount, runJobsOnWorkers } from './workers.js';

/** Multiply-adds (value and bound passes together) from which workers pay off. */
export const DEFAULT_MIN_PARALLEL_WORK = 2e6;

/** Set after a worker failure: from then on this process computes on the main thread. */
let workersFailed = false;

export interface ParallelReferenceOptions extends ReferenceOptions {
  /** Below this many multiply-adds, run synchronously (default 2e6; 0 forces workers). */
  readonly minParallelWork?: number;
  /** Worker threads to split the rows over (default: one per core). */
  readonly threads?: number;
}

/**
 * Multi-threaded reference. Arrays of the result live on SharedArrayBuffers when workers ran
 * (plain ArrayBuffers when the work was too small, or workers could not run). Overloads as for
 * `convTransposeReference`.
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
  if (workersFailed || work < (options.minParallelWork ?? DEFAULT_MIN_PARALLEL_WORK)) {
    return computeReferenceSync(geometry, tensors, withBounds);
  }
  const jobs = buildReferenceJobs(geometry, tensors, withBounds, SHARED_STORAGE);
  const kernelJobs: KernelJob[] = jobs.absolute === null ? [jobs.value] : [jobs.value, jobs.absolute];
  const running = runJobsOnWorkers(kernelJobs, kernelJobs.map(kernelRowCount), threads);
  // The term counts are pure geometry: count them while the workers compute.
  const termCount = withBounds ? computeTermCounts(geometry) : null;
  try {
    await running;
  } catch (error) {
    // Same kernel, same order: the synchronous path gives the same bits (and rethrows real bugs).
    noteWorkersFailed(error);
    return computeReferenceSync(geometry, tensors, withBounds);
  }
  return assembleResult(jobs, termCount);
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
