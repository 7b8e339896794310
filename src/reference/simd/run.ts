/**
 * Which kernel the reference runs, and the synchronous SIMD entry.
 *
 * `TCONV_REFERENCE=scalar` forces the readable scalar kernel (kernel.ts), the specification the
 * SIMD path is tested against; `simd` requires the SIMD path; unset (or `auto`) takes SIMD when
 * this engine has WebAssembly SIMD and the problem is large enough to repay laying it out in
 * WebAssembly memory (SIMD_MIN_MULTIPLY_ADDS). Both give bit-identical results. Problems whose
 * operands do not fit a 2 GiB memory take the scalar path whatever the setting.
 */
import { wasmApi, type WasmInstance, type WasmMemory } from './wasm-api.js';
import type { ConvTransposeGeometry } from '../../geometry/types.js';
import type { CaseTensors } from '../../tensor.js';
import { runSimdRows, simdRuntime, type SimdRuntime } from './kernel.js';
import { kernelModule } from './module.js';
import { copySimdOutput, simdLayout, simdRowCount, writeSimdJobs } from './plan.js';
import { acquireMemory } from './pool.js';

export type ReferenceKernel = 'scalar' | 'simd';

/** The kernel for the next evaluation, from TCONV_REFERENCE (read at each call). */
export function selectedKernel(env: NodeJS.ProcessEnv = process.env): ReferenceKernel {
  const wanted = env['TCONV_REFERENCE'] ?? '';
  if (wanted === 'scalar') return 'scalar';
  if (wanted === 'simd') {
    if (kernelModule() === null) throw new Error('TCONV_REFERENCE=simd: this engine lacks WebAssembly SIMD');
    return 'simd';
  }
  if (wanted === '' || wanted === 'auto') return kernelModule() === null ? 'scalar' : 'simd';
  throw new Error(`TCONV_REFERENCE must be scalar, simd or auto, not ${JSON.stringify(wanted)}`);
}

/** Largest memory the SIMD path lays a problem out in: byte offsets stay positive int32. */
const MAX_SIMD_BYTES = 2 ** 31 - 2 ** 16;

/**
 * Below this many multiply-adds (N * C * prod(i) * M/g * prod(k)) `auto` takes the scalar kernel:
 * copying the operands into WebAssembly memory and planning the row jobs cost more than SIMD
 * saves. Measured on 2,000 fuzz cases (outputs <= 10^4 elements, <= 4 channels per group) the
 * scalar kernel was faster in every size class up to 2^19 (0.2-0.6x the SIMD time up to 2^14,
 * 0.6-0.9x above); on k4 s2 layers with 16-128 channels SIMD wins from ~2^18 (1.45x at 2^18,
 * 5-7x at 2^20-2^25).
 */
export const SIMD_MIN_MULTIPLY_ADDS = 2 ** 18;

const multiplyAdds = (g: ConvTransposeGeometry): number =>
  g.inputElements * g.outChannelsPerGroup * g.axes.reduce((taps, axis) => taps * axis.kernelSize, 1);

/**
 * Whether this evaluation runs the SIMD kernel: selected (forced, or `auto` on a problem of at
 * least SIMD_MIN_MULTIPLY_ADDS), and its operands fit a memory.
 */
export function useSimd(geometry: ConvTransposeGeometry, passes: number, threads: number): boolean {
  if (selectedKernel() !== 'simd') return false;
  const forced = process.env['TCONV_REFERENCE'] === 'simd';
  if (!forced && multiplyAdds(geometry) < SIMD_MIN_MULTIPLY_ADDS) return false;
  return simdLayout(geometry, passes, threads).bytes <= MAX_SIMD_BYTES;
}

/** The main thread keeps memories up to this size between calls (larger ones are one-offs). */
const MAX_CACHED_BYTES = 64 * 2 ** 20;

/**
 * The main thread's memory and instance, kept between calls (synchronous calls never overlap)
 * so that small evaluations pay for neither a new memory nor a new instance.
 */
let cached: { memory: WasmMemory; instance: WasmInstance } | null = null;

function mainThreadInstance(bytes: number): { memory: WasmMemory; instance: WasmInstance } | null {
  if (cached !== null && cached.memory.buffer.byteLength >= bytes) return cached;
  const pooled = acquireMemory(bytes);
  if (pooled === null) return null;
  const memory = pooled.memory;
  const fresh = { memory, instance: new (wasmApi().Instance)(kernelModule()!, { env: { memory } }) };
  if (bytes <= MAX_CACHED_BYTES) cached = fresh;
  return fresh;
}

/**
 * Computes every pass on this thread: outputs[0] the values, outputs[1] (optional) |x|*|w|.
 * False (nothing computed) when no memory that large can be had.
 */
export function computeSimdSync(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  outputs: readonly Float64Array[],
): boolean {
  const layout = simdLayout(geometry, outputs.length, 1);
  const main = mainThreadInstance(layout.bytes);
  if (main === null) return false;
  const { memory, instance } = main;
  const jobs = writeSimdJobs(geometry, tensors, memory, layout);
  const runtime: SimdRuntime = simdRuntime(instance, memory, layout.scratchBase);
  jobs.forEach((job, pass) => {
    runSimdRows(job, runtime, 0, simdRowCount(job));
    copySimdOutput(job, memory, outputs[pass]!);
  });
  return true;
}
