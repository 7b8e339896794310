/** Moving tensors between channels-first [N, C, pixels...] and channels-last [N, pixels..., C]. */

export function channelsFirstToLast<T extends Float32Array | Float64Array | Uint32Array>(
  data: T,
  batch: number,
  channels: number,
): T {
  const pixels = data.length / (batch * channels);
  const out = data.slice() as T;
  for (let n = 0; n < batch; n++)
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < pixels; p++) out[(n * pixels + p) * channels + c] = data[(n * channels + c) * pixels + p]!;
  return out;
}

export function channelsLastToFirst<T extends Float32Array | Float64Array | Uint32Array>(
  data: T,
  batch: number,
  channels: number,
): T {
  const pixels = data.length / (batch * channels);
  const out = data.slice() as T;
  for (let n = 0; n < batch; n++)
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < pixels; p++) out[(n * channels + c) * pixels + p] = data[(n * pixels + p) * channels + c]!;
  return out;
}
