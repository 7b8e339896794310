/** Small arbitraries and arithmetic the case arbitrary is built from. */
import fc from 'fast-check';

export const clamp = (value: number, min: number, max: number): number => Math.max(min, Math.min(max, value));

/**
 * 1 with weight `plainWeight` against 1 for [2, max], shrinking towards 1: keeps the plain case
 * common while the rest still gets tested.
 */
export const weighted = (max: number, plainWeight: number): fc.Arbitrary<number> =>
  fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(1), weight: plainWeight },
    { arbitrary: fc.integer({ min: 2, max }), weight: 1 },
  );

/** true with probability 1/(n+1), shrinking to false. */
export const sometimes = (n: number): fc.Arbitrary<boolean> =>
  fc.integer({ min: 0, max: n }).map((value) => value === n);

/**
 * One of `values`, shrinking towards the first through the ones in between (`fc.constantFrom`
 * only ever proposes the first value as a shrink: a rank 3 would never try rank 2).
 */
export const choice = <T>(values: readonly T[]): fc.Arbitrary<T> =>
  fc.integer({ min: 0, max: values.length - 1 }).map((index) => values[index]!);

export const product = (values: readonly number[]): number => values.reduce((total, value) => total * value, 1);

export const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

/** A single value when all axes agree (as a person would write it), else one per axis. */
export const compact = (values: readonly number[]): number | number[] =>
  values.every((value) => value === values[0]) ? values[0]! : [...values];
