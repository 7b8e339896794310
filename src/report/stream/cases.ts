/**
 * The cases a reporter renders, as an index in memory plus each case on demand: from an array
 * (`render(report)`), or from a spool file of one JSON line per case (`tconv run`, `merge`), so
 * that HTML and JUnit, which need totals and failing-first order before they write a case, hold
 * one case at a time and not the suite.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseReport } from '../../run/report.js';
import { FAILING } from '../../run/status.js';
import { readLineAt } from './lines.js';
import { decodeNonFinite, encodeNonFinite } from './json-numbers.js';

/** What reporters need of a case before reading it. */
export interface CaseIndexEntry {
  readonly id: string;
  readonly file: string;
  readonly seed: number;
  /** Some variant fails the run. */
  readonly failing: boolean;
  /** Some variant is not a plain pass (failing, known divergence, unsupported). */
  readonly notable: boolean;
}

export interface CaseSource {
  /** Every case, in report order. */
  readonly index: readonly CaseIndexEntry[];
  /** The case at `position` of the index. */
  read(position: number): CaseReport;
}

export function indexEntry(entry: CaseReport): CaseIndexEntry {
  return {
    id: entry.id,
    file: entry.file,
    seed: entry.seed,
    failing: entry.variants.some((variant) => FAILING.has(variant.status)),
    notable: entry.variants.some((variant) => variant.status !== 'pass'),
  };
}

export function memorySource(cases: readonly CaseReport[]): CaseSource {
  return { index: cases.map(indexEntry), read: (position) => cases[position]! };
}

/** Positions in report order, failing cases first, then other notable ones, then the rest. */
export function failingFirst(index: readonly CaseIndexEntry[]): number[] {
  const rank = (entry: CaseIndexEntry): number => (entry.failing ? 0 : entry.notable ? 1 : 2);
  return index.map((_, position) => position).sort((a, b) => rank(index[a]!) - rank(index[b]!) || a - b);
}

/** Cases written to a temporary file as they come, read back one at a time. */
export class CaseSpool implements CaseSource {
  readonly index: CaseIndexEntry[] = [];
  private readonly where: { offset: number; length: number }[] = [];
  private readonly path: string;
  private fd: number | null;
  private size = 0;

  constructor() {
    this.path = join(tmpdir(), `tconv-spool-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
    this.fd = openSync(this.path, 'w+');
  }

  add(entry: CaseReport): void {
    this.addJson(entry, JSON.stringify(entry, encodeNonFinite));
  }

  /** `entry` with its JSON already made (the JSON report's line: the same text). */
  addJson(entry: CaseReport, json: string): void {
    const bytes = Buffer.from(`${json}\n`, 'utf8');
    writeSync(this.fd!, bytes, 0, bytes.length, this.size);
    this.where.push({ offset: this.size, length: bytes.length - 1 });
    this.index.push(indexEntry(entry));
    this.size += bytes.length;
  }

  read(position: number): CaseReport {
    const { offset, length } = this.where[position]!;
    return JSON.parse(readLineAt(this.fd!, offset, length), decodeNonFinite) as CaseReport;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.path, { force: true });
  }
}
