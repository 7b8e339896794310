/**
 * Special values (NaN, infinities, signed zeros, subnormals, overflow): what the definition says
 * each output element is, and which outcomes a correct float32 implementation may produce.
 *
 * The definition: y = the mathematical sum of the products x*w that transposed convolution forms
 * (products.ts: none at zero-inserted, padded or cropped positions), plus the bias, under IEEE 754
 * semantics, rounded once to float32:
 * - NaN when a term is NaN (a NaN operand, or 0 * Inf: IEEE 754-2019 7.2(a)), or when the terms hold
 *   both +Inf and -Inf (7.2(b), Inf - Inf);
 * - +Inf / -Inf when the terms hold infinities of one sign only (6.1: Inf + finite = Inf);
 * - otherwise the exact sum of the finite terms (products of two float32 are exact in float64, so
 *   the float64 sum is as good as exact), rounded to float32: +/-Inf when it reaches 2^128 - 2^103
 *   (7.4, overflow under round to nearest);
 * - a zero sum is -0 only when every term is -0 (6.3: x + x = x for x = -0, and under round to
 *   nearest an exact zero sum of terms of different signs is +0); an empty sum is +0.
 *
 * Float32 evaluation in some order may differ: a partial sum of the positive terms can overflow to
 * +Inf even when the exact sum is finite (products 3e38, 3e38, -3e38), and +Inf from overflow meets
 * -Inf from overflow as NaN. Such elements are order-dependent: `outcomes` holds every outcome some
 * summation order gives, and the comparator accepts any of them. A zero whose terms are not all
 * exact zeros (underflowing products) may have either sign.
 */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { CaseTensors } from '../tensor.js';
import { forEachProduct } from './products.js';

/** Outcome bits: what a correct float32 implementation may produce at an element. */
export const OUTCOME_FINITE = 1;
export const OUTCOME_NAN = 2;
export const OUTCOME_POS_INF = 4;
export const OUTCOME_NEG_INF = 8;

/** Evidence bits per element (for diagnoses): which kinds of terms it sums. */
export const TERM_NAN_OPERAND = 1;
export const TERM_ZERO_TIMES_INF = 2;
export const TERM_POS_INF = 4;
export const TERM_NEG_INF = 8;
export const TERM_FINITE_NONZERO = 16;
export const TERM_POS_ZERO = 32;
export const TERM_NEG_ZERO = 64;
/** A term with a subnormal operand (input, weight or bias). */
export const TERM_SUBNORMAL_OPERAND = 128;

/** Values at or above this magnitude round to infinity in float32 (2^128 - 2^103, IEEE 754 7.4). */
export const FLOAT32_OVERFLOW_THRESHOLD = 2 ** 128 - 2 ** 103;
/** The largest finite float32. */
export const FLOAT32_MAX = 2 ** 128 - 2 ** 104;
/** Smallest positive normal float32: below it, nonzero values are subnormal. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

export interface SpecialValues {
  /** Per output element: the OUTCOME_* bits a correct float32 implementation may produce. */
  readonly outcomes: Uint8Array;
  /** Per output element: -1 a zero result must be -0, +1 it must be +0, 0 either sign (or not zero). */
  readonly zeroSign: Int8Array;
  /** Per output element: TERM_* bits. */
  readonly terms: Uint8Array;
  /** Whether the comparison checks zero signs (`tolerance: {signed_zero: true}`). */
  readonly signedZero: boolean;
  /** Elements with more than one allowed outcome. */
  readonly orderDependent: number;
}

export function isSubnormal(value: number): boolean {
  return value !== 0 && Math.abs(value) < FLOAT32_MIN_NORMAL;
}

function tensorsOf(tensors: CaseTensors): Float32Array[] {
  return tensors.bias ? [tensors.input, tensors.weight, tensors.bias] : [tensors.input, tensors.weight];
}

/** Whether the tensors hold NaN, infinities or subnormals. */
export function hasSpecialOperands(tensors: CaseTensors): boolean {
  return tensorsOf(tensors).some((values) => values.some((v) => !Number.isFinite(v) || isSubnormal(v)));
}

