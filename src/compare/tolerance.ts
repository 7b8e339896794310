/**
 * Tolerances, as typed options (the gpuweb/cts idea). Semantics:
 * - `absRel`: |actual - expected| <= atol + rtol * |expected| (numpy.isclose / torch.testing).
 * - `ulp`: |actual - expected| <= ulp * ulp_f32(expected), the float32 spacing at `expected`.
 * - `auto` (default): the reference's rigorous float32 bound per element, gamma_{n+1} * sum|x*w|
 *   + u*|y| (see reference/bounds.ts), so any correct float32 implementation passes whatever its
 *   summation order, and a wrong tap or crop does not.
 */
import type { ToleranceSpec } from '../case/types.js';

export type Tolerance =
  | { readonly kind: 'auto' }
  | { readonly kind: 'absRel'; readonly atol: number; readonly rtol: number }
  | { readonly kind: 'ulp'; readonly ulp: number };

export const AUTO_TOLERANCE: Tolerance = { kind: 'auto' };

export function toleranceFromSpec(spec: ToleranceSpec | undefined): Tolerance {
  if (!spec) return AUTO_TOLERANCE;
  if (spec.ulp !== undefined) return { kind: 'ulp', ulp: spec.ulp };
  return { kind: 'absRel', atol: spec.atol ?? 0, rtol: spec.rtol ?? 0 };
}

/** The spacing of float32 numbers at |value| (2^-149 below the normal range). */
export function float32Ulp(value: number): number {
  const magnitude = Math.abs(Math.fround(value));
  if (magnitude < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(magnitude)) - 23);
}

export function describeTolerance(tolerance: Tolerance): string {
  switch (tolerance.kind) {
    case 'auto':
      return 'auto (float32 error bound from the reference)';
    case 'absRel':
      return `atol ${tolerance.atol}, rtol ${tolerance.rtol}`;
    case 'ulp':
      return `${tolerance.ulp} ulp`;
  }
}
