/**
 * Where `tconv import` writes: like the report files (src/report/targets.ts), a path is checked
 * before any work and only a file tconv import wrote itself (its first line is the marker) is
 * replaced; the write is atomic (temporary file + rename).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXIT, UserError } from '../errors.js';
import { writeOutput } from '../report/targets.js';
import { IMPORT_MARKER } from './yaml.js';

export function checkImportTarget(path: string): void {
  let parent = dirname(resolve(path));
  while (!existsSync(parent)) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) {
    throw new UserError(`-o ${path}: cannot create a directory under ${parent}, which is a file`, EXIT.invalidInput);
  }
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory())
    throw new UserError(`-o ${path}: is a directory; give a file path`, EXIT.invalidInput);
  let head: string;
  try {
    head = readFileSync(path, 'utf8').slice(0, 200);
  } catch (error) {
    throw new UserError(`-o ${path}: cannot read the existing file (${(error as Error).message})`, EXIT.invalidInput);
  }
  if (!head.startsWith(IMPORT_MARKER)) {
    throw new UserError(
      `-o ${path}: refusing to overwrite an existing file that tconv import did not write ` +
        `(its first line is not '${IMPORT_MARKER}'); move it or choose another path`,
      EXIT.invalidInput,
    );
  }
}

export function writeImport(path: string, text: string): void {
  writeOutput(path, text);
}
