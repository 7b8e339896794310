/**
 * Special values (NaN, infinities, signed zeros, subnormals, overflow): the reference with
 * `withSpecialValues` equals a naive float64 definition-by-sums written here, element class by
 * element class. The naive version enumerates, per output element, every (input channel, kernel
 * tap) pair whose input position p = (j + beginCrop - q*d) / s is an integer inside the input (the
 * definition: no product at zero-inserted, padded or cropped positions), and applies IEEE 754 to
 * the list of terms directly. The order-dependent outcomes are checked both ways: what float32
 * evaluation gives in three concrete orders (as listed, positive terms first, negative terms
 * first; products rounded to float32, every partial sum too) must be accepted, and an outcome
 * beyond the definition's may be accepted only where one sign's terms reach float32's overflow
 * threshold (up to the rounding slack of the partial sums).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseTensors } from '../src/data/tensors.js';
import { caseArbitrary } from '../src/fuzz/arbitraries.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { convTransposeReference, withSpecialValues } from '../src/reference/index.js';
import {
  FLOAT32_OVERFLOW_THRESHOLD,
  OUTCOME_FINITE,
  OUTCOME_NAN,
  OUTCOME_NEG_INF,
  OUTCOME_POS_INF,
} from '../src/reference/special.js';
import type { CaseTensors } from '../src/tensor.js';
import { rowMajorStrides } from '../src/tensor.js';

type ElementClass = 'nan' | '+inf' | '-inf' | '-0' | '+0' | 'finite';

interface NaiveElement {
  readonly cls: ElementClass;
  readonly value: number;
  readonly absSum: number;
}

/** The terms of output element `index` (products, then the bias), straight from the definition. */
function naiveTerms(geometry: ConvTransposeGeometry, tensors: CaseTensors, index: number): number[] {
  const outStrides = rowMajorStrides(geometry.outputShape);
  const coords = outStrides.map((stride, dim) => Math.floor(index / stride) % geometry.outputShape[dim]!);
  const rank = geometry.rank;
  const n = coords[0]!;
  const m = geometry.channelsLast ? coords[rank + 1]! : coords[1]!;
  const spatial = geometry.channelsLast ? coords.slice(1, rank + 1) : coords.slice(2);
  const inStrides = rowMajorStrides(geometry.inputShape);
  const weightStrides = rowMajorStrides(geometry.weightShape);
  const g = Math.floor(m / geometry.outChannelsPerGroup);
  const mo = m % geometry.outChannelsPerGroup;
  const terms: number[] = [];
  const kernelTaps = geometry.axes.reduce((count, axis) => count * axis.kernelSize, 1);
  for (let ci = 0; ci < geometry.inChannelsPerGroup; ci++) {
    const c = g * geometry.inChannelsPerGroup + ci;
    for (let tap = 0; tap < kernelTaps; tap++) {
      let rest = tap;
      const q = geometry.axes.map((_, axis) => {
        const below = geometry.axes.slice(axis + 1).reduce((count, a) => count * a.kernelSize, 1);
        const value = Math.floor(rest / below);
        rest -= value * below;
        return value;
      });
      const p = geometry.axes.map((axis, a) => (spatial[a]! + axis.beginCrop - q[a]! * axis.dilation) / axis.stride);
      if (!p.every((value, a) => Number.isInteger(value) && value >= 0 && value < geometry.axes[a]!.inputSize))
        continue;
      const inputCoords = geometry.channelsLast ? [n, ...p, c] : [n, c, ...p];
      const x = tensors.input[inputCoords.reduce((sum, value, dim) => sum + value * inStrides[dim]!, 0)]!;
      const weightCoords = [c, mo, ...q];
      const w = tensors.weight[weightCoords.reduce((sum, value, dim) => sum + value * weightStrides[dim]!, 0)]!;
      terms.push(x * w);
    }
  }
  if (tensors.bias) terms.push(tensors.bias[m]!);
  return terms;
}

/** IEEE 754 on the list of terms: NaN, one-signed infinities, else the exact sum rounded once to float32. */
function naiveElement(terms: readonly number[]): NaiveElement {
  const absSum = terms.reduce((sum, term) => (Number.isFinite(term) ? sum + Math.abs(term) : sum), 0);
  const nan = { cls: 'nan' as const, value: Number.NaN, absSum };
  if (terms.some(Number.isNaN)) return nan;
  const pos = terms.includes(Number.POSITIVE_INFINITY);
  const neg = terms.includes(Number.NEGATIVE_INFINITY);
  if (pos && neg) return nan;
  if (pos) return { cls: '+inf', value: Number.POSITIVE_INFINITY, absSum };
  if (neg) return { cls: '-inf', value: Number.NEGATIVE_INFINITY, absSum };
  const sum = terms.reduce((total, term) => total + term, 0);
  const rounded = Math.fround(sum);
  if (rounded === Number.POSITIVE_INFINITY) return { cls: '+inf', value: rounded, absSum };
  if (rounded === Number.NEGATIVE_INFINITY) return { cls: '-inf', value: rounded, absSum };
  if (terms.every((term) => term === 0)) {
    const negative = terms.length > 0 && terms.every((term) => Object.is(term, -0));
    return { cls: negative ? '-0' : '+0', value: negative ? -0 : 0, absSum };
  }
  return { cls: 'finite', value: sum, absSum };
}

function classOf(value: number): ElementClass {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return '+inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return 'finite';
}

