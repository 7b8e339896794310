/** Channels-last <-> channels-first moves: ONNX ConvTranspose takes only [N, C, spatial...]. */

/** [N, spatial..., C] -> [N, C, spatial...]; `shape` is the channels-last shape. */
export function toChannelsFirst(data: Float32Array, shape: readonly number[]): Float32Array {
  const batch = shape[0]!;
  const channels = shape[shape.length - 1]!;
  const pixels = data.length / (batch * channels);
  const out = new Float32Array(data.length);
  for (let n = 0; n < batch; n++)
    for (let p = 0; p < pixels; p++)
      for (let c = 0; c < channels; c++) out[(n * channels + c) * pixels + p] = data[(n * pixels + p) * channels + c]!;
  return out;
}

/** [N, C, spatial...] -> [N, spatial..., C]; `shape` is the channels-first shape. */
export function toChannelsLast(data: Float32Array, shape: readonly number[]): Float32Array {
  const batch = shape[0]!;
  const channels = shape[1]!;
  const pixels = data.length / (batch * channels);
  const out = new Float32Array(data.length);
  for (let n = 0; n < batch; n++)
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < pixels; p++) out[(n * pixels + p) * channels + c] = data[(n * channels + c) * pixels + p]!;
  return out;
}

/** [N, spatial..., C] -> [N, C, spatial...] for shapes. */
export const channelsFirstShape = (shape: readonly number[]): number[] => [
  shape[0]!,
  shape[shape.length - 1]!,
  ...shape.slice(1, -1),
];

/** [N, C, spatial...] -> [N, spatial..., C] for shapes. */
export const channelsLastShape = (shape: readonly number[]): number[] => [shape[0]!, ...shape.slice(2), shape[1]!];
