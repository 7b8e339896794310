/**
 * Pure data movement between tconv's tensors and what tfjs takes: channels-last inputs, TF filters
 * [k..., C_out, C_in], crops of TF's output. No arithmetic happens here except copying values, so
 * every number in a result was computed by TensorFlow (or is a bias value, for rows past `full`).
 */
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import { channelsFirstToLast } from '../../src/layout.js';
import { elementCount, rowMajorStrides } from '../../src/tensor.js';

/** Channels [start, start + count) of a channels-last tensor with `channels` channels. */
export function channelSlice(data: Float32Array, channels: number, start: number, count: number): Float32Array {
  if (start === 0 && count === channels) return data;
  const rows = data.length / channels;
  const out = new Float32Array(rows * count);
  for (let row = 0; row < rows; row++)
    out.set(data.subarray(row * channels + start, row * channels + start + count), row * count);
  return out;
}

/** The case input as channels-last [N, spatial..., C]. */
export function channelsLastInput(geometry: ConvTransposeGeometry, input: Float32Array): Float32Array {
  return geometry.channelsLast ? input : channelsFirstToLast(input, geometry.batch, geometry.inChannels);
}

/**
 * The TF filter [k_eff..., M/group, C/group] of one group: W[C, M/group, k...] transposed (no
 * spatial flip), with d-1 zeros between taps when dilation d > 1 (TF's CPU kernel has no dilation).
 */
export function tfFilter(geometry: ConvTransposeGeometry, weight: Float32Array, group: number): Float32Array {
  const { inChannelsPerGroup: cg, outChannelsPerGroup: mg, axes } = geometry;
  const taps = axes.map((axis) => axis.kernelSize);
  const tapCount = elementCount(taps);
  const dilatedStrides = rowMajorStrides(axes.map((axis) => axis.effectiveKernelSize));
  const filter = new Float32Array(elementCount(axes.map((axis) => axis.effectiveKernelSize)) * mg * cg);
  const tapStrides = rowMajorStrides(taps);
  for (let tap = 0; tap < tapCount; tap++) {
    // Tap q along each axis lands at q*d in the dilated kernel.
    let position = 0;
    axes.forEach((axis, a) => {
      position += (Math.floor(tap / tapStrides[a]!) % axis.kernelSize) * axis.dilation * dilatedStrides[a]!;
    });
    for (let c = 0; c < cg; c++)
      for (let m = 0; m < mg; m++)
        filter[(position * mg + m) * cg + c] = weight[((group * cg + c) * mg + m) * tapCount + tap]!;
  }
  return filter;
}

export interface SpatialCrop {
  /** Per TF spatial axis: first element of TF's output kept. */
  readonly begin: readonly number[];
  /** Per TF spatial axis: elements kept (may run past TF's output: those rows are bias only). */
  readonly size: readonly number[];
}

/**
 * Crops a channels-last TF output [N, have..., M] to [N, size..., M] starting at `begin`;
 * positions past `have` hold the bias alone (the reference's "zeros past full, plus bias").
 */
export function cropChannelsLast(
  data: Float32Array,
  have: readonly number[],
  crop: SpatialCrop,
  channels: number,
  bias: Float32Array | null,
): Float32Array {
  const pixelsIn = elementCount(have);
  const pixelsOut = elementCount(crop.size);
  const batch = data.length / (pixelsIn * channels);
  const inStrides = rowMajorStrides(have);
  const outStrides = rowMajorStrides(crop.size);
  const out = new Float32Array(batch * pixelsOut * channels);
  for (let pixel = 0; pixel < pixelsOut; pixel++) {
    const source = sourcePixel(pixel, outStrides, crop, have, inStrides);
    for (let n = 0; n < batch; n++) {
      const target = (n * pixelsOut + pixel) * channels;
      if (source >= 0)
        out.set(data.subarray((n * pixelsIn + source) * channels, (n * pixelsIn + source + 1) * channels), target);
      else if (bias) out.set(bias, target);
    }
  }
  return out;
}

/** Index in TF's output of an output pixel, or -1 when it lies past TF's output. */
function sourcePixel(
  pixel: number,
  outStrides: readonly number[],
  crop: SpatialCrop,
  have: readonly number[],
  inStrides: readonly number[],
): number {
  let source = 0;
  for (let a = 0; a < have.length; a++) {
    const index = (Math.floor(pixel / outStrides[a]!) % crop.size[a]!) + crop.begin[a]!;
    if (index >= have[a]!) return -1;
    source += index * inStrides[a]!;
  }
  return source;
}
