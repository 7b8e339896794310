/**
 * The run report: everything a reporter renders (console, JSON, JUnit, HTML), JSON-serialisable
 * and versioned. `tconv merge` combines several of these (shards) into one.
 */
import type { RunnerAgreement } from '../compare/index.js';
import type { Spelling } from '../geometry/spellings.js';
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { ExpectedDivergence } from '../case/types.js';
import type { NativeCall } from '../../runners/types.js';
import type { Judgement } from './judge.js';
import type { Status } from './status.js';

/**
 * 2: written as a stream (header line, one case per line, trailer; docs/report-format.md), with
 * passing variants lean unless `--details all`, `spellings` optional, and `summary`. `merge` reads 1 and 2.
 */
export const REPORT_SCHEMA_VERSION = 2;

/** Schema versions `merge` reads. */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

/** How much per-element data reports keep: `failing` (default) trims passing variants. */
export type DetailLevel = 'failing' | 'all';

export interface VariantReport {
  readonly runner: string;
  /** The spelling run (e.g. 'pads', 'auto_pad=SAME_UPPER', 'same'); null for the reference. */
  readonly variant: string | null;
  readonly emulation?: string;
  readonly call?: NativeCall;
  readonly version: string;
  readonly wallMs: number;
  readonly status: Status;
  readonly judgement: Judgement;
  readonly expected?: ExpectedDivergence;
  /**
   * The runner's output (layout order), embedded for reports when it is not a pass and small; on
   * the reference row, the case's documented expect when it mismatches the reference.
   */
  readonly output?: readonly number[];
  /**
   * 'summary' when the per-element parts of `judgement.comparison` (worst elements, histograms)
   * were left out because the variant passed (schema 2, without `--details all`).
   */
  readonly detail?: 'summary';
}

export interface CaseReport {
  /** Stable id `file/case`: filters, expectations and report anchors use it. */
  readonly id: string;
  readonly file: string;
  readonly name: string;
  readonly line: number;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly seed: number;
  readonly convention: string;
  readonly conventionKind: string;
  readonly geometry: ConvTransposeGeometry;
  /** The framework spellings; left out of lean reports (schema 2): allSpellings(geometry) rebuilds them. */
  readonly spellings?: readonly Spelling[];
  readonly tolerance: string;
  readonly variants: readonly VariantReport[];
  /** Runner variants compared with each other (two or more outputs): the odd one out. */
  readonly agreement?: RunnerAgreement;
  /** The reference output (layout order), embedded when some variant's output is. */
  readonly referenceOutput?: readonly number[];
}

/** Outputs up to this many elements are embedded in reports (heatmaps, numeric grids). */
export const MAX_EMBEDDED_ELEMENTS = 1 << 16;

export interface RunReport {
  /** 1 for reports written before streaming; merge reads both. */
  readonly schemaVersion: number;
  /** `revision`: the git commit of the tconv checkout (`<sha>[-dirty]`), absent outside git. */
  readonly tool: { readonly name: 'tconv'; readonly version: string; readonly revision?: string };
  readonly environment: {
    readonly node: string;
    readonly platform: string;
    /** Runner name -> the version it reported (framework versions). */
    readonly runners: Readonly<Record<string, string>>;
  };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly selection: {
    readonly filter: readonly string[];
    /**
     * Which shards of a `--shard i/n` split the report holds: `"i/n"` for `tconv run --shard i/n`;
     * null for the whole selection (an unsharded run, or a `tconv merge` of every shard 1..n);
     * `"partial: i,j,... of n"` (ascending) for a `tconv merge --allow-partial` that lacked some
     * shards. The partial form stays a string so schema v1 readers keep working, and any reader
     * that shows the field, or checks it against null or `i/n`, does not mistake the partial
     * report for a complete one. parseShardSelection reads all three forms.
     */
    readonly shard: string | null;
    readonly runners: readonly string[];
  };
  readonly files: readonly { readonly path: string; readonly fileId: string; readonly description: string }[];
  readonly cases: readonly CaseReport[];
  /** Schema 2: written last; `complete: false` when the run was interrupted or failed midway. */
  readonly summary?: RunSummary;
}

/** The report without its cases and duration: what a streamed report writes first. */
export type RunHeader = Omit<RunReport, 'cases' | 'durationMs' | 'summary'>;

/** What a streamed report writes last (the trailer). */
export interface RunSummary {
  /** False when the run stopped early (Ctrl-C, SIGTERM, an internal error): the cases present are finished ones. */
  readonly complete: boolean;
  /** Why the run stopped early, when it did. */
  readonly stopped?: string;
  readonly cases: number;
  /** Cases selected for the run (more than `cases` when it stopped early). */
  readonly selected: number;
  readonly counts: StatusCounts;
}

/** The shard indices (1-based, ascending) of a `--shard i/n` split that a report holds. */
export interface ShardSelection {
  readonly indices: readonly number[];
  readonly count: number;
}

const PARTIAL_SHARD = /^partial: (\d+(?:,\d+)*) of (\d+)$/;

export function formatPartialShard(indices: readonly number[], count: number): string {
  return `partial: ${[...indices].sort((a, b) => a - b).join(',')} of ${count}`;
}

/** Reads a non-null `selection.shard` (`i/n` or the partial form); undefined when it is neither. */
export function parseShardSelection(text: string): ShardSelection | undefined {
  const single = /^(\d+)\/(\d+)$/.exec(text);
  const partial = PARTIAL_SHARD.exec(text);
  const count = Number((single ?? partial)?.[2]);
  const indices = single ? [Number(single[1])] : (partial?.[1]!.split(',').map(Number) ?? []);
  const valid = indices.length > 0 && indices.every((index) => index >= 1 && index <= count);
  return valid && new Set(indices).size === indices.length ? { indices, count } : undefined;
}

export type StatusCounts = Partial<Record<Status, number>>;

export function countStatuses(report: Pick<RunReport, 'cases'>): StatusCounts {
  const counts: StatusCounts = {};
  for (const entry of report.cases) {
    for (const variant of entry.variants) counts[variant.status] = (counts[variant.status] ?? 0) + 1;
  }
  return counts;
}
