/**
 * Tolerances, as typed options (the gpuweb/cts idea). Semantics:
 * - `absRel`: |actual - expected| <= atol + rtol * |expected| (numpy.isclose / torch.testing; not
 *   symmetric: the reference is `expected`).
 * - `ulp`: |actual - expected| <= ulp * ulp_f32(expected), the float32 spacing at `expected`.
 * - `auto` (default): the reference's rigorous float32 bound per element, gamma_{n+1} * sum|x*w|
 *   + u*|y| + n * 2^-126 (see reference/bounds.ts), where n is the element's term count (products
 *   plus bias) and sum|x*w| its absSum; so any correct float32 implementation passes whatever its
 *   summation order, and a wrong tap or crop does not.
 *
 * Defaults per dtype (`defaultTolerance`):
 * - float32 (the only dtype cases have today): `auto`. The float32 unit roundoff is
 *   u = 2^-24 ~= 5.96e-8 (machine epsilon 2^-23 ~= 1.19e-7); gamma_n = n*u / (1 - n*u).
 *   For comparison, torch.testing's float32 default is atol 1e-5, rtol 1.3e-6.
 * - Reduced-precision dtypes would use the same `auto` bound with their own u (float16 and TF32
 *   2^-11, bfloat16 2^-8); the diagnosis uses these to recognise reduced-precision accumulation.
 *
 * Two NaNs are not close unless the comparison is run with `nanEqual: true`; equal infinities are
 * close; any other non-finite pair is not.
 */
import type { ToleranceSpec } from '../case/types.js';
import { FLOAT32_UNIT_ROUNDOFF } from '../reference/index.js';
import { encodeNumber } from './json.js';
import type { ToleranceReport } from './types.js';

export { FLOAT32_UNIT_ROUNDOFF };

export type Tolerance =
  | { readonly kind: 'auto' }
  | { readonly kind: 'absRel'; readonly atol: number; readonly rtol: number }
  | { readonly kind: 'ulp'; readonly ulp: number };

export const AUTO_TOLERANCE: Tolerance = { kind: 'auto' };

/** Unit roundoff of reduced-precision formats (round to nearest): 11-bit and 8-bit significands. */
export const FLOAT16_UNIT_ROUNDOFF = 2 ** -11;
export const BFLOAT16_UNIT_ROUNDOFF = 2 ** -8;

/** The default tolerance of a dtype (cases only have float32: `auto`). */
export function defaultTolerance(dtype: 'float32' = 'float32'): Tolerance {
  switch (dtype) {
    case 'float32':
      return AUTO_TOLERANCE;
  }
}

export function toleranceFromSpec(spec: ToleranceSpec | undefined): Tolerance {
  // `{signed_zero: true}` alone keeps the automatic bound (it only adds the zero-sign check).
  if (!spec || (spec.ulp === undefined && spec.atol === undefined && spec.rtol === undefined)) return AUTO_TOLERANCE;
  if (spec.ulp !== undefined) return { kind: 'ulp', ulp: spec.ulp };
  return { kind: 'absRel', atol: spec.atol ?? 0, rtol: spec.rtol ?? 0 };
}

const F32_SCRATCH = new Float32Array(1);
const F32_BITS = new Uint32Array(F32_SCRATCH.buffer);
/** 2^(E - 150) for a biased float32 exponent E >= 1; 2^-149 for E = 0 (subnormals). */
const ULP_BY_EXPONENT = Float64Array.from({ length: 255 }, (_, exponent) => 2 ** (Math.max(exponent, 1) - 150));

/**
 * The spacing of float32 numbers at |value| after rounding it to float32 (2^-149 below the normal
 * range; Infinity past the float32 range; NaN for NaN). Read from the float32 exponent bits.
 */
export function float32Ulp(value: number): number {
  F32_SCRATCH[0] = value;
  const exponent = (F32_BITS[0]! >>> 23) & 0xff;
  if (exponent === 0xff) return Number.isNaN(value) ? Number.NaN : Number.POSITIVE_INFINITY;
  return ULP_BY_EXPONENT[exponent]!;
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

/** The tolerance as JSON-safe data for a `Comparison`. */
export function toleranceReport(tolerance: Tolerance, nanEqual: boolean): ToleranceReport {
  const description = describeTolerance(tolerance) + (nanEqual ? ', NaN == NaN' : '');
  switch (tolerance.kind) {
    case 'auto':
      return { kind: 'auto', nanEqual, description };
    case 'absRel':
      return {
        kind: 'absRel',
        atol: encodeNumber(tolerance.atol),
        rtol: encodeNumber(tolerance.rtol),
        nanEqual,
        description,
      };
    case 'ulp':
      return { kind: 'ulp', ulp: encodeNumber(tolerance.ulp), nanEqual, description };
  }
}
