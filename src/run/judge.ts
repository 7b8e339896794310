/** Turns a runner's outcome into a verdict against the reference, through the comparator. */
import { compareOutcome, type Comparison, type ComparisonSubject } from '../compare/index.js';
import { describeSpecial } from '../compare/special.js';
import type { Tolerance } from '../compare/tolerance.js';
import { formatNumber } from '../format/tensor.js';
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { CaseTensors } from '../tensor.js';
import type { VariantOutcome } from './results.js';
import type { Verdict } from './status.js';

export interface ReferenceValues {
  readonly output: Float64Array;
  readonly termCount: Uint32Array;
  readonly absSum: Float64Array;
}

export interface Judgement {
  readonly verdict: Verdict;
  /** One line: why this verdict. */
  readonly summary: string;
  readonly comparison?: Comparison;
}

export interface JudgeInput {
  readonly outcome: VariantOutcome;
  readonly reference: ReferenceValues;
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  readonly tolerance: Tolerance;
  /** 'expect' when `outcome` is the case's documented expect (held against the reference). */
  readonly subject?: ComparisonSubject;
}

const coordinates = (values: readonly number[]): string => `(${values.join(', ')})`;

/** The one-line summary of a comparison (console lines, matrix tooltips). */
export function summarize(comparison: Comparison): string {
  switch (comparison.stage) {
    case 'outcome':
      return comparison.message;
    case 'internal':
      return `comparator failed: ${comparison.message}`;
    case 'shape':
      return `shape [${comparison.actualShape.join(', ')}], expected [${comparison.expectedShape.join(', ')}]${comparison.causes[0] ? `: ${comparison.causes[0].brief ?? comparison.causes[0].detail}` : ''}`;
    case 'non-finite':
    case 'values': {
      const stats = comparison.statistics;
      const worst = stats.greatestAbsolute;
      const at = worst ? ` at ${coordinates(worst.coordinates)}` : '';
      const maxDiff = worst
        ? String(typeof worst.absDiff === 'number' ? formatNumber(worst.absDiff) : worst.absDiff)
        : '0';
      if (comparison.passed) return `max abs diff ${maxDiff}${at}`;
      const nonFinite = comparison.nonFinite.nan + comparison.nonFinite.posInf + comparison.nonFinite.negInf;
      const head = `${stats.mismatched} / ${stats.total} elements differ, max abs diff ${maxDiff}${at}`;
      const special = comparison.nonFinite.special ? describeSpecial(comparison.nonFinite.special) : '';
      const extra =
        (nonFinite
          ? `; non-finite: ${comparison.nonFinite.nan} NaN, ${comparison.nonFinite.posInf} +Inf, ${comparison.nonFinite.negInf} -Inf`
          : '') + (special ? `; special values: ${special}` : '');
      return `${head}${extra}${comparison.diagnosis ? `; ${comparison.diagnosis.summary}` : ''}`;
    }
  }
}

export function judge(input: JudgeInput): Judgement {
  const comparison = compareOutcome(input);
  return { verdict: comparison.verdict, summary: summarize(comparison), comparison };
}
