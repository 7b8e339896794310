/**
 * The hot loops of the reference, over plain numbers and typed arrays only.
 *
 * These functions must stay self-contained (no imports, no module-level constants, no calls to
 * anything but each other and Math): `workers.ts` ships their source text to worker threads via
 * `Function.prototype.toString()`, so that workers run without any TypeScript loader.
 */

/** Which taps of one spatial axis reach each output index, as an arithmetic progression. */
export interface AxisTaps {
  /** Per output index j: the smallest kernel tap q with full index t = j + beginCrop = p*s + q*d. */
  readonly firstTap: Int32Array;
  /** Per output index: how many taps reach it (0 past `fullSize`). */
  readonly tapCount: Int32Array;
  /** Per output index: the input position p paired with `firstTap`. */
  readonly firstInput: Int32Array;
  /** Tap increment between consecutive valid taps: s / gcd(s, d). */
  readonly tapStep: number;
  /** Input position decrement per tap step: d / gcd(s, d). */
  readonly inputStep: number;
  /** The stride: outputs j and j + s see the same taps with input positions shifted by one. */
  readonly stride: number;
}

/** An array the kernel reads: a Float64Array (workers, shared) or a number[] of doubles. */
export type KernelOperand = Float64Array | number[];

/**
 * Everything a kernel run needs, rank padded to 3 (missing axes have size 1).
 * Input: channels-last [N, D, H, W, C]. Weight: [group][kD][kH][kW][block][C/group][4], the
 * output channels of a group cut into blocks of 4 (zero-padded), so the innermost loop reads
 * 4 contiguous weights. Output: any layout, addressed through the strides.
 */
export interface KernelJob {
  readonly batch: number;
  readonly group: number;
  readonly inChannels: number;
  readonly inChannelsPerGroup: number;
  readonly outChannelsPerGroup: number;
  /** ceil((M/group) / 4) */
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
  readonly input: KernelOperand;
  readonly weight: KernelOperand;
  /** [M], added after the products; null for none. */
  readonly bias: Float64Array | null;
  readonly output: Float64Array;
}

/** Output rows are (n, od, oh) triples in row-major order: rows = N * outD * outH. */
export function kernelRowCount(job: KernelJob): number {
  return job.batch * job.outD * job.outH;
}

/**
 * Computes output rows [rowBegin, rowEnd). Every output element is
 * sum over (qd, qh ascending pairs) x (qw ascending) x (c ascending) of x * w, accumulated in one
 * float64 chain starting at +0, then + bias: the order never depends on how rows are split or
 * tiled, so any split gives bit-identical results.
 */
export function runKernelRows(job: KernelJob, rowBegin: number, rowEnd: number): void {
  const rowTaps = new Int32Array(2 * job.kD * job.kH);
  const rowsPerImage = job.outD * job.outH;
  for (let row = rowBegin; row < rowEnd; row++) {
    const n = Math.floor(row / rowsPerImage);
    const od = Math.floor((row - n * rowsPerImage) / job.outH);
    const oh = row - n * rowsPerImage - od * job.outH;
    const pairs = collectRowTaps(job, n, od, oh, rowTaps);
    const outBase = n * job.outStrideN + od * job.outStrideD + oh * job.outStrideH;
    for (let g = 0; g < job.group; g++) computeRowOfGroup(job, rowTaps, pairs, outBase, g);
  }
}

/**
 * Lists the (qd, qh) tap pairs reaching output row (od, oh) as
 * rowTaps[2k] = input pixel index of (n, pd, ph, w = 0), rowTaps[2k + 1] = tap index of (qd, qh, 0).
 */
function collectRowTaps(job: KernelJob, n: number, od: number, oh: number, rowTaps: Int32Array): number {
  const tapsD = job.tapsD;
  const tapsH = job.tapsH;
  let pairs = 0;
  for (let u = 0; u < tapsD.tapCount[od]!; u++) {
    const qd = tapsD.firstTap[od]! + u * tapsD.tapStep;
    const pd = tapsD.firstInput[od]! - u * tapsD.inputStep;
    for (let v = 0; v < tapsH.tapCount[oh]!; v++) {
      const qh = tapsH.firstTap[oh]! + v * tapsH.tapStep;
      const ph = tapsH.firstInput[oh]! - v * tapsH.inputStep;
      rowTaps[2 * pairs] = ((n * job.inD + pd) * job.inH + ph) * job.inW;
      rowTaps[2 * pairs + 1] = (qd * job.kH + qh) * job.kW;
      pairs++;
    }
  }
  return pairs;
}

