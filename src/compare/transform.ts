/** Tensor and geometry transformations the diagnosis uses to build alternative expectations. */
import { buildGeometry, type AxisCrop, type GeometryParts } from '../geometry/build.js';
import type { ConvTransposeGeometry } from '../geometry/types.js';
import { rowMajorStrides } from '../tensor.js';

/** The parts `buildGeometry` needs to rebuild (a modified copy of) a geometry. */
export function geometryParts(geometry: ConvTransposeGeometry): GeometryParts {
  return {
    layout: geometry.layout,
    batch: geometry.batch,
    inChannels: geometry.inChannels,
    outChannels: geometry.outChannels,
    group: geometry.group,
    hasBias: geometry.hasBias,
    axes: geometry.axes.map((axis): AxisCrop => ({
      inputSize: axis.inputSize,
      kernelSize: axis.kernelSize,
      stride: axis.stride,
      dilation: axis.dilation,
      beginCrop: axis.beginCrop,
      outputSize: axis.outputSize,
      outputPadding: axis.outputPadding,
    })),
    convention: geometry.convention,
  };
}

/** The geometry with beginCrop moved by deltas[axis] on each axis (output sizes unchanged). */
export function shiftedGeometry(geometry: ConvTransposeGeometry, deltas: readonly number[]): ConvTransposeGeometry {
  const parts = geometryParts(geometry);
  return buildGeometry({
    ...parts,
    axes: parts.axes.map((axis, index) => ({ ...axis, beginCrop: axis.beginCrop + (deltas[index] ?? 0) })),
  });
}

type NumericArray = Float32Array | Float64Array | Uint32Array;
type Constructor<T extends NumericArray> = { new (length: number): T };

/** A copy of row-major `data` (of `shape`) with dimensions da and db (of equal size) swapped. */
export function swapDims<T extends NumericArray>(data: T, shape: readonly number[], da: number, db: number): T {
  const result = new (data.constructor as Constructor<T>)(data.length);
  const strides = rowMajorStrides(shape);
  const sa = strides[da]!;
  const sb = strides[db]!;
  const size = shape[da]!;
  for (let index = 0; index < data.length; index++) {
    const ja = Math.floor(index / sa) % size;
    const jb = Math.floor(index / sb) % size;
    result[index + (jb - ja) * sa + (ja - jb) * sb] = data[index]!;
  }
  return result;
}

/**
 * Flat data in `layout` order re-laid out in the other layout (channels-first <-> channels-last),
 * same logical tensor: [N, C, S] -> [N, S, C] or back.
 */
export function toOtherLayout<T extends NumericArray>(
  data: T,
  batch: number,
  channels: number,
  channelsLast: boolean,
): T {
  const result = new (data.constructor as Constructor<T>)(data.length);
  const pixels = data.length / (batch * channels);
  for (let n = 0; n < batch; n++) {
    const base = n * pixels * channels;
    for (let c = 0; c < channels; c++) {
      for (let pixel = 0; pixel < pixels; pixel++) {
        const first = base + c * pixels + pixel; // channels-first position
        const last = base + pixel * channels + c; // channels-last position
        if (channelsLast) result[first] = data[last]!;
        else result[last] = data[first]!;
      }
    }
  }
  return result;
}

/**
 * Data laid out in `layout` but read as if it were in the other layout: the logical tensor a
 * runner sees when it misreads the buffer, written back in `layout` order.
 */
export function misreadLayout<T extends NumericArray>(
  data: T,
  batch: number,
  channels: number,
  channelsLast: boolean,
): T {
  // Reading a channels-first buffer as channels-last: logical (n, c, s) = buffer[n, s, c]
  // (channels-last position); rewriting that tensor channels-first is the inverse re-layout.
  return toOtherLayout(data, batch, channels, !channelsLast);
}

/** The weight [C, M/group, k...] with every spatial kernel axis reversed (rotated 180 degrees). */
export function flipKernel(weight: Float32Array, geometry: ConvTransposeGeometry): Float32Array {
  const taps = geometry.axes.reduce((total, axis) => total * axis.kernelSize, 1);
  const flipped = new Float32Array(weight.length);
  for (let block = 0; block < weight.length; block += taps) {
    for (let tap = 0; tap < taps; tap++) flipped[block + tap] = weight[block + taps - 1 - tap]!;
  }
  return flipped;
}

/**
 * The weight as an implementation sees it when it reads each group's block of the buffer as
 * [M/group, C/group, k...] instead of [C/group, M/group, k...] (the forward-convolution order):
 * seen[c][m] = block[m * C/group + c]. With C/group == M/group this swaps the two axes.
 */
export function swapKernelChannels(weight: Float32Array, geometry: ConvTransposeGeometry): Float32Array {
  const { inChannelsPerGroup: cg, outChannelsPerGroup: mg } = geometry;
  const taps = geometry.axes.reduce((total, axis) => total * axis.kernelSize, 1);
  const swapped = new Float32Array(weight.length);
  for (let g = 0; g < geometry.group; g++) {
    const block = g * cg * mg * taps;
    for (let ci = 0; ci < cg; ci++) {
      for (let mo = 0; mo < mg; mo++) {
        const from = block + (mo * cg + ci) * taps;
        swapped.set(weight.subarray(from, from + taps), block + (ci * mg + mo) * taps);
      }
    }
  }
  return swapped;
}
