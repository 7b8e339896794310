import { EXIT, UserError } from '../errors.js';
import type { LoadedCase, LoadedFile } from './load.js';

/** How many names an unknown --case lists: the closest ones, not a whole suite. */
const SUGGESTIONS = 8;

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The names closest to `wanted` (substring matches first), at most SUGGESTIONS of them. */
function closest(wanted: string, names: readonly string[]): string[] {
  const score = (name: string): number => (name.includes(wanted) ? -1 : editDistance(wanted, name));
  return [...new Set(names)].sort((a, b) => score(a) - score(b) || (a < b ? -1 : 1)).slice(0, SUGGESTIONS);
}

function unknownCases(unknown: readonly string[], names: readonly string[]): UserError {
  const nearest = closest(unknown[0]!, names);
  const more = names.length > nearest.length ? ` and ${names.length - nearest.length} more` : '';
  return new UserError(
    `no case named ${unknown.map((name) => `'${name}'`).join(', ')} (closest: ${nearest.join(', ')}${more}; ` +
      '`tconv explain FILE --format json` lists them all)',
    EXIT.invalidInput,
  );
}

/** The cases of the files, restricted to `names` when given (each name must match something). */
export function selectCases(files: readonly LoadedFile[], names: readonly string[]): LoadedCase[] {
  const all = files.flatMap((file) => file.cases);
  if (names.length === 0) return all;
  const unknown = names.filter((name) => !all.some((entry) => entry.spec.name === name));
  if (unknown.length > 0)
    throw unknownCases(
      unknown,
      all.map((entry) => entry.spec.name),
    );
  return all.filter((entry) => names.includes(entry.spec.name));
}