/**
 * One output row of one group. Outputs j, j + s and j + 2s along W share their taps (away from
 * the borders), so they are computed together: each weight load then feeds three products.
 */
function computeRowOfGroup(job: KernelJob, rowTaps: Int32Array, pairs: number, outBase: number, g: number): void {
  const stride = job.tapsW.stride;
  const outW = job.outW;
  const phases = Math.min(stride, outW);
  for (let phase = 0; phase < phases; phase++) {
    for (let block = 0; block < job.channelBlocks; block++) {
      let j = phase;
      while (j < outW) {
        if (sharesTaps(job.tapsW, j, j + stride, outW) && sharesTaps(job.tapsW, j, j + 2 * stride, outW)) {
          computeTripleBlock(job, rowTaps, pairs, outBase, g, block, j);
          j += 3 * stride;
        } else {
          computeSingleBlock(job, rowTaps, pairs, outBase, g, block, j);
          j += stride;
        }
      }
    }
  }
}

/** Whether output `other` exists and sees the same taps as output j (inputs shifted). */
function sharesTaps(taps: AxisTaps, j: number, other: number, outW: number): boolean {
  return other < outW && taps.firstTap[other] === taps.firstTap[j] && taps.tapCount[other] === taps.tapCount[j];
}

/**
 * Outputs j, j + s, j + 2s, channels 4*block .. 4*block + 3 of group g: 12 float64
 * accumulators (3 x 4 measured fastest in V8: more registers spill, fewer reload more).
 */
function computeTripleBlock(
  job: KernelJob,
  rowTaps: Int32Array,
  pairs: number,
  outBase: number,
  g: number,
  block: number,
  j: number,
): void {
  const tapsW = job.tapsW;
  const firstTap = tapsW.firstTap[j]!;
  const tapCount = tapsW.tapCount[j]!;
  const firstInput = tapsW.firstInput[j]!;
  const channels = job.inChannels;
  const groupChannels = job.inChannelsPerGroup;
  const taps = job.kD * job.kH * job.kW;
  const x = job.input;
  const w = job.weight;
  let a00 = 0, a01 = 0, a02 = 0, a03 = 0; // prettier-ignore
  let a10 = 0, a11 = 0, a12 = 0, a13 = 0; // prettier-ignore
  let a20 = 0, a21 = 0, a22 = 0, a23 = 0; // prettier-ignore
  for (let k = 0; k < pairs; k++) {
    const pixelRow = rowTaps[2 * k]!;
    const tapRow = rowTaps[2 * k + 1]!;
    for (let u = 0; u < tapCount; u++) {
      const x0 = (pixelRow + firstInput - u * tapsW.inputStep) * channels + g * groupChannels;
      const x1 = x0 + channels;
      const x2 = x1 + channels;
      const tap = g * taps + tapRow + firstTap + u * tapsW.tapStep;
      let wi = (tap * job.channelBlocks + block) * groupChannels * 4;
      for (let c = 0; c < groupChannels; c++) {
        const xv0 = x[x0 + c]!;
        const xv1 = x[x1 + c]!;
        const xv2 = x[x2 + c]!;
        const w0 = w[wi]!;
        a00 += xv0 * w0;
        a10 += xv1 * w0;
        a20 += xv2 * w0;
        const w1 = w[wi + 1]!;
        a01 += xv0 * w1;
        a11 += xv1 * w1;
        a21 += xv2 * w1;
        const w2 = w[wi + 2]!;
        a02 += xv0 * w2;
        a12 += xv1 * w2;
        a22 += xv2 * w2;
        const w3 = w[wi + 3]!;
        a03 += xv0 * w3;
        a13 += xv1 * w3;
        a23 += xv2 * w3;
        wi += 4;
      }
    }
  }
  const step = tapsW.stride * job.outStrideW;
  const base = outBase + j * job.outStrideW;
  storeBlock(job, base, g, block, a00, a01, a02, a03);
  storeBlock(job, base + step, g, block, a10, a11, a12, a13);
  storeBlock(job, base + 2 * step, g, block, a20, a21, a22, a23);
}

