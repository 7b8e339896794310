import { EXIT, UserError } from '../errors.js';
import type { LoadedCase, LoadedFile } from './load.js';

/** The cases of the files, restricted to `names` when given (each name must match something). */
export function selectCases(files: readonly LoadedFile[], names: readonly string[]): LoadedCase[] {
  const all = files.flatMap((file) => file.cases);
  if (names.length === 0) return all;
  const unknown = names.filter((name) => !all.some((entry) => entry.spec.name === name));
  if (unknown.length > 0) {
    const available = all.map((entry) => entry.spec.name).join(', ');
    throw new UserError(
      `no case named ${unknown.map((name) => `'${name}'`).join(', ')} (cases: ${available})`,
      EXIT.invalidInput,
    );
  }
  return all.filter((entry) => names.includes(entry.spec.name));
}
