/**
 * Where tconv may write. Output paths are checked before any work starts, so a long run is never
 * lost to a bad path at the end, and tconv replaces only files it wrote itself: an existing file
 * at an output path must be a tconv file of the same kind, anything else is refused.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXIT, UserError } from '../errors.js';
import { writeFileAtomic } from '../io.js';

/** What a file tconv writes looks like, so it can recognise its own earlier output. */
export type OutputKind = 'json' | 'junit' | 'html' | 'schema';

/** Up to this size an existing file is read whole; of a larger one (a 100 MB report), its start. */
const READ_WHOLE_BYTES = 16 << 20;
const START_BYTES = 64 << 10;
/** A JSON report's first fields (schema 1 was indented, schema 2 is not). */
const TCONV_REPORT_START = /^\{\s*"schemaVersion"\s*:\s*\d+\s*,\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"tconv"/;

const RECOGNISERS: Record<OutputKind, (text: string) => boolean> = {
  json: (text) => TCONV_REPORT_START.test(text) || parsedJson(text)?.['tool']?.['name'] === 'tconv',
  junit: (text) => /<testsuites name="tconv[" ]/.test(text.slice(0, 400)),
  // Reports from before the generator tag still carry tconv's title.
  html: (text) => /<meta name="generator" content="tconv">|<title>tconv /.test(text.slice(0, 2000)),
  schema: (text) =>
    typeof parsedJson(text)?.['title'] === 'string' && /^tconv /.test(String(parsedJson(text)!['title'])),
};

type JsonObject = Record<string, Record<string, unknown> | undefined>;

function parsedJson(text: string): JsonObject | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}

/** The file, or its first START_BYTES when it is larger than READ_WHOLE_BYTES. */
function readStart(path: string): string {
  const size = statSync(path).size;
  const buffer = Buffer.alloc(size <= READ_WHOLE_BYTES ? size : START_BYTES);
  const fd = openSync(path, 'r');
  try {
    let done = 0;
    for (let read = -1; done < buffer.length && read !== 0; done += read) {
      read = readSync(fd, buffer, done, buffer.length - done, done);
    }
    return buffer.subarray(0, done).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The nearest existing ancestor of `path` must be a directory, or the directories cannot be made. */
function checkParents(option: string, path: string): void {
  let parent = dirname(resolve(path));
  while (!existsSync(parent)) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) {
    throw new UserError(
      `${option} ${path}: cannot create a directory under ${parent}, which is a file`,
      EXIT.invalidInput,
    );
  }
}

/** Throws a UserError (exit 2) unless `path` can be written as `kind` without losing a user's file. */
export function checkOutputPath(option: string, path: string, kind: OutputKind): void {
  checkParents(option, path);
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    throw new UserError(`${option} ${path}: is a directory; give a file path`, EXIT.invalidInput);
  }
  let text: string;
  try {
    text = readStart(path);
  } catch (error) {
    throw new UserError(
      `${option} ${path}: cannot read the existing file (${(error as Error).message})`,
      EXIT.invalidInput,
    );
  }
  if (!RECOGNISERS[kind](text)) {
    throw new UserError(
      `${option} ${path}: refusing to overwrite an existing file that is not a tconv ${kind} output ` +
        '(tconv only replaces files it wrote); move it or choose another path',
      EXIT.invalidInput,
    );
  }
}

/** writeFileAtomic, with a failure reported as a usage error naming the path instead of a stack. */
export function writeOutput(path: string, content: string): void {
  try {
    writeFileAtomic(path, content);
  } catch (error) {
    throw new UserError(`cannot write ${path}: ${(error as Error).message}`, EXIT.invalidInput);
  }
}
