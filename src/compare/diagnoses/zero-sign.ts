/**
 * Zeros of the wrong sign (compared only with `tolerance: {signed_zero: true}`). IEEE 754 6.3: the
 * sum of terms that are all -0 is -0 (x + x = x for x = -0), and under round to nearest an exact
 * zero sum of terms of opposite signs is +0. An accumulator that starts at +0 (a zero-filled output
 * buffer, a GEMM with beta = 0 added to it) turns an all -0 sum into +0: the definition's sum of
 * the products has no such leading +0 term.
 */
import { mismatchedIndices } from './special-fit.js';
import { bySubject } from './subject.js';
import type { DiagnosisStep, Finding } from './types.js';

export const zeroSignStep: DiagnosisStep = {
  name: 'zero-sign',
  kinds: ['zero-sign'],
  explain({ input }): Finding {
    const special = input.reference.special;
    if (!special?.signedZero) return { tried: [], explanation: null };
    const mismatched = mismatchedIndices(input);
    const isNegativeZero = (value: number): boolean => Object.is(value, -0);
    const lost = mismatched.filter(
      (index) => isNegativeZero(input.reference.output[index]!) && Object.is(input.actual[index]!, 0),
    );
    const gained = mismatched.filter(
      (index) => Object.is(input.reference.output[index]!, 0) && isNegativeZero(input.actual[index]!),
    );
    const fits = lost.length + gained.length > 0 && lost.length + gained.length === mismatched.length;
    const tried = [
      {
        kind: 'zero-sign' as const,
        label: 'zeros of the wrong sign',
        fits,
        mismatched: mismatched.length - lost.length - gained.length,
      },
    ];
    if (!fits) return { tried, explanation: null };
    const who = bySubject(input, 'the output', 'the expect');
    const detail =
      gained.length === 0
        ? `-0 lost: ${who} has +0 at ${lost.length} elements whose terms are all -0 (their IEEE 754 sum is -0, 6.3): the accumulation starts from +0 (a zero-filled output or accumulator), and +0 + -0 = +0`
        : `zeros of the wrong sign: ${who} has +0 for -0 at ${lost.length} elements and -0 for +0 at ${gained.length} (IEEE 754 6.3: a sum is -0 only when every term is -0)`;
    return { tried, explanation: { kind: 'zero-sign', detail } };
  },
};