const OUTCOME_OF: Record<ElementClass, number> = {
  nan: OUTCOME_NAN,
  '+inf': OUTCOME_POS_INF,
  '-inf': OUTCOME_NEG_INF,
  '-0': OUTCOME_FINITE,
  '+0': OUTCOME_FINITE,
  finite: OUTCOME_FINITE,
};

/** The outcome bit of a float32 value. */
function outcomeOf(value: number): number {
  if (Number.isNaN(value)) return OUTCOME_NAN;
  if (value === Number.POSITIVE_INFINITY) return OUTCOME_POS_INF;
  if (value === Number.NEGATIVE_INFINITY) return OUTCOME_NEG_INF;
  return OUTCOME_FINITE;
}

/** Float32 evaluation of the terms in the given order: each product and each partial sum rounded. */
function float32Sum(terms: readonly number[]): number {
  return terms.reduce((sum, term) => Math.fround(sum + Math.fround(term)), 0);
}

/** Outcomes of three concrete float32 summation orders (listed, positives first, negatives first). */
function witnessOutcomes(terms: readonly number[]): number[] {
  const descending = [...terms].sort((a, b) => b - a);
  return [terms, descending, [...descending].reverse()].map((order) => outcomeOf(float32Sum(order)));
}

/** The largest sum of one sign's finite terms (what an overflow in some order needs). */
function oneSignMagnitude(terms: readonly number[]): number {
  const finite = terms.filter((term) => Number.isFinite(term));
  const positive = finite.filter((term) => term > 0).reduce((sum, term) => sum + term, 0);
  const negative = finite.filter((term) => term < 0).reduce((sum, term) => sum - term, 0);
  return Math.max(positive, negative);
}

/** Below this, no float32 order of at most a few hundred terms can overflow (gamma_n slack, n << 2^12). */
const OVERFLOW_FLOOR = FLOAT32_OVERFLOW_THRESHOLD * (1 - 2 ** -12);

const specialCases = caseArbitrary({ conventions: ['torch', 'tf', 'onnx'], dims: [1, 2, 3], maxElements: 200 }).chain(
  (generated) =>
    fc
      .constantFrom('special' as const, 'subnormal' as const, 'large' as const)
      .map((distribution) => ({ ...generated.spec, distribution })),
);

describe('reference with special values', () => {
  it('equals the naive IEEE 754 definition-by-sums, class by class', () => {
    fc.assert(
      fc.property(specialCases, (spec) => {
        const resolved = resolveGeometry(spec);
        if (!resolved.ok) throw new Error('the arbitrary produced an invalid case');
        const { geometry } = resolved;
        const tensors = caseTensors(spec, geometry, spec.seed ?? 0);
        const reference = withSpecialValues(geometry, tensors, convTransposeReference(geometry, tensors), true);
        const special = reference.special!;
        for (let index = 0; index < geometry.outputElements; index++) {
          const terms = naiveTerms(geometry, tensors, index);
          const naive = naiveElement(terms);
          const actual = reference.output[index]!;
          const where = `${spec.distribution} element ${index}: naive ${naive.cls} ${naive.value}, reference ${actual}`;
          // The element's class and, for finite sums, its value (two float64 summation orders).
          if (naive.cls === '-0' || naive.cls === '+0') {
            expect(Object.is(actual, naive.value), where).toBe(true);
            expect(special.zeroSign[index], where).toBe(naive.cls === '-0' ? -1 : 1);
          } else if (naive.cls === 'finite') {
            expect(classOf(actual), where).toBe('finite');
            expect(Math.abs(actual - naive.value), where).toBeLessThanOrEqual(1e-12 * naive.absSum);
          } else {
            expect(classOf(actual), where).toBe(naive.cls);
          }
          // The definition's outcome is always among the accepted ones, and so is what float32
          // gives in each concrete order; other outcomes only where one sign can overflow.
          const accepted = special.outcomes[index]!;
          expect(accepted & OUTCOME_OF[naive.cls], where).not.toBe(0);
          for (const outcome of witnessOutcomes(terms))
            expect(accepted & outcome, `${where}, float32 order`).not.toBe(0);
          if (accepted !== OUTCOME_OF[naive.cls]) {
            expect(oneSignMagnitude(terms), `${where}: order-dependent`).toBeGreaterThanOrEqual(OVERFLOW_FLOOR);
          }
          // Nonzero terms that cancel to zero: the sign is the order's (either is accepted).
          if (naive.cls === 'finite' && naive.value === 0) expect(special.zeroSign[index], where).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('marks an element order-dependent exactly when one sign of its finite terms can reach the overflow threshold', () => {
    const tensors: CaseTensors = {
      input: Float32Array.from([3e38, 3e38, -3e38]),
      weight: Float32Array.from([1, 1, 1]),
      bias: null,
    };
    const spec = { name: 'x', input: [1, 3, 1], out_channels: 1, kernel: [1], padding: 0 };
    const resolved = resolveGeometry(spec);
    if (!resolved.ok) throw new Error('invalid');
    const reference = withSpecialValues(resolved.geometry, tensors, convTransposeReference(resolved.geometry, tensors));
    expect(reference.special!.outcomes[0]).toBe(OUTCOME_FINITE | OUTCOME_POS_INF);
    expect(reference.special!.orderDependent).toBe(1);
    expect(reference.output[0]).toBeCloseTo(Math.fround(3e38), -30);
  });
});
