/**
 * A conformance run: every selected case through the reference and every selected runner, each
 * variant judged against the reference, known divergences applied. Returns the RunReport that
 * all reporters render.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadedCase, LoadedFile } from '../case/load.js';
import { toleranceFromSpec, describeTolerance, type Tolerance } from '../compare/tolerance.js';
import type { RunnerAgreement } from '../compare/index.js';
import { caseTensors } from '../data/tensors.js';
import { allSpellings } from '../geometry/spellings.js';
import { describeConvention } from '../format/explain.js';
import { convTransposeReferenceParallel, type ReferenceResult } from '../reference/index.js';
import type { CaseTensors } from '../tensor.js';
import { compareRunners } from '../compare/index.js';
import { findExpectation, type ExpectationRule } from './expectations.js';
import { judge, type Judgement } from './judge.js';
import {
  MAX_EMBEDDED_ELEMENTS,
  REPORT_SCHEMA_VERSION,
  type CaseReport,
  type RunReport,
  type VariantReport,
} from './report.js';
import type { VariantResult } from './results.js';
import type { RunnerSession } from './session.js';
import { finalStatus } from './status.js';

export interface ConformanceOptions {
  readonly sessions: readonly RunnerSession[];
  readonly expectations: readonly ExpectationRule[];
  readonly selection: RunReport['selection'];
  /** Called after each case (progress, live output). */
  readonly onCase?: (report: CaseReport, done: number, total: number) => void;
}

export function toolVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

function toolIdentity(): RunReport['tool'] {
  const revision = toolRevision();
  return { name: 'tconv', version: toolVersion(), ...(revision ? { revision } : {}) };
}

/**
 * The git commit of the tconv checkout ("<sha>" or "<sha>-dirty"), or null outside a git
 * checkout. Shards of one CI run share it, so `merge` can tell a stale shard of the same
 * version from a current one.
 */
export function toolRevision(): string | null {
  try {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const args = ['-C', root, 'describe', '--always', '--dirty', '--abbrev=40', '--exclude=*'];
    return (
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim() ||
      null
    );
  } catch {
    return null;
  }
}

/**
 * The reference row: the baseline itself, checked against the case's documented `expect`. The
 * expect is the output under test (another framework's float32 result), held against the float64
 * reference and its error bound, so the diagnosis explains the expect (e.g. made with the odd pad
 * row at the start) and reports label the sides "expect" and "reference".
 */
function referenceJudgement(entry: LoadedCase, reference: ReferenceResult, tensors: CaseTensors): Judgement {
  const documented = entry.spec.expect?.output;
  if (!documented) return { verdict: 'pass', summary: 'baseline (no documented expect output)' };
  const verdict = judge({
    outcome: { status: 'ok', output: Float64Array.from(documented), shape: entry.geometry.outputShape },
    reference,
    geometry: entry.geometry,
    tensors,
    tolerance: toleranceFromSpec(entry.spec.tolerance),
    subject: 'expect',
  });
  return { ...verdict, summary: `vs documented expect: ${verdict.summary}` };
}

function restrictedOut(entry: LoadedCase, session: RunnerSession): VariantResult | null {
  const allowed = entry.spec.runners;
  if (!allowed || allowed.includes(session.runner.name)) return null;
  return {
    runner: session.runner.name,
    variant: null,
    outcome: { status: 'unsupported', reason: `the case is restricted to runners: ${allowed.join(', ')}` },
    wallMs: 0,
    version: session.version,
  };
}

