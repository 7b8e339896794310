/**
 * What `tconv fuzz` prints and writes: the closing summary (runs, rate, findings by kind and runner,
 * known divergences, the distribution of what was generated), the JSON report and the JUnit XML.
 *
 * JSON report (`--json F`), schema version 1:
 * {
 *   schemaVersion: 1, command: 'fuzz', tool: {name, version},
 *   environment: {node, platform, runners: {name: version}},
 *   startedAt: ISO time, durationMs,
 *   options: {seed, path, runs, timeMs, runners, conventions, dims, maxElements, maxWork, save, expectations,
 *             timeoutMs, shrinkTimeMs, maxFindings, recycleEvery},
 *   seed,                                     // the seed of round 0 (what --seed replays)
 *   summary: {
 *     runs, shrinkEvaluations, casesPerSecond, durationMs, fuzzMs, stoppedBy,
 *     newFindings, findingsByKind: {kind: n}, findingsByRunner: {runner: n},
 *     knownDivergences: [{id, runner, variant, status, reason, link, count}], knownTotal,
 *     knownButPassed: [...same, count of variants that passed although a predicate held],
 *     unsupported: {"runner variant": n}, variantsRun,
 *     statistics: {convention|rank|stride|padding|dilation|group|layout|bias|distribution: {label: n}}
 *   },
 *   findings: [{
 *     kind, runner, variant, signature, summary, diagnosis, detail? (a crash's stderr tail), call?, emulation?,
 *     seed, path, round, shrinks, shrinkEvaluations, shrinkInterrupted,
 *     convention, paddingKind, case (the minimal CaseSpec), geometry (shapes, layout, per-axis crop),
 *     originalCase (before shrinking), file (saved YAML or null),
 *     replay: {run: 'tconv run FILE --runners R' or null, fuzz: 'tconv fuzz --seed S --path P ...'}
 *   }]
 * }
 */
import { xmlEscape } from '../report/junit.js';
import { FINDING_KINDS } from './evaluate.js';
import { STATISTIC_NAMES, findingCounts, type FuzzFinding, type FuzzResult, type KnownCount } from './fuzz.js';

export const FUZZ_REPORT_SCHEMA_VERSION = 1;

export interface FuzzReportOptions {
  readonly seed: number;
  readonly path: string | null;
  readonly runs: number | null;
  readonly timeMs: number | null;
  readonly runners: readonly string[];
  readonly conventions: readonly string[];
  readonly dims: readonly number[];
  readonly maxElements: number;
  /** Largest dense work of a case (space.ts DEFAULT_FUZZ_MAX_WORK). */
  readonly maxWork: number;
  /** `--special`: special-value distributions drawn too. */
  readonly special?: boolean;
  readonly save: string | null;
  readonly expectations: string | null;
  readonly timeoutMs: number;
  readonly shrinkTimeMs: number;
  readonly maxFindings: number;
  readonly recycleEvery: number;
  /** `--runner-exec` / `--runner-module` options as given (replays need them). */
  readonly registration?: readonly string[];
}

/** Where a finding was saved and how to replay it. */
export interface FindingReplay {
  readonly file: string | null;
  readonly run: string | null;
  readonly fuzz: string;
}

export interface FuzzReportInput {
  readonly result: FuzzResult;
  readonly options: FuzzReportOptions;
  readonly versions: Readonly<Record<string, string>>;
  readonly toolVersion: string;
  readonly startedAt: Date;
  readonly replays: ReadonlyMap<FuzzFinding, FindingReplay>;
}

const percent = (count: number, total: number): string => `${((100 * count) / Math.max(total, 1)).toFixed(1)}%`;
const variantLabel = (runner: string, variant: string | null): string => (variant ? `${runner} ${variant}` : runner);

