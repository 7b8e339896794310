/**
 * A conformance run: every selected case through the reference and every selected runner, each
 * variant judged against the reference, known divergences applied. `runCases` streams the case
 * reports in order (`tconv run`); `runConformance` collects them into one RunReport.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { REPOSITORY_ROOT, repositoryPath } from '../paths.js';
import type { LoadedCase, LoadedFile } from '../case/load.js';
import { toleranceFromSpec, describeTolerance, type Tolerance } from '../compare/tolerance.js';
import type { RunnerAgreement } from '../compare/index.js';
import { caseTensors } from '../data/tensors.js';
import { allSpellings } from '../geometry/spellings.js';
import { describeConvention } from '../format/explain.js';
import { convTransposeReferenceParallel, withSpecialValues, type ReferenceResult } from '../reference/index.js';
import type { CaseTensors } from '../tensor.js';
import { compareRunners } from '../compare/index.js';
import { findExpectation, type ExpectationRule } from './expectations.js';
import { judge, type Judgement } from './judge.js';
import { leanCase } from './lean.js';
import {
  MAX_EMBEDDED_ELEMENTS,
  REPORT_SCHEMA_VERSION,
  type CaseReport,
  type DetailLevel,
  type RunHeader,
  type RunReport,
  type RunSummary,
  type StatusCounts,
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
  /** Further session sets (`--jobs`): each runs one case at a time beside `sessions`. */
  readonly lanes?: readonly (readonly RunnerSession[])[];
  /** Per-element data kept for passing variants (default 'all'; `tconv run` defaults to 'failing'). */
  readonly details?: DetailLevel;
  /** Checked before each case: true stops the run after the cases in flight (Ctrl-C). */
  readonly shouldStop?: () => boolean;
}

export function toolVersion(): string {
  return (JSON.parse(readFileSync(repositoryPath('package.json'), 'utf8')) as { version: string }).version;
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
    const args = ['-C', REPOSITORY_ROOT, 'describe', '--always', '--dirty', '--abbrev=40', '--exclude=*'];
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
  // Special values (NaN, infinities, signed zeros, overflow) take the definition's IEEE 754
  // semantics on top of the kernels' float64 sums (reference/special.ts).
  const reference = withSpecialValues(
    entry.geometry,
    tensors,
    await convTransposeReferenceParallel(entry.geometry, tensors, { withBounds: true }),
    entry.spec.tolerance?.signed_zero === true,
  );
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
        status: finalStatus(judgement.verdict, expected, diagnosisKind(judgement)),
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
    ...(keepsSpellings(variants, options.details) ? { spellings: allSpellings(entry.geometry) } : {}),
    tolerance: describeTolerance(tolerance),
    variants,
    ...(variants.some((variant) => variant.output) ? { referenceOutput: Array.from(reference.output) } : {}),
    ...agreementOf(runnerOutputs, reference, entry, tolerance),
  };
}

/** Lean reports leave them out of cases whose variants all pass (leanCase), so they are not computed. */
function keepsSpellings(variants: readonly VariantReport[], level: DetailLevel = 'all'): boolean {
  return level === 'all' || variants.some((variant) => variant.status !== 'pass');
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

/** The kind of the diagnosis that explains a mismatch (null when none). */
function diagnosisKind(judgement: Judgement): string | null {
  const comparison = judgement.comparison;
  return comparison && 'diagnosis' in comparison ? (comparison.diagnosis?.explanation.kind ?? null) : null;
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

/** The report's header, known before the first case runs (a streamed report writes it first). */
export function runHeader(
  files: readonly LoadedFile[],
  options: Pick<ConformanceOptions, 'sessions' | 'selection'>,
  startedAt: Date,
): RunHeader {
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
    selection: options.selection,
    files: files.map((file) => ({ path: file.path, fileId: file.fileId, description: file.description })),
  };
}

/** How a streamed run ended: its summary (the trailer of a streamed report) and duration. */
export interface RunEnd {
  readonly summary: RunSummary;
  readonly durationMs: number;
}

/**
 * Runs every case and hands each report to `emit` in case order, as soon as it and every case
 * before it are done; nothing is kept, so memory is bounded by the cases in flight, not the
 * suite. With `lanes`, up to 1 + lanes.length cases run at once, each on its own sessions.
 */
export async function runCases(
  cases: readonly LoadedCase[],
  options: ConformanceOptions,
  emit: (report: CaseReport, done: number, total: number) => void,
): Promise<RunEnd> {
  const started = Date.now();
  const level = options.details ?? 'all';
  const lanes = [options.sessions, ...(options.lanes ?? [])];
  const ready = new Map<number, CaseReport>();
  const counts: StatusCounts = {};
  let next = 0;
  let emitted = 0;
  let failed = false;
  let waiting: (() => void)[] = [];
  // A lane may run ahead of the oldest unfinished case by this much (bounds the reorder buffer).
  const window = 4 * lanes.length;
  const flush = (): void => {
    for (let report = ready.get(emitted); report; report = ready.get(emitted)) {
      ready.delete(emitted);
      emitted++;
      for (const variant of report.variants) counts[variant.status] = (counts[variant.status] ?? 0) + 1;
      emit(report, emitted, cases.length);
    }
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  };
  const stopping = (): boolean => failed || (options.shouldStop?.() ?? false);
  const turn = eventLoopTurns();
  const lane = async (sessions: readonly RunnerSession[]): Promise<void> => {
    for (;;) {
      await turn();
      if (stopping() || next >= cases.length) return;
      if (next - emitted >= window) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const index = next++;
      try {
        ready.set(index, leanCase(await runCase(cases[index]!, { ...options, sessions }), level));
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        flush();
      }
    }
  };
  await Promise.all(lanes.map(lane));
  const stopped = emitted < cases.length;
  return {
    durationMs: Date.now() - started,
    summary: {
      complete: !stopped,
      ...(stopped ? { stopped: 'interrupted' } : {}),
      cases: emitted,
      selected: cases.length,
      counts,
    },
  };
}

/**
 * Cases that never wait on I/O (the reference alone) would keep the event loop from turning for
 * the whole run: Ctrl-C and timers would wait for its end. This lets it turn every 50 ms.
 */
function eventLoopTurns(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < 50) return;
    await new Promise((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}

/** A whole run in memory (compare, tests, small runs); `tconv run` streams with runCases. */
export async function runConformance(
  files: readonly LoadedFile[],
  cases: readonly LoadedCase[],
  options: ConformanceOptions,
): Promise<RunReport> {
  const startedAt = new Date();
  const header = runHeader(files, options, startedAt);
  const reports: CaseReport[] = [];
  const end = await runCases(cases, options, (report, done, total) => {
    reports.push(report);
    options.onCase?.(report, done, total);
  });
  return { ...header, durationMs: end.durationMs, cases: reports };
}
