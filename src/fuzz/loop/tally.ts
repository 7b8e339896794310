/**
 * The counts of a fuzz run over its generated cases (shrink candidates are not counted): coverage
 * statistics, known-divergence hits, known predicates that held on a passing variant, unsupported
 * variants and the variants run.
 */
import type { FuzzCase } from '../arbitraries.js';
import type { CaseEvaluation, KnownHit } from '../evaluate.js';
import { STATISTIC_NAMES, emptyStatistics, statisticsOf, type FuzzStatistics } from './statistics.js';

export interface KnownCount extends KnownHit {
  readonly count: number;
}

/** Counts per (id, runner, variant), in first-seen order until listed (most first). */
class Tally<T extends { id: string; runner: string; variant: string | null }> {
  private readonly entries = new Map<string, T & { count: number }>();
  add(entry: T): void {
    const key = `${entry.id}\u0000${entry.runner}\u0000${entry.variant ?? ''}`;
    const existing = this.entries.get(key);
    if (existing) existing.count++;
    else this.entries.set(key, { ...entry, count: 1 });
  }
  total(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.count;
    return total;
  }
  list(): (T & { count: number })[] {
    return [...this.entries.values()].sort((a, b) => b.count - a.count);
  }
}

/** The part of a fuzz result the tally gives. */
export interface CaseCounts {
  readonly known: readonly KnownCount[];
  readonly knownButPassed: readonly KnownCount[];
  /** `runner variant` -> variants the runner could not spell (not findings). */
  readonly unsupported: Readonly<Record<string, number>>;
  /** Variants run (all runners, generated cases only). */
  readonly variantsRun: number;
  readonly statistics: FuzzStatistics;
}

export class CaseTally {
  private readonly known = new Tally<KnownHit>();
  private readonly wide = new Tally<KnownHit>();
  private readonly unsupported: Record<string, number> = {};
  private readonly statistics = emptyStatistics();
  private variantsRun = 0;

  record(fuzzCase: FuzzCase, evaluation: CaseEvaluation): void {
    const values = statisticsOf(fuzzCase);
    for (const name of STATISTIC_NAMES)
      this.statistics[name][values[name]] = (this.statistics[name][values[name]] ?? 0) + 1;
    for (const hit of evaluation.known) this.known.add(hit);
    for (const hit of evaluation.knownButPassed) this.wide.add(hit);
    this.variantsRun += evaluation.variants.length;
    for (const variant of evaluation.variants) {
      if (variant.verdict !== 'unsupported') continue;
      const label = variant.variant ? `${variant.runner} ${variant.variant}` : variant.runner;
      this.unsupported[label] = (this.unsupported[label] ?? 0) + 1;
    }
  }

  /** Known-divergence hits so far (for progress). */
  knownTotal(): number {
    return this.known.total();
  }

  counts(): CaseCounts {
    return {
      known: this.known.list(),
      knownButPassed: this.wide.list(),
      unsupported: this.unsupported,
      variantsRun: this.variantsRun,
      statistics: this.statistics,
    };
  }
}
