/**
 * Console output of `tconv run`: a line per failing variant as it finishes (every variant with
 * --verbose; the live progress line is progress.ts), then a summary table and the details of
 * each failure, from running totals (stream/tally.ts) or a report held in memory.
 */
import { formatRunnerAgreement } from '../compare/index.js';
import type { CaseReport, RunReport, VariantReport } from '../run/report.js';
import { FAILING, STATUSES, type Status } from '../run/status.js';
import { RunTally, tallyOf, variantLabel } from './stream/tally.js';

export { variantLabel } from './stream/tally.js';

/** The console works from running totals; a report held in memory is tallied first. */
const totals = (source: RunReport | RunTally): RunTally => (source instanceof RunTally ? source : tallyOf(source));

const LABEL: Record<Status, string> = {
  pass: 'pass',
  mismatch: 'MISMATCH',
  unsupported: 'unsupported',
  error: 'ERROR',
  crashed: 'CRASHED',
  timeout: 'TIMEOUT',
  'expected-mismatch': 'expected-mismatch',
  'expected-error': 'expected-error',
  'expected-crash': 'expected-crash',
  'expected-timeout': 'expected-timeout',
  'expected-unsupported': 'expected-unsupported',
  'unexpected-pass': 'UNEXPECTED-PASS',
};

export function variantLine(entry: CaseReport, variant: VariantReport): string {
  const emulated = variant.emulation ? ' (emulation)' : '';
  return `${LABEL[variant.status].padEnd(12)} ${entry.id}  ${variantLabel(variant)}${emulated}: ${variant.judgement.summary}`;
}

export function caseLines(entry: CaseReport): string[] {
  return entry.variants.map((variant) => variantLine(entry, variant));
}

export function summaryTable(source: RunReport | RunTally): string[] {
  const tally = totals(source);
  const counts = tally.counts;
  const present = STATUSES.filter((status) => (counts[status] ?? 0) > 0);
  const header = ['runner variant', ...present];
  const rows = [...tally.byLabel].map(([label, perLabel]) => [
    label,
    ...present.map((status) => String(perLabel[status] ?? 0)),
  ]);
  const table = [header, ...rows, ['total', ...present.map((status) => String(counts[status] ?? 0))]];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
}

/** The details of one case's failing variants (and who disagrees with whom), or nothing. */
export function caseFailureDetails(entry: CaseReport, detail: (variant: VariantReport) => string[]): string[] {
  const lines: string[] = [];
  for (const variant of entry.variants.filter((v) => FAILING.has(v.status))) {
    lines.push('', `${LABEL[variant.status]}: ${entry.id} [${variantLabel(variant)}] (${entry.file}:${entry.line})`);
    lines.push(`  convention: ${entry.convention}; tolerance: ${entry.tolerance}`);
    lines.push(...detail(variant).map((line) => `  ${line}`));
  }
  if (entry.agreement?.oddOneOut && entry.variants.some((v) => FAILING.has(v.status))) {
    lines.push(...formatRunnerAgreement(entry.agreement).map((line) => `  ${line}`));
  }
  return lines;
}

export function failureDetails(report: RunReport, detail: (variant: VariantReport) => string[]): string[] {
  return report.cases.flatMap((entry) => caseFailureDetails(entry, detail));
}

/** The closing line CI tools read: "N passed, N failed" (+ ", N skipped"). */
export function closingLine(source: RunReport | RunTally): string {
  const tally = totals(source);
  return `${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`;
}
