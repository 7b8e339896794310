/**
 * Tensor moves for external runners: the request's data layout (the hello's choice), TensorFlow's
 * weight layout, and the emulations' crop of a full output. Layout moves are the ones every
 * runner uses (src/layout.ts).
 */
import { layoutFor } from '../../src/geometry/build.js';
import type { ConvTransposeGeometry, LayoutName } from '../../src/geometry/types.js';
import { channelsFirstToLast, channelsLastShape, channelsLastToFirst, channelsFirstShape } from '../../src/layout.js';
import type { LayoutChoice } from './messages.js';

type Floats = Float32Array | Float64Array;

export function requestLayout(geometry: ConvTransposeGeometry, choice: LayoutChoice): LayoutName {
  if (choice === 'case') return geometry.layout;
  return layoutFor(geometry.rank, choice === 'channels_last');
}

export const isChannelsLastLayout = (layout: LayoutName): boolean => layout.endsWith('C');

/** Data of shape `shape` (in `from`) moved to `to`; same array when the layouts agree. */
export function moveLayout<T extends Floats>(data: T, shape: readonly number[], from: LayoutName, to: LayoutName): T {
  const fromLast = isChannelsLastLayout(from);
  if (fromLast === isChannelsLastLayout(to) || shape.length < 3) return data;
  const channels = fromLast ? shape[shape.length - 1]! : shape[1]!;
  return fromLast ? channelsLastToFirst(data, shape[0]!, channels) : channelsFirstToLast(data, shape[0]!, channels);
}

/** A shape in `from` order, in `to` order. */
export function moveShape(shape: readonly number[], from: LayoutName, to: LayoutName): number[] {
  const fromLast = isChannelsLastLayout(from);
  if (fromLast === isChannelsLastLayout(to) || shape.length < 3) return [...shape];
  return fromLast ? channelsFirstShape(shape) : channelsLastShape(shape);
}

/** W[C, M, k...] as TensorFlow's filter [k..., M, C] (group 1; no flip). */
export function tfWeight(
  geometry: ConvTransposeGeometry,
  weight: Float32Array,
): { data: Float32Array; shape: number[] } {
  const { inChannels: c, outChannels: m, axes } = geometry;
  const taps = axes.reduce((product, axis) => product * axis.kernelSize, 1);
  const data = new Float32Array(weight.length);
  for (let ci = 0; ci < c; ci++)
    for (let mi = 0; mi < m; mi++)
      for (let tap = 0; tap < taps; tap++) data[(tap * m + mi) * c + ci] = weight[(ci * m + mi) * taps + tap]!;
  return { data, shape: [...axes.map((axis) => axis.kernelSize), m, c] };
}

/**
 * The emulations' crop: channels-first [N, M, full...] -> [N, M, out...], keeping
 * full[begin, begin + o) per axis; positions past the full size (negative end crop) are the bias
 * alone, as the geometry defines them.
 */
export function cropFull<T extends Floats>(geometry: ConvTransposeGeometry, full: T, bias: Float32Array | null): T {
  const pad = (values: readonly number[], unit: number): number[] => [
    ...Array<number>(3 - values.length).fill(unit),
    ...values,
  ];
  const [fd, fh, fw] = pad(
    geometry.axes.map((a) => a.fullSize),
    1,
  ) as [number, number, number];
  const [od, oh, ow] = pad(
    geometry.axes.map((a) => a.outputSize),
    1,
  ) as [number, number, number];
  const [bd, bh, bw] = pad(
    geometry.axes.map((a) => a.beginCrop),
    0,
  ) as [number, number, number];
  const planes = geometry.batch * geometry.outChannels;
  const out = (
    full instanceof Float64Array ? new Float64Array(planes * od * oh * ow) : new Float32Array(planes * od * oh * ow)
  ) as T;
  let index = 0;
  for (let plane = 0; plane < planes; plane++) {
    const fill = bias ? bias[plane % geometry.outChannels]! : 0;
    const base = plane * fd * fh * fw;
    for (let d = 0; d < od; d++)
      for (let h = 0; h < oh; h++) {
        const inside = d + bd < fd && h + bh < fh;
        const row = base + ((d + bd) * fh + h + bh) * fw;
        for (let w = 0; w < ow; w++) out[index++] = inside && w + bw < fw ? full[row + w + bw]! : fill;
      }
  }
  return out;
}
