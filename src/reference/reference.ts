/**
 * The native reference: transposed convolution accumulated in float64, no ML library.
 *
 * Per spatial axis, full[t] = sum over input positions p and taps q with t = p*s + q*d of
 * x[p] * w[q]; y[j] = full[j + beginCrop] for j in [0, outputSize) (zero past fullSize), plus
 * bias[m]. Output channel m = g*(M/group) + mo sums input channels c of group g with w[c, mo, q].
 *
 * Two implementations with bit-identical results: the readable scalar kernel (kernel.ts), which
 * is the specification, and a WebAssembly SIMD one (simd/) that runs the same per-element chain
 * for several outputs at once; TCONV_REFERENCE=scalar forces the first (simd/run.ts).
 */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { CaseTensors } from '../tensor.js';
import { computeTermCounts } from './bounds.js';
import { kernelRowCount, runKernelRows, type KernelJob } from './kernel.js';
import { buildKernelJob, MAIN_THREAD_STORAGE, type JobStorage } from './plan.js';
import { computeSimdSync, useSimd } from './simd/run.js';

export interface ReferenceOptions {
  /** Also compute termCount and absSum (default true; false halves the work). */
  readonly withBounds?: boolean;
  /**
   * Caller-owned arrays the result is written into (and returned as), like numpy's `out=`: a
   * caller evaluating one layer repeatedly saves allocating fresh output memory each time, which
   * on small VMs costs more than computing (measured: faulting in 2 MB took ~6 ms here).
   */
  readonly into?: ReferenceStorage;
}

/** Arrays of outputElements elements; absSum is required when bounds are computed. */
export interface ReferenceStorage {
  readonly output: Float64Array;
  readonly absSum?: Float64Array;
}

/** Throws unless `into` (when given) has arrays of outputElements, absSum too with bounds. */
export function checkStorage(
  geometry: ConvTransposeGeometry,
  withBounds: boolean,
  into: ReferenceStorage | undefined,
): void {
  if (into === undefined) return;
  const length = geometry.outputElements;
  const check = (what: string, array: Float64Array): void => {
    if (array.length !== length) throw new Error(`reference: into.${what} has ${array.length} elements, not ${length}`);
  };
  check('output', into.output);
  if (into.absSum !== undefined) check('absSum', into.absSum);
  else if (withBounds) throw new Error('reference: into.absSum is required when bounds are computed');
}

/** The arrays a result is written to: `into`'s (checked by checkStorage) or fresh ones. */
export function resultArrays(
  geometry: ConvTransposeGeometry,
  withBounds: boolean,
  into: ReferenceStorage | undefined,
): { output: Float64Array; absSum: Float64Array | null } {
  const fresh = (): Float64Array => new Float64Array(geometry.outputElements);
  if (into === undefined) return { output: fresh(), absSum: withBounds ? fresh() : null };
  return { output: into.output, absSum: withBounds ? into.absSum! : null };
}

/** A result computed elsewhere, copied into `into`'s arrays (no copy without `into`). */
export function intoStorage<T extends ReferenceResult | ReferenceOutput>(
  result: T,
  into: ReferenceStorage | undefined,
): T {
  if (into === undefined) return result;
  into.output.set(result.output);
  if (!('absSum' in result)) return { ...result, output: into.output };
  into.absSum!.set(result.absSum);
  return { ...result, output: into.output, absSum: into.absSum! };
}

/** The output alone, in the geometry's layout, bias included. */
export interface ReferenceOutput {
  readonly output: Float64Array;
}

export interface ReferenceResult extends ReferenceOutput {
  /** Terms summed per output element: products, plus one for the bias when present. */
  readonly termCount: Uint32Array;
  /** Per output element: sum of |x*w| over its products, plus |bias|. */
  readonly absSum: Float64Array;
}

/** Throws when the tensors do not have the sizes the geometry states. */
export function checkTensors(geometry: ConvTransposeGeometry, tensors: CaseTensors): void {
  const expect = (what: string, actual: number, expected: number): void => {
    if (actual !== expected) {
      throw new Error(`reference: ${what} has ${actual} elements, geometry expects ${expected}`);
    }
  };
  expect('input', tensors.input.length, geometry.inputElements);
  expect('weight', tensors.weight.length, geometry.weightElements);
  if (geometry.hasBias) {
    if (tensors.bias === null) throw new Error('reference: geometry has a bias, tensors do not');
    expect('bias', tensors.bias.length, geometry.outChannels);
  }
  if (!Number.isInteger(geometry.inChannelsPerGroup) || !Number.isInteger(geometry.outChannelsPerGroup)) {
    throw new Error(`reference: group ${geometry.group} must divide both channel counts`);
  }
}

/** The kernel jobs of one evaluation: the values, and |x|*|w| sums when bounds are wanted. */
export interface ReferenceJobs {
  readonly value: KernelJob;
  readonly absolute: KernelJob | null;
}

export function buildReferenceJobs(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  withBounds: boolean,
  storage: JobStorage,
): ReferenceJobs {
  checkTensors(geometry, tensors);
  const job = (absolute: boolean): KernelJob =>
    buildKernelJob(geometry, tensors, { absolute, storage, output: storage.output(geometry.outputElements) });
  return { value: job(false), absolute: withBounds ? job(true) : null };
}

/** The result of finished jobs; `termCount` is required exactly when bounds were computed. */
export function assembleResult(jobs: ReferenceJobs, termCount: Uint32Array | null): ReferenceResult | ReferenceOutput {
  if (jobs.absolute === null || termCount === null) return { output: jobs.value.output };
  return { output: jobs.value.output, termCount, absSum: jobs.absolute.output };
}

/** The synchronous computation behind both entries, for a runtime `withBounds` (SIMD or scalar). */
export function computeReferenceSync(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  withBounds: boolean,
  into?: ReferenceStorage,
): ReferenceResult | ReferenceOutput {
  checkStorage(geometry, withBounds, into);
  if (useSimd(geometry, withBounds ? 2 : 1, 1)) {
    checkTensors(geometry, tensors);
    const { output, absSum } = resultArrays(geometry, withBounds, into);
    // False when no memory that large can be had: then the scalar path below.
    if (computeSimdSync(geometry, tensors, absSum === null ? [output] : [output, absSum])) {
      return absSum === null ? { output } : { output, termCount: computeTermCounts(geometry), absSum };
    }
  }
  const jobs = buildReferenceJobs(geometry, tensors, withBounds, MAIN_THREAD_STORAGE);
  runKernelRows(jobs.value, 0, kernelRowCount(jobs.value));
  if (jobs.absolute === null) return intoStorage(assembleResult(jobs, null), into);
  runKernelRows(jobs.absolute, 0, kernelRowCount(jobs.absolute));
  return intoStorage(assembleResult(jobs, computeTermCounts(geometry)), into);
}

/**
 * Synchronous, single-thread reference. With `withBounds: false` only the output is computed.
 * (The bounds overload comes last so that `ReturnType<typeof convTransposeReference>` is the
 * full result.)
 */
export function convTransposeReference(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  options: ReferenceOptions & { readonly withBounds: false },
): ReferenceOutput;
export function convTransposeReference(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  options?: ReferenceOptions & { readonly withBounds?: true },
): ReferenceResult;
export function convTransposeReference(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  options: ReferenceOptions = {},
): ReferenceResult | ReferenceOutput {
  return computeReferenceSync(geometry, tensors, options.withBounds ?? true, options.into);
}
