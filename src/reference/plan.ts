/**
 * Turns a canonical geometry plus float32 tensors into a `KernelJob`: rank padded to 3, input
 * repacked channels-last in float64, weight repacked into blocks of 4 output channels, and per
 * axis tables of which kernel taps reach each output index.
 */
import type { AxisGeometry, ConvTransposeGeometry } from '../geometry/types.js';
import { rowMajorStrides, type CaseTensors } from '../tensor.js';
import type { AxisTaps, KernelJob, KernelOperand } from './kernel.js';

/** Where a job's arrays live. */
export interface JobStorage {
  /** A zero-filled array for the operands the kernel reads (input, weight). */
  operand(length: number): KernelOperand;
  /** A zero-filled float64 array for the kernel to write. */
  output(length: number): Float64Array;
}

/**
 * A zero-filled number[] whose elements V8 keeps as unboxed doubles (PACKED_DOUBLE_ELEMENTS:
 * the array starts from a double literal, and element kinds never go back).
 * Why not a Float64Array: once any ArrayBuffer of the process has been detached (tfjs does it,
 * so does any transfer), V8 checks every typed-array access for detachment, which slows the
 * kernel by ~20%; plain arrays are unaffected (and measured a few % faster anyway).
 */
export function packedDoubles(length: number): number[] {
  const values = [0.5];
  values.pop();
  for (let index = 0; index < length; index++) values.push(0);
  return values;
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/** The synchronous path: operands in plain double arrays, output in a Float64Array. */
export const MAIN_THREAD_STORAGE: JobStorage = {
  operand: packedDoubles,
  output: (length) => new Float64Array(length),
};

/** Workers: everything on SharedArrayBuffers, read and written in place by every thread. */
export const SHARED_STORAGE: JobStorage = { operand: sharedFloat64, output: sharedFloat64 };

/** Output channels per weight block: the kernel keeps 4 channels x 3 pixels in registers. */
export const CHANNEL_BLOCK = 4;

/** A size-1 axis standing in for the missing outer axes of rank 1 and 2 problems. */
const UNIT_AXIS: AxisGeometry = {
  inputSize: 1,
  kernelSize: 1,
  stride: 1,
  dilation: 1,
  effectiveKernelSize: 1,
  fullSize: 1,
  beginCrop: 0,
  endCrop: 0,
  outputPadding: 0,
  outputSize: 1,
};

/** The geometry's axes padded in front to exactly three: [D, H, W]. */
export function paddedAxes(geometry: ConvTransposeGeometry): [AxisGeometry, AxisGeometry, AxisGeometry] {
  const axes = [...geometry.axes];
  while (axes.length < 3) axes.unshift(UNIT_AXIS);
  return [axes[0]!, axes[1]!, axes[2]!];
}

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b);
}

/**
 * For output j the full index is t = j + beginCrop, and tap q contributes input p when
 * t = p*s + q*d with 0 <= p < i, 0 <= q < k (t >= fullSize has no taps: zero rows). The valid q
 * satisfy q*d = t (mod s), an arithmetic progression of step s/gcd(s, d); p then falls by
 * d/gcd(s, d) per step.
 */
export function buildAxisTaps(axis: AxisGeometry): AxisTaps {
  const { outputSize, beginCrop, stride, dilation, kernelSize, inputSize } = axis;
  const firstTap = new Int32Array(outputSize);
  const tapCount = new Int32Array(outputSize);
  const firstInput = new Int32Array(outputSize);
  for (let j = 0; j < outputSize; j++) {
    const t = j + beginCrop;
    let count = 0;
    for (let q = 0; q < kernelSize; q++) {
      const offset = t - q * dilation;
      const p = offset / stride;
      if (offset < 0 || offset % stride !== 0 || p >= inputSize) continue;
      if (count === 0) {
        firstTap[j] = q;
        firstInput[j] = p;
      }
      count++;
    }
    tapCount[j] = count;
  }
  const divisor = greatestCommonDivisor(stride, dilation);
  return {
    firstTap,
    tapCount,
    firstInput,
    tapStep: stride / divisor,
    inputStep: dilation / divisor,
    stride,
  };
}

/** Input in the geometry's layout -> channels-last [N, D, H, W, C] float64 (optionally |x|). */
function repackInput(
  geometry: ConvTransposeGeometry,
  input: Float32Array,
  packed: KernelOperand,
  absolute: boolean,
): KernelOperand {
  const { batch, inChannels: channels } = geometry;
  const pixels = input.length / (batch * channels);
  let source = 0;
  for (let n = 0; n < batch; n++) {
    const imageBase = n * pixels * channels;
    // Read the source in order; channels-first sources scatter with stride C.
    const outerCount = geometry.channelsLast ? pixels : channels;
    const innerCount = geometry.channelsLast ? channels : pixels;
    const outerStride = geometry.channelsLast ? channels : 1;
    const innerStride = geometry.channelsLast ? 1 : channels;
    for (let outer = 0; outer < outerCount; outer++) {
      for (let inner = 0; inner < innerCount; inner++) {
        const value = input[source++]!;
        packed[imageBase + outer * outerStride + inner * innerStride] = absolute ? Math.abs(value) : value;
      }
    }
  }
  return packed;
}

