/**
 * Running totals of a report, updated case by case: what the console summary, the JUnit totals
 * and the HTML header, filters and matrix columns need, without keeping the cases.
 */
import type { CaseReport, RunReport, StatusCounts, VariantReport } from '../../run/report.js';
import { FAILING, type Status } from '../../run/status.js';

export interface Column {
  readonly label: string;
  readonly runner: string;
  readonly variant: string | null;
}

export interface FileTotals {
  tests: number;
  failures: number;
  skipped: number;
  wallMs: number;
}

export const variantLabel = (variant: Pick<VariantReport, 'runner' | 'variant'>): string =>
  variant.variant ? `${variant.runner} ${variant.variant}` : variant.runner;

const isSkipped = (status: Status): boolean => status === 'unsupported' || status === 'expected-unsupported';

export class RunTally {
  readonly counts: StatusCounts = {};
  /** Per runner variant label, in order of first appearance. */
  readonly byLabel = new Map<string, StatusCounts>();
  readonly columns = new Map<string, Column>();
  readonly conventions = new Set<string>();
  readonly files = new Map<string, FileTotals>();
  cases = 0;
  failingCases = 0;
  variants = 0;
  failed = 0;
  skipped = 0;

  add(entry: CaseReport): void {
    this.cases++;
    this.conventions.add(entry.conventionKind);
    const file = this.files.get(entry.file) ?? { tests: 0, failures: 0, skipped: 0, wallMs: 0 };
    this.files.set(entry.file, file);
    let failing = false;
    for (const variant of entry.variants) {
      const label = variantLabel(variant);
      if (!this.columns.has(label)) {
        this.columns.set(label, { label, runner: variant.runner, variant: variant.variant });
      }
      const perLabel = this.byLabel.get(label) ?? {};
      this.byLabel.set(label, perLabel);
      perLabel[variant.status] = (perLabel[variant.status] ?? 0) + 1;
      this.counts[variant.status] = (this.counts[variant.status] ?? 0) + 1;
      this.variants++;
      file.tests++;
      file.wallMs += variant.wallMs;
      if (FAILING.has(variant.status)) {
        this.failed++;
        file.failures++;
        failing = true;
      } else if (isSkipped(variant.status)) {
        this.skipped++;
        file.skipped++;
      }
    }
    if (failing) this.failingCases++;
  }

  get passed(): number {
    return this.variants - this.failed - this.skipped;
  }
}

export function tallyOf(report: Pick<RunReport, 'cases'>): RunTally {
  const tally = new RunTally();
  for (const entry of report.cases) tally.add(entry);
  return tally;
}
