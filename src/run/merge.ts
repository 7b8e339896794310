/**
 * Reading shard reports back (`tconv merge`) and combining inputs that passed mergeChecks.ts
 * into one RunReport, ordered as a single run would be.
 */
import { readFileSync } from 'node:fs';
import { EXIT, UserError } from '../errors.js';
import { REPORT_SCHEMA_VERSION, type CaseReport, type RunReport } from './report.js';

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Undoes the JSON reporter's encoding of non-finite numbers inside numeric arrays. */
function decodeNonFinite(key: string, value: unknown): unknown {
  return /^\d+$/.test(key) && typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value;
}

/** One merge input: the path as the user gave it (every message names it) and its report. */
export interface MergeInput {
  readonly path: string;
  readonly report: RunReport;
}

// ---------------------------------------------------------------------------------------------
// Reading: the checks below read these fields, so a report without them is invalid input (exit 2),
// not a TypeError with a stack trace.

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const isStringArray = (value: unknown): boolean =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** The first field merge relies on that is missing or of the wrong type, or undefined. */
function missingField(report: Record<string, unknown>): string | undefined {
  const { tool, environment, selection, files, cases } = report;
  if (!isRecord(tool) || typeof tool['version'] !== 'string') return 'tool.version';
  if (!isRecord(environment)) return 'environment';
  if (typeof environment['node'] !== 'string' || typeof environment['platform'] !== 'string') return 'environment';
  const runners = environment['runners'];
  if (!isRecord(runners) || !Object.values(runners).every((v) => typeof v === 'string')) return 'environment.runners';
  if (!isRecord(selection)) return 'selection';
  if (!isStringArray(selection['filter'])) return 'selection.filter';
  if (!isStringArray(selection['runners'])) return 'selection.runners';
  if (selection['shard'] !== null && typeof selection['shard'] !== 'string') return 'selection.shard';
  if (!Array.isArray(files) || !files.every((file) => isRecord(file) && typeof file['path'] === 'string')) {
    return 'files';
  }
  if (!Array.isArray(cases) || !cases.every((entry) => isRecord(entry) && typeof entry['id'] === 'string')) {
    return 'cases';
  }
  return undefined;
}

export function readReport(path: string): RunReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'), decodeNonFinite);
  } catch (error) {
    throw new UserError(`${path}: not a readable tconv JSON report (${(error as Error).message})`, EXIT.invalidInput);
  }
  const notReport = `${path}: not a tconv JSON report of schema version ${REPORT_SCHEMA_VERSION}`;
  if (!isRecord(parsed) || parsed['schemaVersion'] !== REPORT_SCHEMA_VERSION || !Array.isArray(parsed['cases'])) {
    throw new UserError(notReport, EXIT.invalidInput);
  }
  const field = missingField(parsed);
  if (field) throw new UserError(`${notReport} (${field} is missing or malformed)`, EXIT.invalidInput);
  return parsed as unknown as RunReport;
}

// ---------------------------------------------------------------------------------------------
// Merging inputs that passed checkInputs (mergeChecks.ts).

/** A single run's order: files in the order the run loaded them, then each file's cases in order. */
function runOrder(files: readonly RunReport['files'][number][]): (a: CaseReport, b: CaseReport) => number {
  const rank = new Map(files.map((file, index) => [file.path, index]));
  const fileRank = (entry: CaseReport): number => rank.get(entry.file) ?? files.length;
  return (a, b) => fileRank(a) - fileRank(b) || a.line - b.line || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Inputs that passed checkInputs: disjoint cases, one tool, runners and filter, so those come from
 * the first input; `shard` is null for a complete set of shards (or unsharded inputs).
 */
export function mergeReports(inputs: readonly MergeInput[], shard: string | null): RunReport {
  const reports = inputs.map((input) => input.report);
  const cases = reports.flatMap((report) => report.cases);
  const files = new Map(reports.flatMap((report) => report.files).map((file) => [file.path, file]));
  cases.sort(runOrder([...files.values()]));
  const first = reports[0]!;
  return {
    ...first,
    startedAt: reports.map((report) => report.startedAt).sort()[0]!,
    // Shards run in parallel: the merged run took as long as the slowest.
    durationMs: Math.max(...reports.map((report) => report.durationMs)),
    selection: { ...first.selection, shard },
    files: [...files.values()],
    cases,
  };
}