/** Elements of the packed weight: group * taps * blocks * (C/group) * CHANNEL_BLOCK. */
export function packedWeightLength(geometry: ConvTransposeGeometry): number {
  const taps = geometry.weightElements / (geometry.inChannels * geometry.outChannelsPerGroup);
  const blocks = Math.ceil(geometry.outChannelsPerGroup / CHANNEL_BLOCK);
  return geometry.group * taps * blocks * geometry.inChannelsPerGroup * CHANNEL_BLOCK;
}

/** Weight [C, M/group, kD, kH, kW] -> [group][kD][kH][kW][block][C/group][4], zero-padded; every element of the packed operand is written. */
export function repackWeight(
  geometry: ConvTransposeGeometry,
  weight: Float32Array,
  storage: JobStorage,
  absolute: boolean,
): KernelOperand {
  const { inChannelsPerGroup, outChannelsPerGroup } = geometry;
  const taps = geometry.weightElements / (geometry.inChannels * outChannelsPerGroup);
  const blocks = Math.ceil(outChannelsPerGroup / CHANNEL_BLOCK);
  const packed = storage.operand(packedWeightLength(geometry));
  // Written in the packed order (sequential stores; reads stride by `taps`): ~3x faster on the
  // DCGAN layer than walking the source, whose stores jump a whole tap plane each.
  let to = 0;
  for (let g = 0; g < geometry.group; g++) {
    for (let tap = 0; tap < taps; tap++) {
      for (let block = 0; block < blocks; block++) {
        const lanes = Math.min(CHANNEL_BLOCK, outChannelsPerGroup - block * CHANNEL_BLOCK);
        for (let cg = 0; cg < inChannelsPerGroup; cg++, to += CHANNEL_BLOCK) {
          const from = ((g * inChannelsPerGroup + cg) * outChannelsPerGroup + block * CHANNEL_BLOCK) * taps + tap;
          for (let lane = 0; lane < lanes; lane++) {
            const value = weight[from + lane * taps]!;
            packed[to + lane] = absolute ? Math.abs(value) : value;
          }
          // The lanes past M/group of a last partial block are zero (storage may be reused).
          for (let lane = lanes; lane < CHANNEL_BLOCK; lane++) packed[to + lane] = 0;
        }
      }
    }
  }
  return packed;
}

export function repackBias(bias: Float32Array | null, absolute: boolean): Float64Array | null {
  if (bias === null) return null;
  return Float64Array.from(bias, (value) => (absolute ? Math.abs(value) : value));
}

/** Strides of the output for (n, m, d, h, w) in the geometry's layout, rank padded to 3. */
export function outputStrides(geometry: ConvTransposeGeometry): {
  n: number;
  m: number;
  spatial: [number, number, number];
} {
  const strides = rowMajorStrides(geometry.outputShape);
  const rank = geometry.rank;
  const channelAxis = geometry.channelsLast ? rank + 1 : 1;
  const firstSpatial = geometry.channelsLast ? 1 : 2;
  const spatial = Array.from({ length: rank }, (_, axis) => strides[firstSpatial + axis]!);
  while (spatial.length < 3) spatial.unshift(0);
  return {
    n: strides[0]!,
    m: strides[channelAxis]!,
    spatial: [spatial[0]!, spatial[1]!, spatial[2]!],
  };
}

export interface PlanOptions {
  /** Use |x|, |w|, |bias| (the absSum pass). */
  readonly absolute: boolean;
  /** Where the repacked operands live. */
  readonly storage: JobStorage;
  /** The array the kernel writes, in the geometry's layout. */
  readonly output: Float64Array;
}

export function buildKernelJob(geometry: ConvTransposeGeometry, tensors: CaseTensors, options: PlanOptions): KernelJob {
  const [axisD, axisH, axisW] = paddedAxes(geometry);
  const strides = outputStrides(geometry);
  return {
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
    input: repackInput(geometry, tensors.input, options.storage.operand(geometry.inputElements), options.absolute),
    weight: repackWeight(geometry, tensors.weight, options.storage, options.absolute),
    bias: repackBias(geometry.hasBias ? tensors.bias : null, options.absolute),
    output: options.output,
  };
}
