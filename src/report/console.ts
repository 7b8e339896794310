/**
 * Console output of `tconv run`: one line per case and variant as they finish (a live progress
 * line instead on a TTY), then a summary table and the details of each failure.
 */
import { formatRunnerAgreement } from '../compare/index.js';
import type { CaseReport, RunReport, VariantReport } from '../run/report.js';
import { countStatuses } from '../run/report.js';
import { FAILING, STATUSES, type Status } from '../run/status.js';

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

export function variantLabel(variant: VariantReport): string {
  return variant.variant ? `${variant.runner} ${variant.variant}` : variant.runner;
}

export function variantLine(entry: CaseReport, variant: VariantReport): string {
  const emulated = variant.emulation ? ' (emulation)' : '';
  return `${LABEL[variant.status].padEnd(12)} ${entry.id}  ${variantLabel(variant)}${emulated}: ${variant.judgement.summary}`;
}

export function caseLines(entry: CaseReport): string[] {
  return entry.variants.map((variant) => variantLine(entry, variant));
}

export function progressLine(entry: CaseReport, done: number, total: number, failures: number): string {
  return `[${done}/${total}] ${failures} failing  ${entry.id}`.slice(0, (process.stdout.columns ?? 100) - 1);
}

export function summaryTable(report: RunReport): string[] {
  const counts = countStatuses(report);
  const present = STATUSES.filter((status) => (counts[status] ?? 0) > 0);
  const runners = [...new Set(report.cases.flatMap((entry) => entry.variants.map(variantLabel)))];
  const header = ['runner variant', ...present];
  const rows = runners.map((label) => [
    label,
    ...present.map((status) =>
      String(
        report.cases.flatMap((entry) => entry.variants).filter((v) => variantLabel(v) === label && v.status === status)
          .length,
      ),
    ),
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

export function failureDetails(report: RunReport, detail: (variant: VariantReport) => string[]): string[] {
  const lines: string[] = [];
  for (const entry of report.cases) {
    for (const variant of entry.variants.filter((v) => FAILING.has(v.status))) {
      lines.push('', `${LABEL[variant.status]}: ${entry.id} [${variantLabel(variant)}] (${entry.file}:${entry.line})`);
      lines.push(`  convention: ${entry.convention}; tolerance: ${entry.tolerance}`);
      lines.push(...detail(variant).map((line) => `  ${line}`));
    }
    if (entry.agreement?.oddOneOut && entry.variants.some((v) => FAILING.has(v.status))) {
      lines.push(...formatRunnerAgreement(entry.agreement).map((line) => `  ${line}`));
    }
  }
  return lines;
}

/** The closing line CI tools read: "N passed, N failed" (+ ", N skipped"). */
export function closingLine(report: RunReport): string {
  const all = report.cases.flatMap((entry) => entry.variants);
  const failed = all.filter((variant) => FAILING.has(variant.status)).length;
  const skipped = all.filter(
    (variant) => variant.status === 'unsupported' || variant.status === 'expected-unsupported',
  ).length;
  return `${all.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`;
}
