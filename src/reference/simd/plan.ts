/**
 * Lays a problem out in a WebAssembly memory for the SIMD kernel: per-thread scratch, then per
 * pass (values, and |values| for the bounds) the input as [N][D][H][C][W] and the weight packed
 * exactly as the scalar plan packs it.
 */
import { wasmApi, type WasmMemory } from './wasm-api.js';
import type { ConvTransposeGeometry } from '../../geometry/types.js';
import type { CaseTensors } from '../../tensor.js';
import {
  buildAxisTaps,
  CHANNEL_BLOCK,
  outputStrides,
  packedWeightLength,
  paddedAxes,
  repackBias,
  repackWeight,
  type JobStorage,
} from '../plan.js';
import type { SimdJob, SimdTask } from './kernel.js';
import type { PooledMemory } from './pool.js';

const PAGE_BYTES = 65536;

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Where each region of the memory starts (bytes). */
export interface SimdLayout {
  /** Thread t's term list starts at scratchBase + t * scratchStride. */
  readonly scratchBase: number;
  readonly scratchStride: number;
  /** Per pass: input, weight, bias and output offsets. */
  readonly passes: ReadonlyArray<{
    readonly x: number;
    readonly w: number;
    readonly bias: number;
    readonly out: number;
  }>;
  readonly bytes: number;
}

export function simdLayout(geometry: ConvTransposeGeometry, passes: number, threads: number): SimdLayout {
  const [axisD, axisH, axisW] = paddedAxes(geometry);
  const terms = axisD.kernelSize * axisH.kernelSize * axisW.kernelSize;
  const scratchStride = align16(terms * 8);
  // Without a bias the kernel reads (and discards) "biases" from offset 0: any bytes will do.
  const scratchBase = 16;
  let next = scratchBase + threads * scratchStride;
  const layout: Array<{ x: number; w: number; bias: number; out: number }> = [];
  for (let pass = 0; pass < passes; pass++) {
    const x = align16(next);
    const w = align16(x + geometry.inputElements * 8);
    const bias = align16(w + packedWeightLength(geometry) * 8);
    // A last partial channel block reads (and discards) up to 3 biases past M.
    const out = align16(bias + (geometry.outChannels + CHANNEL_BLOCK) * 8);
    next = out + geometry.outputElements * 8;
    layout.push({ x, w, bias, out });
  }
  return { scratchBase, scratchStride, passes: layout, bytes: align16(next) };
}

/** A shared memory of at least `bytes` (shared: the worker threads read it in place). */
export function sharedMemory(bytes: number): WasmMemory {
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  return new (wasmApi().Memory)({ initial: pages, maximum: pages, shared: true });
}

/** Input in the geometry's layout -> [N][D][H][C][W] float64. */
function writeInput(geometry: ConvTransposeGeometry, input: Float32Array, target: Float64Array): void {
  const [axisD, axisH, axisW] = paddedAxes(geometry);
  const rows = axisD.inputSize * axisH.inputSize;
  const width = axisW.inputSize;
  const channels = geometry.inChannels;
  // Source steps along w and along c; the target is contiguous along w.
  const wStep = geometry.channelsLast ? channels : 1;
  const cStep = geometry.channelsLast ? 1 : rows * width;
  const rowStep = geometry.channelsLast ? width * channels : width;
  for (let n = 0; n < geometry.batch; n++) {
    for (let row = 0; row < rows; row++) {
      const source = n * rows * width * channels + row * rowStep;
      for (let c = 0; c < channels; c++) {
        const to = ((n * rows + row) * channels + c) * width;
        const from = source + c * cStep;
        for (let w = 0; w < width; w++) target[to + w] = input[from + w * wStep]!;
      }
    }
  }
}

/** The packed weight written in place at byte offset `at` (repackWeight asks for one operand). */
function writeWeight(geometry: ConvTransposeGeometry, weight: Float32Array, memory: WasmMemory, at: number): void {
  const storage: JobStorage = {
    // repackWeight writes every element (padding lanes included): no need to clear it first.
    operand: (length) => new Float64Array(memory.buffer, at, length),
    output: () => {
      throw new Error('reference: the SIMD weight storage has no outputs');
    },
  };
  repackWeight(geometry, weight, storage, false);
}

