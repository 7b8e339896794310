/**
 * The JavaScript side of the SIMD path: walks output rows like kernel.ts, lists the (x, w) tap
 * terms of each run of pixels that share their taps, and lets the WebAssembly kernel
 * (module.ts) sum them for 4 output channels at a time.
 *
 * Same summation order per output element as kernel.ts (tap pairs (qd, qh) in collectRowTaps
 * order, then qw ascending, then c ascending, from +0, bias last), so bit-identical results.
 *
 * Like kernel.ts these functions must stay self-contained (no imports, no module constants):
 * workers.ts ships their source text.
 */
import type { WasmGlobal, WasmInstance, WasmMemory, WasmModule } from './wasm-api.js';
import type { AxisTaps } from '../kernel.js';

/** A kernel job whose operands live in a WebAssembly memory (byte offsets). */
export interface SimdJob {
  readonly batch: number;
  readonly group: number;
  readonly inChannels: number;
  readonly inChannelsPerGroup: number;
  readonly outChannelsPerGroup: number;
  readonly channelBlocks: number;
  readonly inD: number;
  readonly inH: number;
  readonly inW: number;
  readonly kD: number;
  readonly kH: number;
  readonly kW: number;
  readonly outD: number;
  readonly outH: number;
  readonly outW: number;
  readonly outStrideN: number;
  readonly outStrideM: number;
  readonly outStrideD: number;
  readonly outStrideH: number;
  readonly outStrideW: number;
  readonly tapsD: AxisTaps;
  readonly tapsH: AxisTaps;
  readonly tapsW: AxisTaps;
  /**
   * Input as [N][D][H][C][W] float64: the W neighbours a run of pixels reads are adjacent, so
   * the kernel reaches pixel i at a constant offset 8*i.
   */
  readonly xBase: number;
  /** Weight as in kernel.ts: [group][kD][kH][kW][block][C/group][4] float64. */
  readonly wBase: number;
  /** Output, in the geometry's layout (outStride*), float64. */
  readonly outBase: number;
  /** Bias [M] float64 (+ 4 spare doubles: a last partial block reads past M). */
  readonly biasBase: number;
  readonly hasBias: boolean;
}

/** `k<P>` of module.ts (byte offsets; see its header). */
export type RunKernel = (
  list: number,
  listEnd: number,
  channels: number,
  xStride: number,
  blocks: number,
  out: number,
  pixelStep: number,
  channelStride: number,
  bias: number,
  hasBias: number,
  lastLive: number,
) => void;

/** One thread's view of an instantiated kernel module. */
export interface SimdRuntime {
  /** kernels[P] computes runs of P pixels, P = 1 .. kernels.length - 1 (kernels[0] unused). */
  readonly kernels: readonly RunKernel[];
  readonly i32: Int32Array;
  /** This thread's term list (byte offset, room for kD*kH*kW terms). */
  readonly list: number;
}

/** Computes output rows [rowBegin, rowEnd) (rows as in kernel.ts: (n, od, oh) triples). */
export function runSimdRows(job: SimdJob, runtime: SimdRuntime, rowBegin: number, rowEnd: number): void {
  const rowTaps = new Int32Array(2 * job.kD * job.kH);
  const rowsPerImage = job.outD * job.outH;
  for (let row = rowBegin; row < rowEnd; row++) {
    const n = Math.floor(row / rowsPerImage);
    const od = Math.floor((row - n * rowsPerImage) / job.outH);
    const oh = row - n * rowsPerImage - od * job.outH;
    const pairs = collectSimdRowTaps(job, n, od, oh, rowTaps);
    const outBase = n * job.outStrideN + od * job.outStrideD + oh * job.outStrideH;
    for (let g = 0; g < job.group; g++) simdRowOfGroup(job, runtime, rowTaps, pairs, outBase, g);
  }
}

/**
 * The (qd, qh) tap pairs of output row (od, oh), in kernel.ts's order, as rowTaps[2k] = byte
 * offset of input row (n, pd, ph) and rowTaps[2k + 1] = tap index of (qd, qh, 0).
 */
function collectSimdRowTaps(job: SimdJob, n: number, od: number, oh: number, rowTaps: Int32Array): number {
  const tapsD = job.tapsD;
  const tapsH = job.tapsH;
  const rowBytes = job.inChannels * job.inW * 8;
  let pairs = 0;
  for (let u = 0; u < tapsD.tapCount[od]!; u++) {
    const qd = tapsD.firstTap[od]! + u * tapsD.tapStep;
    const pd = tapsD.firstInput[od]! - u * tapsD.inputStep;
    for (let v = 0; v < tapsH.tapCount[oh]!; v++) {
      const qh = tapsH.firstTap[oh]! + v * tapsH.tapStep;
      const ph = tapsH.firstInput[oh]! - v * tapsH.inputStep;
      rowTaps[2 * pairs] = job.xBase + ((n * job.inD + pd) * job.inH + ph) * rowBytes;
      rowTaps[2 * pairs + 1] = (qd * job.kH + qh) * job.kW;
      pairs++;
    }
  }
  return pairs;
}

/**
 * One output row of one group: per phase j mod s (the sub-pixel decomposition: along W each
 * phase is a stride-1 convolution with the taps of that phase), runs of up to P pixels j, j + s,
 * ... that see the same W taps (inputs shifted by one per pixel), each for every 4-channel block.
 */