function maxAbs(values: Float32Array | null): number {
  let max = 0;
  for (const v of values ?? []) max = Math.max(max, Math.abs(v));
  return max;
}

/**
 * Whether the analysis is needed: special operands, products whose float32 sums could overflow
 * (max|x| * max|w| times the most products an element sums, plus max|b|, within a factor 2 of the
 * float32 range), or a comparison of zero signs.
 */
export function needsSpecialValues(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  signedZero: boolean,
): boolean {
  if (signedZero || hasSpecialOperands(tensors)) return true;
  const taps = geometry.axes.reduce((product, axis) => product * axis.kernelSize, 1);
  const bound =
    maxAbs(tensors.input) * maxAbs(tensors.weight) * taps * geometry.inChannelsPerGroup + maxAbs(tensors.bias);
  return bound * 2 >= FLOAT32_OVERFLOW_THRESHOLD;
}

/** Accumulated terms of every output element. */
interface Sums {
  readonly sum: Float64Array;
  readonly positive: Float64Array;
  readonly negative: Float64Array;
  readonly count: Uint32Array;
  readonly terms: Uint8Array;
}

function addTerm(sums: Sums, index: number, value: number, evidence: number): void {
  sums.count[index]!++;
  let bits = evidence;
  if (Number.isNaN(value)) bits |= evidence & TERM_ZERO_TIMES_INF ? 0 : TERM_NAN_OPERAND;
  else if (value === Number.POSITIVE_INFINITY) bits |= TERM_POS_INF;
  else if (value === Number.NEGATIVE_INFINITY) bits |= TERM_NEG_INF;
  else if (value === 0) bits |= Object.is(value, -0) ? TERM_NEG_ZERO : TERM_POS_ZERO;
  else {
    bits |= TERM_FINITE_NONZERO;
    sums.sum[index]! += value;
    if (value > 0) sums.positive[index]! += value;
    else sums.negative[index]! -= value;
  }
  sums.terms[index]! |= bits;
}

function accumulate(geometry: ConvTransposeGeometry, tensors: CaseTensors): Sums {
  const size = geometry.outputElements;
  const sums: Sums = {
    sum: new Float64Array(size),
    positive: new Float64Array(size),
    negative: new Float64Array(size),
    count: new Uint32Array(size),
    terms: new Uint8Array(size),
  };
  const { input, weight, bias } = tensors;
  forEachProduct(geometry, (out, i, k) => {
    const x = input[i]!;
    const w = weight[k]!;
    const zeroTimesInf =
      (x === 0 && !Number.isFinite(w) && !Number.isNaN(w)) || (w === 0 && !Number.isFinite(x) && !Number.isNaN(x));
    const subnormal = isSubnormal(x) || isSubnormal(w) ? TERM_SUBNORMAL_OPERAND : 0;
    addTerm(sums, out, x * w, (zeroTimesInf ? TERM_ZERO_TIMES_INF : 0) | subnormal);
  });
  if (bias) {
    const channels = geometry.outChannels;
    const plane = size / (geometry.batch * channels);
    for (let index = 0; index < size; index++) {
      const m = geometry.channelsLast ? index % channels : Math.floor(index / plane) % channels;
      addTerm(sums, index, bias[m]!, isSubnormal(bias[m]!) ? TERM_SUBNORMAL_OPERAND : 0);
    }
  }
  return sums;
}

/** Whether some float32 order of summing `magnitude` worth of one sign's terms (n terms) reaches the overflow threshold. */
function couldOverflow(magnitude: number, count: number): boolean {
  // Each float32 rounding (products and partial sums) grows a partial sum by at most a factor
  // (1 + 2^-24): gamma_n slack (Higham 3.1) on the exact sum of one sign's terms.
  return magnitude * (1 + (count + 1) * 2 ** -24) >= FLOAT32_OVERFLOW_THRESHOLD;
}