/** The end-of-run summary, plain text lines. */
export function summaryLines(input: FuzzReportInput): string[] {
  const { result } = input;
  const { byKind, byRunner } = findingCounts(result.findings);
  const knownTotal = result.known.reduce((total, entry) => total + entry.count, 0);
  const lines = [
    `tconv fuzz: ${result.runs} runs in ${(result.fuzzMs / 1000).toFixed(1)} s of fuzzing (${result.casesPerSecond.toFixed(1)} cases/s), ${result.shrinkEvaluations} shrink evaluations, ${(result.durationMs / 1000).toFixed(1)} s in all; seed ${result.seed}; stopped by ${result.stoppedBy}`,
    `runners: ${
      Object.entries(input.versions)
        .map(([name, version]) => `${name} = ${version}`)
        .join('; ') || 'none (reference only)'
    }`,
    `variants run: ${result.variantsRun} (${(result.variantsRun / Math.max(result.runs, 1)).toFixed(2)} per case)`,
    '',
    `new findings: ${result.findings.length}${
      result.findings.length
        ? ` (by kind: ${Object.entries(byKind)
            .map(([kind, n]) => `${kind} ${n}`)
            .join(', ')}; by runner: ${Object.entries(byRunner)
            .map(([runner, n]) => `${runner} ${n}`)
            .join(', ')})`
        : ''
    }`,
  ];
  for (const found of result.findings) {
    const replay = input.replays.get(found);
    lines.push(
      `  ${found.finding.kind.toUpperCase()} ${variantLabel(found.finding.runner, found.finding.variant)}: ${found.finding.summary}`,
    );
    if (found.finding.diagnosis) lines.push(`    diagnosis: ${found.finding.diagnosis}`);
    lines.push(`    minimal case: ${JSON.stringify(found.evaluation.spec)}`);
    if (replay?.file) lines.push(`    saved: ${replay.file}`, `    replay: ${replay.run}`);
    if (replay) lines.push(`    replay: ${replay.fuzz}`);
  }
  lines.push('', `known divergences (not new findings): ${knownTotal} variant runs`);
  lines.push(...knownTable(result.known));
  if (result.knownButPassed.length) {
    lines.push(
      `known predicates that held but the variant passed (predicate too wide?): ${result.knownButPassed.reduce((t, e) => t + e.count, 0)}`,
    );
    lines.push(...knownTable(result.knownButPassed));
  }
  const unsupported = Object.entries(result.unsupported).sort((a, b) => b[1] - a[1]);
  if (unsupported.length)
    lines.push(`unsupported (not findings): ${unsupported.map(([label, n]) => `${label} ${n}`).join(', ')}`);
  lines.push('', 'generated cases:');
  for (const name of STATISTIC_NAMES) {
    const entries = Object.entries(result.statistics[name]).sort((a, b) => b[1] - a[1]);
    const total = entries.reduce((sum, [, n]) => sum + n, 0);
    lines.push(`  ${name}: ${entries.map(([label, n]) => `${label} ${percent(n, total)}`).join(', ')}`);
  }
  return lines;
}

function knownTable(entries: readonly KnownCount[]): string[] {
  return entries.map(
    (entry) =>
      `  ${String(entry.count).padStart(6)}  ${variantLabel(entry.runner, entry.variant).padEnd(40)} ${entry.status.padEnd(9)} ${entry.id}`,
  );
}

function findingJson(found: FuzzFinding, replay: FindingReplay | undefined): object {
  const { finding, evaluation } = found;
  const g = evaluation.geometry;
  return {
    kind: finding.kind,
    runner: finding.runner,
    variant: finding.variant,
    signature: found.signature,
    summary: finding.summary,
    diagnosis: finding.diagnosis,
    ...(finding.detail ? { detail: finding.detail } : {}),
    ...(finding.call ? { call: finding.call } : {}),
    ...(finding.emulation ? { emulation: finding.emulation } : {}),
    seed: found.seed,
    path: found.path,
    round: found.round,
    shrinks: found.shrinks,
    shrinkEvaluations: found.shrinkEvaluations,
    shrinkInterrupted: found.shrinkInterrupted,
    convention: found.convention,
    paddingKind: found.paddingKind,
    case: evaluation.spec,
    geometry: {
      layout: g.layout,
      inputShape: g.inputShape,
      weightShape: g.weightShape,
      outputShape: g.outputShape,
      group: g.group,
      axes: g.axes,
    },
    originalCase: found.original.spec,
    file: replay?.file ?? null,
    replay: { run: replay?.run ?? null, fuzz: replay?.fuzz ?? null },
  };
}