function simdRowOfGroup(
  job: SimdJob,
  runtime: SimdRuntime,
  rowTaps: Int32Array,
  pairs: number,
  outBase: number,
  g: number,
): void {
  const tapsW = job.tapsW;
  const stride = tapsW.stride;
  const outW = job.outW;
  const maxRun = runtime.kernels.length - 1;
  const channels = job.inChannelsPerGroup;
  for (let phase = 0; phase < Math.min(stride, outW); phase++) {
    let j = phase;
    while (j < outW) {
      let run = 1;
      while (
        run < maxRun &&
        j + run * stride < outW &&
        tapsW.firstTap[j + run * stride] === tapsW.firstTap[j] &&
        tapsW.tapCount[j + run * stride] === tapsW.tapCount[j]
      ) {
        run++;
      }
      const listEnd = writeTermList(job, runtime, rowTaps, pairs, g, j);
      const firstChannel = g * job.outChannelsPerGroup;
      runtime.kernels[run]!(
        runtime.list,
        listEnd,
        channels,
        job.inW * 8,
        job.channelBlocks,
        job.outBase + (outBase + j * job.outStrideW + firstChannel * job.outStrideM) * 8,
        stride * job.outStrideW * 8,
        job.outStrideM * 8,
        job.biasBase + firstChannel * 8,
        job.hasBias ? 1 : 0,
        job.outChannelsPerGroup - 4 * (job.channelBlocks - 1),
      );
      j += run * stride;
    }
  }
}

/** Writes the (x, w) byte offsets of output j's terms for channel block 0; returns the list end. */
function writeTermList(
  job: SimdJob,
  runtime: SimdRuntime,
  rowTaps: Int32Array,
  pairs: number,
  g: number,
  j: number,
): number {
  const tapsW = job.tapsW;
  const tapCount = tapsW.tapCount[j]!;
  const firstTap = tapsW.firstTap[j]!;
  const firstInput = tapsW.firstInput[j]!;
  const channels = job.inChannelsPerGroup;
  const taps = job.kD * job.kH * job.kW;
  const groupColumn = g * channels * job.inW;
  const i32 = runtime.i32;
  let at = runtime.list >> 2;
  for (let k = 0; k < pairs; k++) {
    const inputRow = rowTaps[2 * k]!;
    const tapRow = rowTaps[2 * k + 1]!;
    for (let u = 0; u < tapCount; u++) {
      const tap = g * taps + tapRow + firstTap + u * tapsW.tapStep;
      i32[at++] = inputRow + (groupColumn + firstInput - u * tapsW.inputStep) * 8;
      i32[at++] = job.wBase + tap * job.channelBlocks * channels * 32;
    }
  }
  return at << 2;
}

/** A share of one parallel SIMD evaluation, as posted to every worker of the team. */
export interface SimdTask {
  readonly memory: WasmMemory;
  /** The pooled memory's id: a worker reuses its instance for the same memory. */
  readonly memoryId: number;
  readonly jobs: readonly SimdJob[];
  /** As ChunkedTask: chunk i is rows [chunks[3i + 1], chunks[3i + 2]) of jobs[chunks[3i]]. */
  readonly chunks: Int32Array;
  readonly nextChunk: Int32Array;
  /** Byte offset of thread 0's term list; thread t adds t * stride. */
  readonly scratchBase: number;
  readonly scratchStride: number;
}

/** One thread's runtime: the instance's kernels, a view of the memory, its term list at `list`. */
export function simdRuntime(instance: WasmInstance, memory: WasmMemory, list: number): SimdRuntime {
  const exports = instance.exports;
  const kernels: RunKernel[] = [];
  for (let pixels = 1; typeof exports['k' + pixels] === 'function'; pixels++) {
    kernels[pixels] = exports['k' + pixels] as RunKernel;
  }
  return {
    kernels,
    i32: new Int32Array(memory.buffer),
    list,
  };
}

/**
 * Claims and computes chunks until none is left; returns how many this thread computed.
 * `instances` is this worker's cache (one instance per pooled memory), `module` the kernel
 * module (posted once to each worker).
 */
export function runClaimedSimdChunks(
  task: SimdTask,
  thread: number,
  instances: Map<number, WasmInstance>,
  module: WasmModule,
): number {
  let instance = instances.get(task.memoryId);
  if (instance === undefined) {
    // globalThis.WebAssembly: this text runs in workers, where nothing can be imported.
    const api = (globalThis as unknown as WasmGlobal).WebAssembly;
    instance = new api.Instance(module, { env: { memory: task.memory } });
    instances.set(task.memoryId, instance);
    // Forget the oldest (it pins its memory): the pool keeps 2 memories, a third covers overlap.
    if (instances.size > 3) instances.delete(instances.keys().next().value!);
  }
  const runtime = simdRuntime(instance, task.memory, task.scratchBase + thread * task.scratchStride);
  const chunkCount = task.chunks.length / 3;
  let done = 0;
  for (;;) {
    const chunk = Atomics.add(task.nextChunk, 0, 1);
    if (chunk >= chunkCount) return done;
    runSimdRows(task.jobs[task.chunks[3 * chunk]!]!, runtime, task.chunks[3 * chunk + 1]!, task.chunks[3 * chunk + 2]!);
    done++;
  }
}

/** The functions above, in dependency order, for `workers.ts` to ship as source text. */
export const SIMD_FUNCTIONS = [
  runClaimedSimdChunks,
  simdRuntime,
  runSimdRows,
  collectSimdRowTaps,
  simdRowOfGroup,
  writeTermList,
] as const;