/** The outcomes and the primary (definition) value of one element. */
function classify(sums: Sums, index: number): { outcomes: number; value: number } {
  const bits = sums.terms[index]!;
  const count = sums.count[index]!;
  const posCould = couldOverflow(sums.positive[index]!, count);
  const negCould = couldOverflow(sums.negative[index]!, count);
  if (bits & (TERM_NAN_OPERAND | TERM_ZERO_TIMES_INF) || (bits & TERM_POS_INF && bits & TERM_NEG_INF)) {
    return { outcomes: OUTCOME_NAN, value: Number.NaN };
  }
  if (bits & TERM_POS_INF) {
    return { outcomes: OUTCOME_POS_INF | (negCould ? OUTCOME_NAN : 0), value: Number.POSITIVE_INFINITY };
  }
  if (bits & TERM_NEG_INF) {
    return { outcomes: OUTCOME_NEG_INF | (posCould ? OUTCOME_NAN : 0), value: Number.NEGATIVE_INFINITY };
  }
  const value = Math.fround(sums.sum[index]!);
  let outcomes = value === Infinity ? OUTCOME_POS_INF : value === -Infinity ? OUTCOME_NEG_INF : OUTCOME_FINITE;
  if (posCould) outcomes |= OUTCOME_POS_INF;
  if (negCould) outcomes |= OUTCOME_NEG_INF;
  if (posCould && negCould) outcomes |= OUTCOME_NAN;
  return { outcomes, value: Number.isFinite(value) ? sums.sum[index]! : value };
}

/** The sign a zero result must have: -1, +1, or 0 when it may have either (or the result is not zero). */
function zeroSignOf(sums: Sums, index: number, value: number): -1 | 0 | 1 {
  if (value !== 0 && Math.fround(value) !== 0) return 0;
  const bits = sums.terms[index]!;
  // Nonzero terms that sum (or underflow) to zero: the sign depends on the order and on float32
  // underflow of the products; any order of exact zeros gives the same sign (IEEE 754 6.3).
  if (bits & TERM_FINITE_NONZERO) return 0;
  return sums.count[index]! > 0 && !(bits & TERM_POS_ZERO) ? -1 : 1;
}

/** Element classes of the case (see the file comment). */
export function specialValues(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  signedZero: boolean,
): SpecialValues & { readonly values: Float64Array } {
  const sums = accumulate(geometry, tensors);
  const size = geometry.outputElements;
  const outcomes = new Uint8Array(size);
  const zeroSign = new Int8Array(size);
  const values = new Float64Array(size);
  let orderDependent = 0;
  for (let index = 0; index < size; index++) {
    const classified = classify(sums, index);
    outcomes[index] = classified.outcomes;
    values[index] = classified.value;
    zeroSign[index] = zeroSignOf(sums, index, classified.value);
    if ((classified.outcomes & (classified.outcomes - 1)) !== 0) orderDependent++;
  }
  return { outcomes, zeroSign, terms: sums.terms, signedZero, orderDependent, values };
}

/** A reference result carrying the special-value classes of its elements (absent when not needed). */
export type WithSpecialValues<T> = T & { readonly special?: SpecialValues };

/**
 * The reference result with the definition's special values applied: NaN / +-Inf where the
 * definition gives them, float32 overflow of the final rounding, -0 where every term is -0, and the
 * element classes for the comparator. The finite values of the reference kernels are kept (they
 * sum the same products, in float64); an element the kernels made non-finite while the definition
 * is finite gets the analysis' own float64 sum. The result is returned unchanged when the tensors
 * hold no special values and the comparison ignores zero signs.
 */
export function withSpecialValues<T extends { readonly output: Float64Array }>(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  reference: T,
  signedZero = false,
): WithSpecialValues<T> {
  if (!needsSpecialValues(geometry, tensors, signedZero)) return reference;
  const { values, ...special } = specialValues(geometry, tensors, signedZero);
  const output = Float64Array.from(reference.output);
  for (let index = 0; index < output.length; index++) {
    const value = values[index]!;
    if (!Number.isFinite(value) || !Number.isFinite(output[index]!)) output[index] = value;
    if (output[index] === 0) output[index] = special.zeroSign[index] === -1 ? -0 : 0;
  }
  return { ...reference, output, special };
}