async function runCase(entry: LoadedCase, options: ConformanceOptions): Promise<CaseReport> {
  const tensors = caseTensors(entry.spec, entry.geometry, entry.seed);
  const tolerance = toleranceFromSpec(entry.spec.tolerance);
  const started = performance.now();
  const reference = await convTransposeReferenceParallel(entry.geometry, tensors, { withBounds: true });
  const referenceVerdict = referenceJudgement(entry, reference, tensors);
  // A documented `expect` the reference is known not to reproduce is listed like any divergence.
  const referenceExpected = findExpectation(entry.id, entry.spec.expected, options.expectations, 'reference', null);
  const variants: VariantReport[] = [
    {
      runner: 'reference',
      variant: null,
      version: 'tconv reference (float64)',
      wallMs: performance.now() - started,
      status: finalStatus(referenceVerdict.verdict, referenceExpected),
      judgement: referenceVerdict,
      ...(referenceExpected ? { expected: referenceExpected } : {}),
      ...embeddedExpect(entry, referenceVerdict),
    },
  ];
  const runnerOutputs: { label: string; output: Float32Array | Float64Array }[] = [];
  for (const session of options.sessions) {
    const skipped = restrictedOut(entry, session);
    const results = skipped ? [skipped] : await session.runCase(entry.geometry, tensors);
    for (const result of results) {
      const judgement = judge({ outcome: result.outcome, reference, geometry: entry.geometry, tensors, tolerance });
      if (result.outcome.status === 'ok' && result.outcome.output.length === entry.geometry.outputElements) {
        runnerOutputs.push({
          label: result.variant ? `${result.runner} ${result.variant}` : result.runner,
          output: result.outcome.output,
        });
      }
      const expected = findExpectation(
        entry.id,
        entry.spec.expected,
        options.expectations,
        result.runner,
        result.variant,
      );
      variants.push({
        runner: result.runner,
        variant: result.variant,
        ...(result.emulation ? { emulation: result.emulation } : {}),
        ...(result.call ? { call: result.call } : {}),
        version: result.version,
        wallMs: result.wallMs,
        status: finalStatus(judgement.verdict, expected),
        judgement,
        ...(expected ? { expected } : {}),
        ...embeddedOutput(result, judgement),
      });
    }
  }
  return {
    id: entry.id,
    file: entry.file,
    name: entry.spec.name,
    line: entry.line,
    ...(entry.spec.description ? { description: entry.spec.description } : {}),
    tags: entry.spec.tags ?? [],
    seed: entry.seed,
    convention: describeConvention(entry.geometry.convention),
    conventionKind: entry.geometry.convention.kind,
    geometry: entry.geometry,
    spellings: allSpellings(entry.geometry),
    tolerance: describeTolerance(tolerance),
    variants,
    ...(variants.some((variant) => variant.output) ? { referenceOutput: Array.from(reference.output) } : {}),
    ...agreementOf(runnerOutputs, reference, entry, tolerance),
  };
}

/** With two or more runner outputs: who agrees with whom, and the odd one out. */
function agreementOf(
  outputs: readonly { label: string; output: Float32Array | Float64Array }[],
  reference: ReferenceResult,
  entry: LoadedCase,
  tolerance: Tolerance,
): { agreement?: RunnerAgreement } {
  if (outputs.length < 2) return {};
  return { agreement: compareRunners(outputs, reference, entry.geometry, tolerance) };
}

/** A mismatching documented expect small enough to draw is kept on the reference row, like a runner's output. */
function embeddedExpect(entry: LoadedCase, judgement: Judgement): { output?: number[] } {
  const documented = entry.spec.expect?.output;
  if (judgement.verdict !== 'mismatch' || !documented) return {};
  return documented.length <= MAX_EMBEDDED_ELEMENTS ? { output: [...documented] } : {};
}

/** Non-passing outputs small enough to draw are kept for the reports. */
function embeddedOutput(result: VariantResult, judgement: Judgement): { output?: number[] } {
  const outcome = result.outcome;
  if (judgement.verdict !== 'mismatch' || outcome.status !== 'ok') return {};
  return outcome.output.length <= MAX_EMBEDDED_ELEMENTS ? { output: Array.from(outcome.output) } : {};
}

export async function runConformance(
  files: readonly LoadedFile[],
  cases: readonly LoadedCase[],
  options: ConformanceOptions,
): Promise<RunReport> {
  const startedAt = new Date();
  const reports: CaseReport[] = [];
  for (const entry of cases) {
    const report = await runCase(entry, options);
    reports.push(report);
    options.onCase?.(report, reports.length, cases.length);
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: toolIdentity(),
    environment: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      runners: Object.fromEntries([
        ['reference', 'tconv reference (float64)'],
        ...options.sessions.map((s) => [s.runner.name, s.version]),
      ]),
    },
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    selection: options.selection,
    files: files.map((file) => ({ path: file.path, fileId: file.fileId, description: file.description })),
    cases: reports,
  };
}
