/**
 * One fuzz case through the reference and every runner session, classified into findings.
 *
 * Per-case cost is kept low: the runner sessions (child processes) are asked first, so they work
 * while the float64 reference runs synchronously in this process; a variant whose output is within
 * the automatic tolerance everywhere is a pass without building the comparator's statistics (the
 * full `judge` runs only on a failure, for its summary and diagnosis); and the runner-vs-runner
 * agreement is computed only when some variant mismatches (when every output is within the
 * allowance of the reference, every pair is within twice the allowance, which is what
 * `compareRunners` requires of two runners, so they agree).
 *
 * Classification of a variant that does not pass (and is not a known divergence):
 * - 'mismatch': wrong shape or values against the reference;
 * - 'error': the framework rejected a configuration the geometry says is valid (or the runner
 *   session itself failed);
 * - 'crash': the runner process died; 'timeout': no answer in time;
 * - 'disagreement': the runner outputs (of two or more runners) agree with each other but not
 *   with the reference: the reference or the geometry is suspect. It replaces the variants'
 *   mismatch findings (runner 'reference').
 * 'unsupported' variants (the runner cannot spell the geometry) are not findings.
 */
import type { CaseSpec } from '../case/types.js';
import type { ExplanationKind } from '../compare/types.js';
import {
  AUTO_TOLERANCE,
  REFERENCE_LABEL,
  allowedDifference,
  compareRunners,
  isClose,
  type Comparison,
  type RunnerAgreement,
} from '../compare/index.js';
import { caseTensors } from '../data/tensors.js';
import { resolveGeometry, type GeometryIssue } from '../geometry/resolve.js';
import type { ConvTransposeGeometry } from '../geometry/types.js';
import { convTransposeReference, withSpecialValues, type ReferenceResult } from '../reference/index.js';
import { findExpectation, type ExpectationRule } from '../run/expectations.js';
import { judge } from '../run/judge.js';
import type { VariantOutcome, VariantResult } from '../run/results.js';
import type { RunnerSession } from '../run/session.js';
import { finalStatus, type Verdict } from '../run/status.js';
import type { CaseTensors } from '../tensor.js';
import type { NativeCall } from '../../runners/types.js';
import { findKnown, knownButPassed, type KnownDivergence } from './known.js';

