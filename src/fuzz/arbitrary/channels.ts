/** Group, channels per group and batch of generated cases, within the element budget. */
import fc from 'fast-check';
import type { Axis } from './axis.js';
import { clamp, product, weighted } from './draws.js';
import { LIMITS } from './space.js';

export interface Channels {
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly batch: number;
}

/** The raw channel draws; `channelsOf` clamps them into the budget. */
export const rawChannels: fc.Arbitrary<Channels> = fc.record({
  // Two cases in three have one group.
  group: weighted(LIMITS.group, 4),
  inPerGroup: fc.integer({ min: 1, max: LIMITS.channelsPerGroup }),
  outPerGroup: fc.integer({ min: 1, max: LIMITS.channelsPerGroup }),
  batch: fc.integer({ min: 1, max: LIMITS.batch }),
});

/**
 * group, C/group, M/group and batch such that input (N*C*prod(i)), weight (C*(M/g)*prod(k)) and
 * output (N*M*prod(o)) stay within the budget. Each bound is >= 1 because every spatial product is
 * at most maxElements (each axis's i, k and o are at most the axis budget).
 */
export function channelsOf(
  raw: Channels,
  axes: readonly Axis[],
  outputs: readonly number[],
  maxElements: number,
): Channels {
  const inputPixels = product(axes.map((a) => a.i));
  const kernelTaps = product(axes.map((a) => a.k));
  const outputPixels = product(outputs);
  const fit = (unit: number): number => Math.floor(maxElements / unit);
  const group = clamp(raw.group, 1, Math.min(fit(inputPixels), fit(outputPixels), fit(kernelTaps)));
  const inPerGroup = clamp(raw.inPerGroup, 1, Math.min(fit(group * inputPixels), fit(group * kernelTaps)));
  const outPerGroup = clamp(
    raw.outPerGroup,
    1,
    Math.min(fit(group * outputPixels), fit(group * inPerGroup * kernelTaps)),
  );
  const batch = clamp(
    raw.batch,
    1,
    Math.min(fit(group * outPerGroup * outputPixels), fit(group * inPerGroup * inputPixels)),
  );
  return { group, inPerGroup, outPerGroup, batch };
}
