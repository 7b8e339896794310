/**
 * `tconv merge SHARD.json... [--report DIR] [--json F] [--junit F] [--html F]`: combines the JSON
 * reports of `tconv run --shard i/n` jobs into one report, rendered like a single run. Exits 1 when
 * the merged run has failures, like `tconv run`.
 */
import { readFileSync } from 'node:fs';
import { EXIT, UserError } from '../errors.js';
import { closingLine, summaryTable } from '../report/console.js';
import { reportTargets, writeReports } from '../report/write.js';
import { REPORT_SCHEMA_VERSION, type CaseReport, type RunReport } from '../run/report.js';
import { FAILING } from '../run/status.js';
import { parseCommand, requirePositionals } from './options.js';

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Undoes the JSON reporter's encoding of non-finite numbers inside numeric arrays. */
function decodeNonFinite(key: string, value: unknown): unknown {
  return /^\d+$/.test(key) && typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value;
}

export function readReport(path: string): RunReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'), decodeNonFinite);
  } catch (error) {
    throw new UserError(`${path}: not a readable tconv JSON report (${(error as Error).message})`, EXIT.invalidInput);
  }
  const report = parsed as Partial<RunReport>;
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION || !Array.isArray(report.cases)) {
    throw new UserError(
      `${path}: not a tconv JSON report of schema version ${REPORT_SCHEMA_VERSION}`,
      EXIT.invalidInput,
    );
  }
  return parsed as RunReport;
}

/** A single run's order: files in the order the run loaded them, then each file's cases in order. */
function runOrder(files: readonly RunReport['files'][number][]): (a: CaseReport, b: CaseReport) => number {
  const rank = new Map(files.map((file, index) => [file.path, index]));
  const fileRank = (entry: CaseReport): number => rank.get(entry.file) ?? files.length;
  return (a, b) => fileRank(a) - fileRank(b) || a.line - b.line || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function mergeReports(reports: readonly RunReport[]): RunReport {
  const seen = new Set<string>();
  const cases = reports.flatMap((report) => report.cases).filter((entry) => !seen.has(entry.id) && seen.add(entry.id));
  const files = new Map(reports.flatMap((report) => report.files).map((file) => [file.path, file]));
  cases.sort(runOrder([...files.values()]));
  const first = reports[0]!;
  return {
    ...first,
    environment: {
      ...first.environment,
      runners: Object.assign({}, ...reports.map((report) => report.environment.runners)),
    },
    startedAt: reports.map((report) => report.startedAt).sort()[0]!,
    durationMs: Math.max(...reports.map((report) => report.durationMs)),
    selection: { ...first.selection, shard: null },
    files: [...files.values()],
    cases,
  };
}

export function mergeCommand(argv: readonly string[]): number {
  const { values, positionals } = parseCommand('merge', argv, {
    report: { type: 'string' },
    json: { type: 'string' },
    junit: { type: 'string' },
    html: { type: 'string' },
  });
  requirePositionals('merge', positionals, 'the JSON reports to merge');
  const merged = mergeReports(positionals.map(readReport));
  process.stdout.write(`${[...summaryTable(merged), '', closingLine(merged)].join('\n')}\n`);
  for (const path of writeReports(merged, reportTargets(values))) process.stdout.write(`wrote ${path}\n`);
  const failing = merged.cases.some((entry) => entry.variants.some((variant) => FAILING.has(variant.status)));
  return failing ? EXIT.mismatch : EXIT.ok;
}
