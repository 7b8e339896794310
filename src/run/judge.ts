/** Turns a runner's outcome into a verdict against the reference (and the case's `expect`). */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { CaseTensors } from '../tensor.js';
import type { Tolerance } from '../compare/tolerance.js';
import { compareValues, type ValueComparison } from '../compare/values.js';
import { formatNumber } from '../format/tensor.js';
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
  readonly comparison?: ValueComparison;
}

export interface JudgeInput {
  readonly outcome: VariantOutcome;
  readonly reference: ReferenceValues;
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  readonly tolerance: Tolerance;
}

export function judge(input: JudgeInput): Judgement {
  const { outcome, geometry } = input;
  switch (outcome.status) {
    case 'unsupported':
      return { verdict: 'unsupported', summary: outcome.reason };
    case 'error':
      return { verdict: 'error', summary: outcome.message };
    case 'crashed':
      return { verdict: 'crashed', summary: `process died (${outcome.signal})` };
    case 'timeout':
      return { verdict: 'timeout', summary: `no answer within ${outcome.timeoutMs} ms` };
    case 'ok':
      break;
  }
  if (outcome.shape.join(',') !== geometry.outputShape.join(',')) {
    return { verdict: 'mismatch', summary: `shape [${outcome.shape.join(', ')}], expected [${geometry.outputShape.join(', ')}]` };
  }
  const comparison = compareValues(outcome.output, input.reference.output, {
    tolerance: input.tolerance,
    termCount: input.reference.termCount,
    absSum: input.reference.absSum,
  });
  const summary = comparison.matched
    ? `max abs diff ${formatNumber(comparison.maxAbsDiff)}`
    : `${comparison.mismatched} / ${comparison.total} elements differ, max abs diff ${formatNumber(comparison.maxAbsDiff)} at flat index ${comparison.maxAbsIndex}`;
  return { verdict: comparison.matched ? 'pass' : 'mismatch', summary, comparison };
}
