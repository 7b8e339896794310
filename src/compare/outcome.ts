/**
 * The comparator: one runner variant's outcome (or a case's documented `expect`, `subject: 'expect'`)
 * against the float64 reference. gpuweb/cts style: it returns data and never throws (an internal
 * failure becomes a `stage: 'internal'` result).
 *
 * Stages, in order; the first that fails decides:
 * 1. outcome: not 'ok' -> verdict 'unsupported' | 'error' | 'crashed' | 'timeout' with the message.
 * 2. shape: the runner's shape (and element count) against the geometry's, with likely causes.
 * 3. non-finite: NaN / +Inf / -Inf where the reference is finite (counted separately), or
 *    non-finite reference values not reproduced (two NaNs match only with `nanEqual`).
 * 4. values: every element within the tolerance (see tolerance.ts for `auto`, atol/rtol, ulp).
 * Stages 3 and 4 both report full statistics; a mismatch gets a diagnosis (diagnose.ts).
 */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { VariantOutcome } from '../run/results.js';
import type { CaseTensors } from '../tensor.js';
import { OutputIndexer } from './coords.js';
import { diagnose, type ReferenceValues } from './diagnose.js';
import { plainShape } from './json.js';
import { shapeCauses } from './shape.js';
import { computeStatistics } from './statistics.js';
import { toleranceReport, type Tolerance } from './tolerance.js';
import type { Comparison, ComparisonSubject, Diagnosis, InternalComparison, ToleranceReport } from './types.js';

export type { ReferenceValues } from './diagnose.js';

export interface CompareOutcomeInput {
  readonly outcome: VariantOutcome;
  /** `convTransposeReference(geometry, tensors, { withBounds: true })`. */
  readonly reference: ReferenceValues;
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  readonly tolerance: Tolerance;
  /** A NaN in the output matches a NaN in the reference (default false). */
  readonly nanEqual?: boolean;
  /** How many worst elements to list (default 5). */
  readonly worstCount?: number;
  /** Run the diagnosis on a mismatch (default true). */
  readonly diagnose?: boolean;
  /**
   * What `outcome` is (default 'runner'): 'expect' when it is the case's documented `expect`, held
   * against the reference; the diagnosis then explains the expect, and reports label it so.
   */
  readonly subject?: ComparisonSubject;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines[lines.length - 1] ?? '';
}

