/**
 * NaN not propagated. IEEE 754 6.2: an operation with a NaN operand delivers a NaN, and 7.2 makes
 * 0 * Inf and Inf - Inf NaN; so an output element whose products include a NaN operand, a 0 * Inf
 * product, or infinities of both signs is NaN by definition. An output holding a number there
 * dropped the NaN: a loop that skips zero inputs (a sparse or "if x == 0 continue" fast path never
 * forms 0 * Inf), max/min-based arithmetic (maxNumber ignores NaN), or NaN scrubbed afterwards.
 */
import { TERM_NAN_OPERAND, TERM_POS_INF, TERM_NEG_INF, TERM_ZERO_TIMES_INF } from '../../reference/special.js';
import { mismatchedIndices } from './special-fit.js';
import { bySubject } from './subject.js';
import type { DiagnosisStep, Finding } from './types.js';

export const nanNotPropagatedStep: DiagnosisStep = {
  name: 'nan-not-propagated',
  kinds: ['nan-not-propagated'],
  explain({ input }): Finding {
    const special = input.reference.special;
    if (!special || !input.reference.output.some(Number.isNaN)) return { tried: [], explanation: null };
    const mismatched = mismatchedIndices(input);
    const lost = mismatched.filter(
      (index) => Number.isNaN(input.reference.output[index]!) && !Number.isNaN(input.actual[index]!),
    );
    const fits = lost.length > 0 && lost.length === mismatched.length;
    const tried = [
      {
        kind: 'nan-not-propagated' as const,
        label: 'NaN not propagated',
        fits,
        mismatched: mismatched.length - lost.length,
      },
    ];
    if (!fits) return { tried, explanation: null };
    const only = (bit: number): number => lost.filter((index) => (special.terms[index]! & bit) !== 0).length;
    const zeroTimesInf = lost.filter((index) => {
      const terms = special.terms[index]!;
      return (
        terms & TERM_ZERO_TIMES_INF && !(terms & TERM_NAN_OPERAND) && !(terms & TERM_POS_INF && terms & TERM_NEG_INF)
      );
    }).length;
    const sources = [
      only(TERM_NAN_OPERAND) ? `${only(TERM_NAN_OPERAND)} with a NaN operand` : '',
      zeroTimesInf ? `${zeroTimesInf} only from 0 * Inf products (a zero operand skipped?)` : '',
    ]
      .filter((text) => text !== '')
      .join(', ');
    const who = bySubject(input, 'the output holds', 'the expect holds');
    return {
      tried,
      explanation: {
        kind: 'nan-not-propagated',
        detail: `NaN not propagated: ${who} numbers at ${lost.length} elements that are NaN by IEEE 754 (a NaN operand, 0 * Inf, or Inf - Inf among their terms)${sources ? `: ${sources}` : ''}`,
      },
    };
  },
};