export const FINDING_KINDS = ['mismatch', 'error', 'crash', 'timeout', 'disagreement'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** A new finding: what went wrong, on which runner and variant. */
export interface Finding {
  readonly kind: FindingKind;
  readonly runner: string;
  /** The runner's variant (spelling); null for a disagreement or a whole-session failure. */
  readonly variant: string | null;
  /** The judge's one-line summary (or the agreement's detail). */
  readonly summary: string;
  /** The comparator's diagnosis summary, when it has one. */
  readonly diagnosis: string | null;
  /** A crash's last stderr lines (a CHECK failure's message is usually there). */
  readonly detail?: string;
  readonly call?: NativeCall;
  readonly emulation?: string;
}

/** A failure explained by a known divergence or a user expectation rule. */
export interface KnownHit {
  /** The KnownDivergence id, or `expectations:<id glob>` for a rule from --expectations. */
  readonly id: string;
  readonly runner: string;
  readonly variant: string | null;
  readonly status: string;
  readonly reason: string;
  readonly link?: string;
}

export interface VariantVerdict {
  readonly runner: string;
  readonly variant: string | null;
  readonly verdict: Verdict;
  readonly summary: string;
  readonly version: string;
  readonly known?: KnownHit;
  readonly comparison?: Comparison;
}

export interface EvaluationTimings {
  /** Resolving the geometry, generating the tensors, planning and sending to the runners. */
  readonly prepareMs: number;
  /** The float64 reference with bounds (overlapping the runners' work). */
  readonly referenceMs: number;
  /** Waiting for the runners after the reference was done. */
  readonly waitMs: number;
  /** Comparisons, known-divergence lookups and agreement. */
  readonly compareMs: number;
  /** Per runner: the sum of its variants' wall times (inside the runner process). */
  readonly runnerMs: Readonly<Record<string, number>>;
  /** The whole evaluation. */
  readonly totalMs: number;
}

export interface CaseEvaluation {
  /** Case id for expectation globs: `fuzz/<convention>/<padding kind>`. */
  readonly id: string;
  readonly spec: CaseSpec;
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  readonly variants: readonly VariantVerdict[];
  readonly findings: readonly Finding[];
  readonly known: readonly KnownHit[];
  /** Known entries whose predicate held for a variant that passed (too wide a predicate). */
  readonly knownButPassed: readonly KnownHit[];
  readonly agreement?: RunnerAgreement;
  readonly timings: EvaluationTimings;
}

export interface EvaluationContext {
  readonly sessions: readonly RunnerSession[];
  readonly known: readonly KnownDivergence[];
  readonly expectations: readonly ExpectationRule[];
}

/** A generated spec that does not resolve: a bug in the arbitraries, never a runner finding. */
export class InvalidFuzzCase extends Error {
  override readonly name = 'InvalidFuzzCase';
  constructor(
    readonly spec: CaseSpec,
    readonly issues: readonly GeometryIssue[],
  ) {
    super(
      `the fuzzer generated an invalid case: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
    );
  }
}

/** `kind runner variant`: findings with the same signature are the same finding. */
export function findingSignature(finding: Pick<Finding, 'kind' | 'runner' | 'variant'>): string {
  return `${finding.kind} ${finding.runner}${finding.variant ? ` ${finding.variant}` : ''}`;
}

/** Crash and timeout first, then disagreement, mismatch, error: the first is the case's finding. */
const KIND_ORDER: Readonly<Record<FindingKind, number>> = {
  crash: 0,
  timeout: 1,
  disagreement: 2,
  mismatch: 3,
  error: 4,
};

const KIND_OF_VERDICT: Partial<Record<Verdict, FindingKind>> = {
  mismatch: 'mismatch',
  error: 'error',
  crashed: 'crash',
  timeout: 'timeout',
};

function resolveOrThrow(spec: CaseSpec): ConvTransposeGeometry {
  const resolved = resolveGeometry(spec);
  if (!resolved.ok) throw new InvalidFuzzCase(spec, resolved.issues);
  return resolved.geometry;
}

/** Per output element, what a correct float32 implementation may differ by (auto tolerance). */
function allowanceOf(reference: ReferenceResult): Float64Array {
  const budget = { tolerance: AUTO_TOLERANCE, termCount: reference.termCount, absSum: reference.absSum };
  const allowance = new Float64Array(reference.output.length);
  for (let index = 0; index < allowance.length; index++) {
    allowance[index] = allowedDifference(budget, reference.output[index]!, index);
  }
  return allowance;
}

/** The comparator's pass, without its statistics: right shape, every element within the allowance. */
function quickPass(
  outcome: VariantOutcome,
  geometry: ConvTransposeGeometry,
  reference: ReferenceResult,
  allowance: Float64Array,
): boolean {
  if (outcome.status !== 'ok') return false;
  const shape = geometry.outputShape;
  if (outcome.shape.length !== shape.length || outcome.shape.some((size, axis) => size !== shape[axis])) return false;
  const actual = outcome.output;
  const expected = reference.output;
  if (actual.length !== expected.length) return false;
  for (let index = 0; index < actual.length; index++) {
    if (!isClose(actual[index]!, expected[index]!, allowance[index]!)) return false;
  }
  return true;
}

function knownHit(
  context: EvaluationContext,
  caseId: string,
  result: VariantResult,
  verdict: Verdict,
  geometry: ConvTransposeGeometry,
  diagnosis: ExplanationKind | null,
): KnownHit | undefined {
  const rule = findExpectation(caseId, undefined, context.expectations, result.runner, result.variant);
  if (rule && finalStatus(verdict, rule).startsWith('expected-')) {
    const id = 'id' in rule ? String(rule.id) : 'case';
    return {
      id: `expectations:${id}`,
      runner: result.runner,
      variant: result.variant,
      status: rule.status,
      reason: rule.reason,
      ...(rule.link ? { link: rule.link } : {}),
    };
  }
  const known = findKnown(context.known, result.runner, result.variant, verdict, geometry, diagnosis);
  if (!known) return undefined;
  return {
    id: known.id,
    runner: result.runner,
    variant: result.variant,
    status: known.status,
    reason: known.reason,
    link: known.link,
  };
}

/** A session that throws (instead of returning outcomes) is an 'error' finding of that runner. */
async function runSession(
  session: RunnerSession,
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
): Promise<VariantResult[]> {
  try {
    return await session.runCase(geometry, tensors);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [
      {
        runner: session.runner.name,
        variant: null,
        outcome: {
          status: 'error',
          message: `the ${session.runner.name} session failed (a harness error): ${message}`,
        },
        wallMs: 0,
        version: session.version,
      },
    ];
  }
}

/** Evaluates one case: runs it, judges every variant, classifies what fails. */
export async function evaluateCase(
  spec: CaseSpec,
  caseId: string,
  context: EvaluationContext,
): Promise<CaseEvaluation> {
  const entered = performance.now();
  const geometry = resolveOrThrow(spec);
  const tensors = caseTensors(spec, geometry, spec.seed ?? 0);
  // Ask the runner processes first: they compute while the reference runs here.
  const pending = Promise.all(context.sessions.map((session) => runSession(session, geometry, tensors)));
  const started = performance.now();
  // With special values: the definition's IEEE 754 classes on top (reference/special.ts).
  const reference = withSpecialValues(geometry, tensors, convTransposeReference(geometry, tensors));
  const referenceDone = performance.now();
  const results = (await pending).flat();
  const runnersDone = performance.now();

  const allowance = allowanceOf(reference);
  const variants: VariantVerdict[] = [];
  const findings: Finding[] = [];
  const known: KnownHit[] = [];
  const wide: KnownHit[] = [];
  const outputs: { label: string; runner: string; output: Float32Array | Float64Array }[] = [];
  const runnerMs: Record<string, number> = {};
  for (const result of results) {
    runnerMs[result.runner] = (runnerMs[result.runner] ?? 0) + result.wallMs;
    const label = result.variant ? `${result.runner} ${result.variant}` : result.runner;
    if (quickPass(result.outcome, geometry, reference, allowance)) {
      variants.push({
        runner: result.runner,
        variant: result.variant,
        verdict: 'pass',
        summary: 'pass',
        version: result.version,
      });
      outputs.push({
        label,
        runner: result.runner,
        output: (result.outcome as { output: Float32Array | Float64Array }).output,
      });
      const listed = knownButPassed(context.known, result.runner, result.variant, geometry);
      if (listed)
        wide.push({
          id: listed.id,
          runner: result.runner,
          variant: result.variant,
          status: 'pass',
          reason: listed.reason,
          link: listed.link,
        });
      continue;
    }
    if (result.outcome.status === 'unsupported') {
      variants.push({
        runner: result.runner,
        variant: result.variant,
        verdict: 'unsupported',
        summary: result.outcome.reason,
        version: result.version,
      });
      continue;
    }
    const judgement = judge({ outcome: result.outcome, reference, geometry, tensors, tolerance: AUTO_TOLERANCE });
    const diagnosed =
      judgement.comparison && 'diagnosis' in judgement.comparison
        ? (judgement.comparison.diagnosis?.explanation.kind ?? null)
        : null;
    const hit = knownHit(context, caseId, result, judgement.verdict, geometry, diagnosed);
    variants.push({
      runner: result.runner,
      variant: result.variant,
      verdict: judgement.verdict,
      summary: judgement.summary,
      version: result.version,
      ...(hit ? { known: hit } : {}),
      ...(judgement.comparison ? { comparison: judgement.comparison } : {}),
    });
    if (hit) {
      known.push(hit);
      continue;
    }
    const kind = KIND_OF_VERDICT[judgement.verdict];
    if (!kind) continue; // a pass by the full comparator (the quick path is stricter only on NaN == NaN)
    if (result.outcome.status === 'ok' && result.outcome.output.length === geometry.outputElements) {
      outputs.push({ label, runner: result.runner, output: result.outcome.output });
    }
    const comparison = judgement.comparison;
    const diagnosis =
      comparison && 'diagnosis' in comparison && comparison.diagnosis ? comparison.diagnosis.summary : null;
    const stderrTail = result.outcome.status === 'crashed' ? result.outcome.stderrTail : '';
    findings.push({
      kind,
      runner: result.runner,
      variant: result.variant,
      summary: judgement.summary,
      diagnosis,
      ...(stderrTail ? { detail: stderrTail } : {}),
      ...(result.call ? { call: result.call } : {}),
      ...(result.emulation ? { emulation: result.emulation } : {}),
    });
  }

  let agreement: RunnerAgreement | undefined;
  if (findings.some((finding) => finding.kind === 'mismatch') && outputs.length >= 2) {
    agreement = compareRunners(outputs, reference, geometry, AUTO_TOLERANCE);
    const runners = new Set(outputs.map((output) => output.runner));
    if (agreement.oddOneOut === REFERENCE_LABEL && runners.size >= 2) {
      const others = findings.filter((finding) => finding.kind !== 'mismatch');
      findings.length = 0;
      findings.push(...others, {
        kind: 'disagreement',
        runner: 'reference',
        variant: null,
        summary: agreement.detail,
        diagnosis: null,
      });
    }
  }
  findings.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  return {
    id: caseId,
    spec,
    geometry,
    tensors,
    variants,
    findings,
    known,
    knownButPassed: wide,
    ...(agreement ? { agreement } : {}),
    timings: {
      prepareMs: started - entered,
      referenceMs: referenceDone - started,
      waitMs: runnersDone - referenceDone,
      compareMs: performance.now() - runnersDone,
      runnerMs,
      totalMs: performance.now() - entered,
    },
  };
}
