/**
 * Loading a saved output file for `tconv compare`: the format from the extension (.npy, .json),
 * else from the content; every problem a usage error (exit 2) naming the file and what was
 * expected.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { EXIT, UserError } from '../errors.js';
import { SavedFormatError, type SavedArray } from './array.js';
import { parseSavedJson } from './json.js';
import { hasNpyMagic, parseNpy } from './npy.js';

/**
 * A generous bound on the bytes per element of a well-formed file (a JSON number with its comma
 * and nesting; a .npy element takes at most 8), so a huge file is refused before it is read. The
 * readers then check the element count exactly.
 */
const MAX_BYTES_PER_ELEMENT = 64;
const HEADER_ALLOWANCE = 1 << 20;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

type Format = 'npy' | 'json';

function refuse(path: string, message: string, field?: string): UserError {
  return new UserError(`${path}: ${message}`, EXIT.invalidInput, [
    { file: path, ...(field ? { field } : {}), message },
  ]);
}

function formatOf(path: string, bytes: Uint8Array): Format {
  const extension = extname(path).toLowerCase();
  if (extension === '.npy' || hasNpyMagic(bytes)) return 'npy';
  if (extension === '.npz' || ZIP_MAGIC.every((byte, index) => bytes[index] === byte)) {
    throw refuse(path, 'is a .npz archive; save the one output array with np.save(path, array) (.npy)');
  }
  if (extension === '.json' || new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith('{')) {
    return 'json';
  }
  throw refuse(path, 'unknown format: expected a .npy file (np.save) or JSON {"shape": [...], "data": [...]}');
}

function readBytes(path: string, maxElements: number): Uint8Array {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw refuse(path, 'is a directory; give the saved output file');
    const limit = maxElements * MAX_BYTES_PER_ELEMENT + HEADER_ALLOWANCE;
    if (stat.size > limit) throw refuse(path, `is ${stat.size} bytes, too large for --max-elements ${maxElements}`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw refuse(path, `cannot read the saved output (${code})`);
  }
}

function utf8Text(path: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw refuse(path, 'is not UTF-8 text (expected JSON)');
  }
}

/** Reads OUT; throws a UserError (exit 2) naming the file and what was wrong with it. */
export function loadSavedOutput(path: string, maxElements: number): SavedArray {
  const bytes = readBytes(path, maxElements);
  const format = formatOf(path, bytes);
  try {
    return format === 'npy' ? parseNpy(bytes, maxElements) : parseSavedJson(utf8Text(path, bytes), maxElements);
  } catch (error) {
    if (error instanceof SavedFormatError) throw refuse(path, error.message, error.field);
    throw error;
  }
}
