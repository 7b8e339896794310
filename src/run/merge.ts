/**
 * Reading shard reports back (`tconv merge`) and combining inputs that passed mergeChecks.ts
 * into one run, ordered as a single run would be. Streamed (schema 2) reports are read line by
 * line and their cases fetched one at a time by file offset, so merging many large shards holds
 * an index of case ids, not the cases; schema-1 (or re-formatted) reports are parsed whole.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { EXIT, UserError } from '../errors.js';
import { CASES_OPEN } from '../report/json.js';
import { decodeNonFinite } from '../report/stream/json-numbers.js';
import { readLineAt, readLines } from '../report/stream/lines.js';
import {
  READABLE_SCHEMA_VERSIONS,
  REPORT_SCHEMA_VERSION,
  type CaseReport,
  type RunHeader,
  type RunReport,
  type RunSummary,
} from './report.js';

/** Where a case is in its input, and what ordering and the checks need of it. */
export interface CaseRef {
  readonly id: string;
  readonly file: string;
  readonly line: number;
}

/** An input's report without its cases' contents: those are read one at a time. */
export interface ReportIndex extends RunHeader {
  readonly durationMs: number;
  readonly summary?: RunSummary;
  readonly cases: readonly CaseRef[];
}

/** One merge input: the path as the user gave it (every message names it), its index, its cases on demand. */
export interface MergeInput {
  readonly path: string;
  readonly report: ReportIndex;
  read(position: number): CaseReport;
  close(): void;
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

const notReport = (path: string, version: unknown): string =>
  `${path}: not a tconv JSON report of schema version ${READABLE_SCHEMA_VERSIONS.includes(Number(version)) ? String(version) : REPORT_SCHEMA_VERSION}`;

function checked(path: string, parsed: unknown): Record<string, unknown> {
  if (
    !isRecord(parsed) ||
    !READABLE_SCHEMA_VERSIONS.includes(parsed['schemaVersion'] as number) ||
    !Array.isArray(parsed['cases'])
  ) {
    throw new UserError(notReport(path, undefined), EXIT.invalidInput);
  }
  const field = missingField(parsed);
  if (field) {
    throw new UserError(
      `${notReport(path, parsed['schemaVersion'])} (${field} is missing or malformed)`,
      EXIT.invalidInput,
    );
  }
  return parsed;
}

const refOf = (entry: CaseReport): CaseRef => ({ id: entry.id, file: entry.file, line: entry.line });

/** A report as one document (schema 1, or any JSON formatting): parsed whole, as it always was. */
function wholeReport(path: string): MergeInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'), decodeNonFinite);
  } catch (error) {
    throw new UserError(`${path}: not a readable tconv JSON report (${(error as Error).message})`, EXIT.invalidInput);
  }
  const report = checked(path, parsed) as unknown as RunReport;
  return {
    path,
    report: { ...report, cases: report.cases.map(refOf) },
    read: (position) => report.cases[position]!,
    close: () => undefined,
  };
}

/**
 * A schema-2 report in its streamed form (header line, one case per line, trailer): read line by
 * line, keeping each case's place in the file, so merging holds one case at a time.
 */
function streamedReport(path: string, first: string): MergeInput {
  const where: { offset: number; length: number }[] = [];
  const cases: CaseRef[] = [];
  let trailer = null as { durationMs?: unknown; summary?: RunSummary } | null;
  const bad = (why: string): UserError =>
    new UserError(`${path}: not a readable tconv JSON report (${why})`, EXIT.invalidInput);
  let header: unknown;
  try {
    header = JSON.parse(`${first}]}`);
  } catch (error) {
    throw bad((error as Error).message);
  }
  let number = 0;
  for (const line of readLines(path)) {
    number++;
    if (number === 1 || line.text === '') continue;
    if (trailer) throw bad(`line ${number}: text after the trailer`);
    if (line.text.startsWith(']')) {
      try {
        trailer = JSON.parse(`{"cases":[${line.text}`) as typeof trailer;
      } catch (error) {
        throw bad(`line ${number}: ${(error as Error).message}`);
      }
      continue;
    }
    const comma = line.text.startsWith(',') ? 1 : 0;
    let entry: unknown;
    try {
      entry = JSON.parse(line.text.slice(comma));
    } catch (error) {
      throw bad(`line ${number}: ${(error as Error).message}`);
    }
    if (!isRecord(entry) || typeof entry['id'] !== 'string') throw bad(`line ${number}: a case without an id`);
    cases.push(refOf(entry as unknown as CaseReport));
    where.push({ offset: line.offset + comma, length: line.length - comma });
  }
  if (!trailer || typeof trailer.durationMs !== 'number') {
    throw bad('no trailer line: the run that wrote it did not finish writing it');
  }
  const report = checked(path, { ...(header as Record<string, unknown>), ...trailer, cases }) as unknown as ReportIndex;
  const fd = openSync(path, 'r');
  return {
    path,
    report,
    read: (position) => {
      const { offset, length } = where[position]!;
      return JSON.parse(readLineAt(fd, offset, length), decodeNonFinite) as CaseReport;
    },
    close: () => closeSync(fd),
  };
}

/** Opens a merge input: a streamed schema-2 report line by line, anything else whole. */
export function openReport(path: string): MergeInput {
  let first: string | undefined;
  try {
    first = readLines(path).next().value?.text;
  } catch (error) {
    throw new UserError(`${path}: not a readable tconv JSON report (${(error as Error).message})`, EXIT.invalidInput);
  }
  return first?.endsWith(CASES_OPEN) ? streamedReport(path, first) : wholeReport(path);
}

// ---------------------------------------------------------------------------------------------
// Merging inputs that passed checkInputs (mergeChecks.ts).

/** A single run's order: files in the order the run loaded them, then each file's cases in order. */
function runOrder(files: readonly RunReport['files'][number][]): (a: CaseRef, b: CaseRef) => number {
  const rank = new Map(files.map((file, index) => [file.path, index]));
  const fileRank = (entry: CaseRef): number => rank.get(entry.file) ?? files.length;
  return (a, b) => fileRank(a) - fileRank(b) || a.line - b.line || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The merged run: its header and duration, and where each of its cases is, in run order. */
export interface MergedRun {
  readonly header: RunHeader;
  readonly durationMs: number;
  readonly complete: boolean;
  readonly order: readonly { readonly input: MergeInput; readonly position: number }[];
}

/**
 * Inputs that passed checkInputs: disjoint cases, one tool, runners and filter, so those come from
 * the first input; `shard` is null for a complete set of shards (or unsharded inputs).
 */
export function mergeReports(inputs: readonly MergeInput[], shard: string | null): MergedRun {
  const reports = inputs.map((input) => input.report);
  const files = new Map(reports.flatMap((report) => report.files).map((file) => [file.path, file]));
  const order = inputs.flatMap((input) => input.report.cases.map((ref, position) => ({ input, position, ref })));
  const compare = runOrder([...files.values()]);
  order.sort((a, b) => compare(a.ref, b.ref));
  const first = reports[0]!;
  return {
    header: {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: first.tool,
      environment: first.environment,
      startedAt: reports.map((report) => report.startedAt).sort()[0]!,
      selection: { ...first.selection, shard },
      files: [...files.values()],
    },
    // Shards run in parallel: the merged run took as long as the slowest.
    durationMs: Math.max(...reports.map((report) => report.durationMs)),
    complete: reports.every((report) => report.summary?.complete !== false),
    order: order.map(({ input, position }) => ({ input, position })),
  };
}