/** target[i] = |source[i]|: the bounds pass's operands, from the values pass's (same layout). */
function writeAbsolute(memory: WasmMemory, from: number, to: number, length: number): void {
  const source = new Float64Array(memory.buffer, from, length);
  const target = new Float64Array(memory.buffer, to, length);
  for (let index = 0; index < length; index++) target[index] = Math.abs(source[index]!);
}

/**
 * Writes the operands of every pass into `memory` (laid out by `layout`) and returns the jobs:
 * jobs[0] the values, jobs[1] (with bounds) the |x|*|w| sums.
 */
export function writeSimdJobs(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  memory: WasmMemory,
  layout: SimdLayout,
): SimdJob[] {
  const [axisD, axisH, axisW] = paddedAxes(geometry);
  const strides = outputStrides(geometry);
  const shape = {
    batch: geometry.batch,
    group: geometry.group,
    inChannels: geometry.inChannels,
    inChannelsPerGroup: geometry.inChannelsPerGroup,
    outChannelsPerGroup: geometry.outChannelsPerGroup,
    channelBlocks: Math.ceil(geometry.outChannelsPerGroup / CHANNEL_BLOCK),
    inD: axisD.inputSize,
    inH: axisH.inputSize,
    inW: axisW.inputSize,
    kD: axisD.kernelSize,
    kH: axisH.kernelSize,
    kW: axisW.kernelSize,
    outD: axisD.outputSize,
    outH: axisH.outputSize,
    outW: axisW.outputSize,
    outStrideN: strides.n,
    outStrideM: strides.m,
    outStrideD: strides.spatial[0],
    outStrideH: strides.spatial[1],
    outStrideW: strides.spatial[2],
    tapsD: buildAxisTaps(axisD),
    tapsH: buildAxisTaps(axisH),
    tapsW: buildAxisTaps(axisW),
  };
  const hasBias = geometry.hasBias && tensors.bias !== null;
  const values = layout.passes[0]!;
  writeInput(geometry, tensors.input, new Float64Array(memory.buffer, values.x, geometry.inputElements));
  writeWeight(geometry, tensors.weight, memory, values.w);
  return layout.passes.map(({ x, w, bias, out }, pass) => {
    const absolute = pass === 1;
    if (absolute) {
      writeAbsolute(memory, values.x, x, geometry.inputElements);
      writeAbsolute(memory, values.w, w, packedWeightLength(geometry));
    }
    const biasValues = repackBias(hasBias ? tensors.bias : null, absolute);
    if (biasValues !== null) new Float64Array(memory.buffer, bias, biasValues.length).set(biasValues);
    // Object.assign, not a spread: V8 put each `{...shape, ...}` (~30 fields) in the old
    // generation, ~6 KB a case that only a full GC frees (a 100,000-case run grew to 1.2 GB).
    return Object.assign({}, shape, { xBase: x, wBase: w, outBase: out, biasBase: hasBias ? bias : 0, hasBias });
  });
}

/** A copy of a job's output (every element is written by the kernel). */
export function copySimdOutput(job: SimdJob, memory: WasmMemory, target: Float64Array): Float64Array {
  target.set(new Float64Array(memory.buffer, job.outBase, target.length));
  return target;
}

/** Output rows of a job: (n, od, oh) triples, as kernelRowCount. */
export function simdRowCount(job: SimdJob): number {
  return job.batch * job.outD * job.outH;
}

/** A task for `threads` workers on a pooled memory, rows cut into claimable chunks. */
export function buildSimdTask(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  pooled: PooledMemory,
  layout: SimdLayout,
  chunks: (rowCounts: readonly number[]) => Int32Array,
): SimdTask {
  const jobs = writeSimdJobs(geometry, tensors, pooled.memory, layout);
  return {
    memory: pooled.memory,
    memoryId: pooled.id,
    jobs,
    chunks: chunks(jobs.map(simdRowCount)),
    nextChunk: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
    scratchBase: layout.scratchBase,
    scratchStride: layout.scratchStride,
  };
}