function safeToleranceReport(tolerance: Tolerance, nanEqual: boolean): ToleranceReport {
  try {
    const report = toleranceReport(tolerance, nanEqual);
    if (report !== undefined) return report;
  } catch {
    // fall through
  }
  return { kind: 'auto', nanEqual, description: `unrecognised tolerance ${safeJson(tolerance)}` };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function internal(input: Partial<CompareOutcomeInput>, message: string): InternalComparison {
  let layout: InternalComparison['layout'] = 'NCHW';
  let expectedShape: number[] = [];
  try {
    layout = input.geometry?.layout ?? layout;
    expectedShape = plainShape(input.geometry?.outputShape ?? []);
  } catch {
    // keep the defaults
  }
  return {
    schemaVersion: 1,
    subject: input.subject === 'expect' ? 'expect' : 'runner',
    verdict: 'error',
    stage: 'internal',
    passed: false,
    layout,
    expectedShape,
    tolerance: safeToleranceReport(input.tolerance ?? { kind: 'auto' }, input.nanEqual ?? false),
    message: `comparator failed: ${message}`,
  };
}

export function compareOutcome(input: CompareOutcomeInput): Comparison {
  try {
    return compareOutcomeUnchecked(input);
  } catch (error) {
    return internal(input ?? {}, errorMessage(error));
  }
}

function compareOutcomeUnchecked(input: CompareOutcomeInput): Comparison {
  const { outcome, reference, geometry, tolerance } = input;
  const nanEqual = input.nanEqual ?? false;
  const subject: ComparisonSubject = input.subject === 'expect' ? 'expect' : 'runner';
  const base = {
    schemaVersion: 1 as const,
    subject,
    layout: geometry.layout,
    expectedShape: plainShape(geometry.outputShape),
    tolerance: safeToleranceReport(tolerance, nanEqual),
  };
  switch (outcome?.status) {
    case 'unsupported':
      return { ...base, stage: 'outcome', verdict: 'unsupported', passed: false, message: String(outcome.reason) };
    case 'error':
      return { ...base, stage: 'outcome', verdict: 'error', passed: false, message: String(outcome.message) };
    case 'crashed': {
      const tail = String(outcome.stderrTail ?? '');
      const line = lastLine(tail);
      return {
        ...base,
        stage: 'outcome',
        verdict: 'crashed',
        passed: false,
        message: `runner crashed (${outcome.signal})${line ? `: ${line}` : ''}`,
        signal: String(outcome.signal),
        stderrTail: tail,
      };
    }
    case 'timeout':
      return {
        ...base,
        stage: 'outcome',
        verdict: 'timeout',
        passed: false,
        message: `no answer within ${outcome.timeoutMs} ms`,
        timeoutMs: Number(outcome.timeoutMs),
      };
    case 'ok':
      break;
    default:
      return internal(input, `unknown outcome ${safeJson(outcome)}`);
  }

  const expectedElements = geometry.outputElements;
  for (const [name, values] of [
    ['output', reference.output],
    ['termCount', reference.termCount],
    ['absSum', reference.absSum],
  ] as const) {
    if (values?.length !== expectedElements) {
      return internal(
        input,
        `reference ${name} has ${values?.length} values but the geometry's output has ${expectedElements} elements`,
      );
    }
  }

  const actualShape = plainShape(outcome.shape);
  const actual = outcome.output;
  const shapeMatches =
    actualShape.length === base.expectedShape.length &&
    actualShape.every((size, dim) => size === base.expectedShape[dim]);
  if (!shapeMatches || actual.length !== expectedElements) {
    return {
      ...base,
      stage: 'shape',
      verdict: 'mismatch',
      passed: false,
      actualShape,
      actualElements: actual.length,
      expectedElements,
      causes: shapeCauses(geometry, actualShape, actual.length),
    };
  }

  const indexer = new OutputIndexer(geometry);
  const budget = { tolerance, termCount: reference.termCount, absSum: reference.absSum };
  const { statistics, nonFinite, mismatchMask } = computeStatistics({
    actual,
    expected: reference.output,
    budget,
    nanEqual,
    indexer,
    ...(input.worstCount !== undefined ? { worstCount: input.worstCount } : {}),
    ...(reference.special ? { special: reference.special } : {}),
  });
  const nonFiniteMismatch =
    nonFinite.nan + nonFinite.posInf + nonFinite.negInf + nonFinite.referenceNonFiniteMismatched > 0;
  const stage = nonFiniteMismatch ? 'non-finite' : 'values';
  if (statistics.mismatched === 0) {
    return { ...base, stage, verdict: 'pass', passed: true, statistics, nonFinite, diagnosis: null };
  }
  let diagnosis: Diagnosis | null = null;
  if (input.diagnose !== false) {
    try {
      diagnosis = diagnose({
        actual,
        reference,
        geometry,
        tensors: input.tensors,
        tolerance,
        nanEqual,
        mismatchMask,
        indexer,
        locationOnly: nonFiniteMismatch,
        subject,
      });
    } catch (error) {
      const detail = `diagnosis failed: ${errorMessage(error)}`;
      diagnosis = {
        explanation: { kind: 'none', detail },
        location: {
          mismatched: statistics.mismatched,
          borderOnly: false,
          borderWidth: [],
          edges: [],
          stridePhases: [],
          channels: null,
          batches: null,
          bands: [],
        },
        tried: [],
        summary: detail,
      };
    }
  }
  return { ...base, stage, verdict: 'mismatch', passed: false, statistics, nonFinite, diagnosis };
}
