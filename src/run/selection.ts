/** Which cases a run takes: `--filter GLOB` on case ids, then `--shard i/n`. */
import type { LoadedCase } from '../case/load.js';
import { EXIT, UserError } from '../errors.js';
import { globToRegExp } from './expectations.js';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string | undefined): Shard | null {
  if (text === undefined) return null;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UserError(`--shard expects i/n with 1 <= i <= n (e.g. 2/4), got '${text}'`, EXIT.invalidInput);
  }
  return { index, count };
}

/**
 * Filters by id globs (any matches), then keeps shard i of n: the cases sorted by id, dealt
 * round-robin, so shards are balanced and the split depends only on the ids.
 */
export function selectForRun(
  cases: readonly LoadedCase[],
  filters: readonly string[],
  shard: Shard | null,
): LoadedCase[] {
  const patterns = filters.map(globToRegExp);
  const filtered = patterns.length
    ? cases.filter((entry) => patterns.some((pattern) => pattern.test(entry.id)))
    : [...cases];
  if (patterns.length && cases.length && !filtered.length) throw noMatch(filters, cases);
  if (!shard) return filtered;
  const sorted = [...filtered].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.filter((_, position) => position % shard.count === shard.index - 1);
}

/** A filter that selects nothing is a usage error: a silent green run would hide a typo. */
function noMatch(filters: readonly string[], cases: readonly LoadedCase[]): UserError {
  const quoted = filters.map((filter) => `'${filter}'`).join(', ');
  return new UserError(
    `--filter ${quoted} matched none of the ${cases.length} case ids (they look like '${cases[0]!.id}'; ` +
      `'*' stops at '/', '**' does not)`,
    EXIT.invalidInput,
  );
}
