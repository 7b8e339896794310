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
): ReferenceResult | ReferenceOutput {
  if (useSimd(geometry, withBounds ? 2 : 1, 1)) {
    checkTensors(geometry, tensors);
    const output = new Float64Array(geometry.outputElements);
    const absSum = withBounds ? new Float64Array(geometry.outputElements) : null;
    // False when no memory that large can be had: then the scalar path below.
    if (computeSimdSync(geometry, tensors, absSum === null ? [output] : [output, absSum])) {
      return absSum === null ? { output } : { output, termCount: computeTermCounts(geometry), absSum };
    }
  }
  const jobs = buildReferenceJobs(geometry, tensors, withBounds, MAIN_THREAD_STORAGE);
  runKernelRows(jobs.value, 0, kernelRowCount(jobs.value));
  if (jobs.absolute === null) return assembleResult(jobs, null);
  runKernelRows(jobs.absolute, 0, kernelRowCount(jobs.absolute));
  return assembleResult(jobs, computeTermCounts(geometry));
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
  return computeReferenceSync(geometry, tensors, options.withBounds ?? true);
}