/** The JSON report (see the file comment for its shape). */
export function fuzzJson(input: FuzzReportInput): object {
  const { result } = input;
  const { byKind, byRunner } = findingCounts(result.findings);
  return {
    schemaVersion: FUZZ_REPORT_SCHEMA_VERSION,
    command: 'fuzz',
    tool: { name: 'tconv', version: input.toolVersion },
    environment: { node: process.version, platform: `${process.platform}-${process.arch}`, runners: input.versions },
    startedAt: input.startedAt.toISOString(),
    durationMs: result.durationMs,
    options: input.options,
    seed: result.seed,
    summary: {
      runs: result.runs,
      shrinkEvaluations: result.shrinkEvaluations,
      casesPerSecond: Number(result.casesPerSecond.toFixed(2)),
      durationMs: result.durationMs,
      fuzzMs: result.fuzzMs,
      stoppedBy: result.stoppedBy,
      newFindings: result.findings.length,
      findingsByKind: byKind,
      findingsByRunner: byRunner,
      knownDivergences: result.known,
      knownTotal: result.known.reduce((total, entry) => total + entry.count, 0),
      knownButPassed: result.knownButPassed,
      unsupported: result.unsupported,
      variantsRun: result.variantsRun,
      statistics: result.statistics,
    },
    findings: result.findings.map((found) => findingJson(found, input.replays.get(found))),
  };
}

/** JUnit XML: one failing testcase per finding kind found, or one passing testcase. */
export function fuzzJunit(input: FuzzReportInput): string {
  const { result } = input;
  const attributes = (values: Record<string, string | number>): string =>
    Object.entries(values)
      .map(([name, value]) => ` ${name}="${xmlEscape(String(value))}"`)
      .join('');
  const seconds = (result.durationMs / 1000).toFixed(3);
  const kinds = FINDING_KINDS.filter((kind) => result.findings.some((found) => found.finding.kind === kind));
  const testcases: string[] = [];
  for (const kind of kinds) {
    const ofKind = result.findings.filter((found) => found.finding.kind === kind);
    const message = `${ofKind.length} new ${kind} finding(s): ${ofKind.map((found) => variantLabel(found.finding.runner, found.finding.variant)).join(', ')}`;
    const details = ofKind.flatMap((found) => {
      const replay = input.replays.get(found);
      return [
        `${kind.toUpperCase()} ${variantLabel(found.finding.runner, found.finding.variant)}: ${found.finding.summary}`,
        ...(found.finding.diagnosis ? [`diagnosis: ${found.finding.diagnosis}`] : []),
        ...(found.finding.detail ? [`stderr: ${found.finding.detail}`] : []),
        `minimal case: ${JSON.stringify(found.evaluation.spec)}`,
        ...(replay?.file ? [`saved: ${replay.file}`, `replay: ${replay.run}`] : []),
        ...(replay ? [`replay: ${replay.fuzz}`] : []),
        '',
      ];
    });
    testcases.push(
      `    <testcase${attributes({ classname: 'tconv.fuzz', name: `fuzz ${kind}`, time: seconds })}>`,
      `      <failure${attributes({ message: message.slice(0, 500), type: kind })}>${xmlEscape(details.join('\n'))}</failure>`,
      '    </testcase>',
    );
  }
  if (testcases.length === 0) {
    testcases.push(
      `    <testcase${attributes({ classname: 'tconv.fuzz', name: `fuzz: ${result.runs} runs, no new findings`, time: seconds })}>`,
      `      <system-out>${xmlEscape(summaryLines(input).join('\n'))}</system-out>`,
      '    </testcase>',
    );
  }
  const tests = Math.max(kinds.length, 1);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'tconv fuzz', tests, failures: kinds.length, errors: 0, time: seconds })}>`,
    `  <testsuite${attributes({ name: 'tconv fuzz', tests, failures: kinds.length, errors: 0, skipped: 0, time: seconds, timestamp: input.startedAt.toISOString().slice(0, 19) })}>`,
    '    <properties>',
    `      <property${attributes({ name: 'seed', value: result.seed })}/>`,
    `      <property${attributes({ name: 'runs', value: result.runs })}/>`,
    `      <property${attributes({ name: 'casesPerSecond', value: result.casesPerSecond.toFixed(1) })}/>`,
    `      <property${attributes({ name: 'knownDivergences', value: result.known.reduce((t, e) => t + e.count, 0) })}/>`,
    ...Object.entries(input.versions).map(
      ([name, version]) => `      <property${attributes({ name: `version.${name}`, value: version })}/>`,
    ),
    `      <property${attributes({ name: 'node', value: process.version })}/>`,
    '    </properties>',
    ...testcases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
