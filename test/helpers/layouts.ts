/** Moving tensors between channels-first [N, C, pixels...] and channels-last [N, pixels..., C]. */

type Data = Float32Array | Float64Array | Uint32Array;

/** Copies `data` with every element moved from its `from` layout index to its other one. */
function moveChannels<T extends Data>(data: T, batch: number, channels: number, from: 'first' | 'last'): T {
  const pixels = data.length / (batch * channels);
  const out = data.slice() as T;
  for (let n = 0; n < batch; n++)
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < pixels; p++) {
        const first = (n * channels + c) * pixels + p;
        const last = (n * pixels + p) * channels + c;
        if (from === 'first') out[last] = data[first]!;
        else out[first] = data[last]!;
      }
  return out;
}

export function channelsFirstToLast<T extends Data>(data: T, batch: number, channels: number): T {
  return moveChannels(data, batch, channels, 'first');
}

export function channelsLastToFirst<T extends Data>(data: T, batch: number, channels: number): T {
  return moveChannels(data, batch, channels, 'last');
}
