/**
 * Moving tensors between channels-first [N, C, pixels...] and channels-last [N, pixels..., C].
 * Every runner and test that changes layout goes through here, so there is one definition of
 * "pixel" order (row-major over the spatial axes) in the code base.
 */

type Numbers = Float32Array | Float64Array | Uint32Array;

/** Copies `data` with its channel axis moved; `toLast` picks the direction. */
function moveChannelAxis<T extends Numbers>(data: T, batch: number, channels: number, toLast: boolean): T {
  const pixels = data.length / (batch * channels);
  const out = data.slice() as T;
  for (let n = 0; n < batch; n++)
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < pixels; p++) {
        const first = (n * channels + c) * pixels + p;
        const last = (n * pixels + p) * channels + c;
        if (toLast) out[last] = data[first]!;
        else out[first] = data[last]!;
      }
  return out;
}

/** [N, C, pixels...] -> [N, pixels..., C]. */
export const channelsFirstToLast = <T extends Numbers>(data: T, batch: number, channels: number): T =>
  moveChannelAxis(data, batch, channels, true);

/** [N, pixels..., C] -> [N, C, pixels...]. */
export const channelsLastToFirst = <T extends Numbers>(data: T, batch: number, channels: number): T =>
  moveChannelAxis(data, batch, channels, false);

/** [N, spatial..., C] -> [N, C, spatial...] for shapes. */
export const channelsFirstShape = (shape: readonly number[]): number[] => [
  shape[0]!,
  shape[shape.length - 1]!,
  ...shape.slice(1, -1),
];

/** [N, C, spatial...] -> [N, spatial..., C] for shapes. */
export const channelsLastShape = (shape: readonly number[]): number[] => [shape[0]!, ...shape.slice(2), shape[1]!];
