/** Group, channels per group and batch of generated cases, within the element and work budgets. */
import fc from 'fast-check';
import { fullOf, type Axis } from './axis.js';
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
 * The spatial part of a case's dense work (space.ts DEFAULT_FUZZ_MAX_WORK): per axis, every
 * position of the zero-inserted output (the full length, or the convention's output when it is
 * longer) times every tap of the dilated kernel.
 */
export const denseSpatialWork = (axes: readonly Axis[], outputs: readonly number[]): number =>
  product(axes.map((a, index) => Math.max(fullOf(a), outputs[index] ?? 0) * ((a.k - 1) * a.d + 1)));

/**
 * group, C/group, M/group and batch such that input (N*C*prod(i)), weight (C*(M/g)*prod(k)) and
 * output (N*M*prod(o)) stay within the element budget, and the dense work
 * (N * g * C/g * M/g * denseSpatialWork) within the work budget. The element bounds are >= 1
 * because every spatial product is at most maxElements (each axis's i, k and o are at most the
 * axis budget); the work bounds are >= 1 when the spatial work alone fits (the caller checks).
 */
export function channelsOf(
  raw: Channels,
  axes: readonly Axis[],
  outputs: readonly number[],
  budgets: { readonly maxElements: number; readonly maxWork: number },
): Channels {
  const inputPixels = product(axes.map((a) => a.i));
  const kernelTaps = product(axes.map((a) => a.k));
  const outputPixels = product(outputs);
  const work = denseSpatialWork(axes, outputs);
  const fit = (unit: number): number => Math.floor(budgets.maxElements / unit);
  const fitWork = (channels: number): number => Math.floor(budgets.maxWork / (channels * work));
  const group = clamp(raw.group, 1, Math.min(fit(inputPixels), fit(outputPixels), fit(kernelTaps), fitWork(1)));
  const inPerGroup = clamp(
    raw.inPerGroup,
    1,
    Math.min(fit(group * inputPixels), fit(group * kernelTaps), fitWork(group)),
  );
  const outPerGroup = clamp(
    raw.outPerGroup,
    1,
    Math.min(fit(group * outputPixels), fit(group * inPerGroup * kernelTaps), fitWork(group * inPerGroup)),
  );
  const batch = clamp(
    raw.batch,
    1,
    Math.min(
      fit(group * outPerGroup * outputPixels),
      fit(group * inPerGroup * inputPixels),
      fitWork(group * inPerGroup * outPerGroup),
    ),
  );
  return { group, inPerGroup, outPerGroup, batch };
}
