/**
 * float32 overflow in the accumulation order. The definition rounds the exact sum once (IEEE 754
 * 7.4: overflow only when it reaches 2^128 - 2^103); a float32 implementation overflows whenever
 * a product or a partial sum does. The comparator already accepts +-Inf / NaN where some order of
 * summing the products overflows (order-dependent elements); this names the rest: non-finite
 * outputs where the sum is finite and within 2^10 of overflowing by the sum of |terms|, as when
 * intermediate values grow past the products (Winograd/FFT transforms, pre-added inputs, a scaled
 * or extended accumulation that is converted late).
 */
import { FLOAT32_OVERFLOW_THRESHOLD } from '../../reference/special.js';
import { mismatchedIndices } from './special-fit.js';
import { bySubject } from './subject.js';
import type { DiagnosisStep, Finding } from './types.js';

/** How far below the overflow threshold the sum of |terms| may be for intermediate growth to reach it. */
const GROWTH = 2 ** 10;

export const float32OverflowStep: DiagnosisStep = {
  name: 'float32-overflow',
  kinds: ['float32-overflow'],
  explain({ input }): Finding {
    const { reference } = input;
    if (!reference.special) return { tried: [], explanation: null };
    const mismatched = mismatchedIndices(input);
    const overflowed = mismatched.filter(
      (index) =>
        Number.isFinite(reference.output[index]!) &&
        !Number.isFinite(input.actual[index]!) &&
        reference.absSum[index]! * GROWTH >= FLOAT32_OVERFLOW_THRESHOLD,
    );
    const fits = overflowed.length > 0 && overflowed.length === mismatched.length;
    const tried = [
      {
        kind: 'float32-overflow' as const,
        label: 'float32 overflow in the accumulation',
        fits,
        mismatched: mismatched.length - overflowed.length,
      },
    ];
    if (!fits) return { tried, explanation: null };
    return {
      tried,
      explanation: {
        kind: 'float32-overflow',
        detail: `float32 overflow in the accumulation order: ${bySubject(input, 'the output', 'the expect')} is +-Inf or NaN at ${overflowed.length} elements whose exact sum is finite but whose terms sum (in |.|) to within 2^10 of float32's range: intermediate values past the products overflowed`,
      },
    };
  },
};