/** Output j alone (borders, leftovers), in the same accumulation order as the triple. */
function computeSingleBlock(
  job: KernelJob,
  rowTaps: Int32Array,
  pairs: number,
  outBase: number,
  g: number,
  block: number,
  j: number,
): void {
  const tapsW = job.tapsW;
  const firstTap = tapsW.firstTap[j]!;
  const tapCount = tapsW.tapCount[j]!;
  const firstInput = tapsW.firstInput[j]!;
  const channels = job.inChannels;
  const groupChannels = job.inChannelsPerGroup;
  const taps = job.kD * job.kH * job.kW;
  const x = job.input;
  const w = job.weight;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0; // prettier-ignore
  for (let k = 0; k < pairs; k++) {
    const pixelRow = rowTaps[2 * k]!;
    const tapRow = rowTaps[2 * k + 1]!;
    for (let u = 0; u < tapCount; u++) {
      const x0 = (pixelRow + firstInput - u * tapsW.inputStep) * channels + g * groupChannels;
      const tap = g * taps + tapRow + firstTap + u * tapsW.tapStep;
      let wi = (tap * job.channelBlocks + block) * groupChannels * 4;
      for (let c = 0; c < groupChannels; c++) {
        const xv = x[x0 + c]!;
        a0 += xv * w[wi]!;
        a1 += xv * w[wi + 1]!;
        a2 += xv * w[wi + 2]!;
        a3 += xv * w[wi + 3]!;
        wi += 4;
      }
    }
  }
  storeBlock(job, outBase + j * job.outStrideW, g, block, a0, a1, a2, a3);
}

/** Writes the (up to) 4 real channels of a block, adding the bias as the last term. */
function storeBlock(
  job: KernelJob,
  base: number,
  g: number,
  block: number,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): void {
  const firstChannel = block * 4;
  const live = Math.min(4, job.outChannelsPerGroup - firstChannel);
  const m = g * job.outChannelsPerGroup + firstChannel;
  const out = job.output;
  const bias = job.bias;
  const stride = job.outStrideM;
  const index = base + m * stride;
  out[index] = bias === null ? v0 : v0 + bias[m]!;
  if (live > 1) out[index + stride] = bias === null ? v1 : v1 + bias[m + 1]!;
  if (live > 2) out[index + 2 * stride] = bias === null ? v2 : v2 + bias[m + 2]!;
  if (live > 3) out[index + 3 * stride] = bias === null ? v3 : v3 + bias[m + 3]!;
}

/** A share of one parallel evaluation, as posted to every worker of the team. */
export interface ChunkedTask {
  readonly jobs: readonly KernelJob[];
  /** Chunk i is rows [chunks[3i + 1], chunks[3i + 2]) of jobs[chunks[3i]]. */
  readonly chunks: Int32Array;
  /** Shared claim counter: each thread takes the next unclaimed chunk (balances slow cores). */
  readonly nextChunk: Int32Array;
}

/** Claims and computes chunks until none is left; returns how many this thread computed. */
export function runClaimedChunks(task: ChunkedTask): number {
  const chunkCount = task.chunks.length / 3;
  let done = 0;
  for (;;) {
    const chunk = Atomics.add(task.nextChunk, 0, 1);
    if (chunk >= chunkCount) return done;
    const job = task.jobs[task.chunks[3 * chunk]!]!;
    runKernelRows(job, task.chunks[3 * chunk + 1]!, task.chunks[3 * chunk + 2]!);
    done++;
  }
}

/** The functions above, in dependency order, for `workers.ts` to ship as source text. */
export const KERNEL_FUNCTIONS = [
  runClaimedChunks,
  kernelRowCount,
  runKernelRows,
  collectRowTaps,
  computeRowOfGroup,
  sharesTaps,
  computeTripleBlock,
  computeSingleBlock,
  storeBlock,
] as const;
