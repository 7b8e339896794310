/**
 * Distributions with IEEE 754 special values, for the special-value cases (`distribution:
 * special | subnormal | large`). Each draws from the case's deterministic stream; some depend on
 * which tensor is drawn (`role`), so that the products land where the semantics can be told apart.
 */

/** Which tensor a value is drawn for. */
export type TensorRole = 'input' | 'weight' | 'bias';

/** Special value distribution names. */
export type SpecialDistribution = 'special' | 'subnormal' | 'large';

/** The largest finite float32 (2^128 - 2^104). */
const FLOAT32_MAX = 2 ** 128 - 2 ** 104;

/** A float32 subnormal: magnitude log-uniform over [2^-149, 2^-126), random sign (never zero). */
function subnormal(next: () => number): number {
  const magnitude = Math.fround(2 ** (-149 + next() * 23));
  const value = magnitude === 0 ? 2 ** -149 : Math.min(magnitude, 2 ** -126 - 2 ** -149);
  return next() < 0.5 ? -value : value;
}

/**
 * `special`: per value, 2% NaN, 2% +Inf, 2% -Inf, 10% +0, 10% -0, 8% subnormal, 4% within a factor
 * 2 of float32's largest value (either sign), the other 62% uniform in [-1, 1). Non-finite values
 * are rare enough that most outputs still sum only finite products, and zeros are common enough
 * that Inf * 0 products (NaN by IEEE 754 7.2) occur.
 */
function special(next: () => number): number {
  const u = next();
  if (u < 0.02) return Number.NaN;
  if (u < 0.04) return Number.POSITIVE_INFINITY;
  if (u < 0.06) return Number.NEGATIVE_INFINITY;
  if (u < 0.16) return 0;
  if (u < 0.26) return -0;
  if (u < 0.34) return subnormal(next);
  if (u < 0.38) return (next() < 0.5 ? -1 : 1) * FLOAT32_MAX * (0.5 + next() / 2);
  return next() * 2 - 1;
}

/**
 * `subnormal`: the input and the bias are float32 subnormals, the weights are +-[1, 2) * 2^100, so
 * each product is a normal number (2^-49 .. 2^-25): an implementation that flushes subnormal
 * operands to zero (DAZ) outputs zeros there, far outside any rounding bound.
 */
function subnormalMix(next: () => number, role: TensorRole): number {
  if (role === 'weight') return (next() < 0.5 ? -1 : 1) * (1 + next()) * 2 ** 100;
  return subnormal(next);
}

/**
 * `large`: the input and the bias uniform in (-2^127, 2^127), the weights uniform in [-1, 1), so
 * products reach 2^127 and sums of a few of them exceed float32's range: some outputs overflow to
 * +-Inf in the final rounding, some only in some summation orders (order-dependent).
 */
function large(next: () => number, role: TensorRole): number {
  const u = next() * 2 - 1;
  return role === 'weight' ? u : u * 2 ** 127;
}

export function drawSpecial(next: () => number, distribution: SpecialDistribution, role: TensorRole): number {
  switch (distribution) {
    case 'special':
      return special(next);
    case 'subnormal':
      return subnormalMix(next, role);
    case 'large':
      return large(next, role);
  }
}
