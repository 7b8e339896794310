/**
 * Reading case files: YAML -> schema validation -> defaults -> geometry, every problem reported as
 * file:line:column, the field path and what was expected.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { EXIT, UserError, type Diagnostic } from '../errors.js';
import type { ConvTransposeGeometry } from '../geometry/types.js';
import { loadItemByItem } from './loadByItem.js';
import { formatPath, locate } from './locate.js';
import { numericTensors, resolveCaseEntry, type CaseFileSource } from './resolveCase.js';
import { caseFileSchema } from './schema.js';
import { validate, type FieldPath, type SchemaError } from './schemaDsl.js';
import { isWantedPath, wantedInValue } from './wantedCases.js';
import type { CaseSpec } from './types.js';

export interface LoadedCase {
  /** Stable id `fileId/name`: used for filters, expectations and report anchors. */
  readonly id: string;
  readonly file: string;
  readonly fileId: string;
  readonly spec: CaseSpec;
  readonly geometry: ConvTransposeGeometry;
  readonly seed: number;
  readonly line: number;
}

export interface LoadedFile {
  readonly path: string;
  readonly fileId: string;
  readonly description: string;
  readonly cases: readonly LoadedCase[];
}

export interface LoadOptions {
  /** Largest tensor (input, weight or output) a case may have, in elements. */
  readonly maxElements: number;
  /**
   * Only the cases with these names are wanted (`explain --case`): the others are neither parsed
   * where the file's layout allows it, nor checked, nor resolved (wantedCases.ts). Empty: all.
   */
  readonly caseNames?: readonly string[];
}

export const DEFAULT_MAX_ELEMENTS = 1 << 25;

/**
 * `cases/tf/same.yaml` -> `tf/same`: the file part of case ids. Ids must not depend on the
 * working directory (filters, expectations and report anchors use them), so a path under a
 * `cases/` folder is taken relative to it; other paths relative to the working directory when
 * inside it, else by their file name.
 */
export function fileIdOf(path: string): string {
  const absolute = resolve(path);
  const parts = absolute.slice(0, absolute.length - extname(absolute).length).split(sep);
  const casesAt = parts.lastIndexOf('cases');
  if (casesAt >= 0 && casesAt < parts.length - 1) return parts.slice(casesAt + 1).join('/');
  const local = relative(process.cwd(), parts.join(sep));
  return local.startsWith('..') || isAbsolute(local) ? parts[parts.length - 1]! : local.split(sep).join('/');
}

interface ParsedFile {
  readonly document: Document;
  readonly lineCounter: LineCounter;
  readonly value: unknown;
}

/** The file's text; an unreadable file is a located user error. */
function readCaseText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new UserError(`${path}: cannot read the case file (${code})`, EXIT.invalidInput, [
      { file: path, message: `cannot read the case file (${code})` },
    ]);
  }
}

function parse(path: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    const diagnostics = document.errors.map((error): Diagnostic => {
      const position = lineCounter.linePos(error.pos[0]);
      return {
        file: path,
        line: position.line,
        column: position.col,
        message: `invalid YAML: ${error.message.split('\n')[0]}`,
      };
    });
    throw new UserError(`${path}: invalid YAML`, EXIT.invalidInput, diagnostics);
  }
  // maxAliasCount bounds alias expansion ("billion laughs"); exceeding it is bad input, not a bug.
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    const message = `invalid YAML: ${(error as Error).message}`;
    throw new UserError(`${path}: ${message}`, EXIT.invalidInput, [{ file: path, message }]);
  }
  return { document, lineCounter, value };
}

function diagnosticAt(parsed: ParsedFile, path: string, field: FieldPath, message: string): Diagnostic {
  const position = locate(parsed.document, parsed.lineCounter, field);
  return { file: path, ...(position ?? {}), field: formatPath(field), message };
}

function schemaDiagnostic(parsed: ParsedFile, path: string, error: SchemaError): Diagnostic {
  const hint = error.hint ? ` (${error.hint})` : '';
  return diagnosticAt(parsed, path, error.path, `expected ${error.expected}, found ${error.found}${hint}`);
}

interface RawFile {
  readonly description: string;
  readonly defaults?: Record<string, unknown>;
  readonly cases: Record<string, unknown>[];
}

/**
 * Reads a case file. A well-formed file is read case by case (memory of one case's YAML at a
 * time); otherwise, or when anything in it is wrong, it is parsed whole, which locates every
 * problem exactly as always.
 */
export function loadCaseFile(path: string, options: LoadOptions): LoadedFile {
  const text = readCaseText(path);
  const fileId = fileIdOf(path);
  return loadItemByItem(text, { path, fileId, options }) ?? loadWhole(text, { path, fileId, options });
}

function loadWhole(text: string, file: CaseFileSource): LoadedFile {
  const { path } = file;
  const parsed = parse(path, text);
  const wanted = wantedInValue(file.options.caseNames ?? [], parsed.value);
  const schemaErrors = validate(caseFileSchema, parsed.value).filter((error) => isWantedPath(wanted, error.path));
  if (schemaErrors.length > 0) {
    const diagnostics = schemaErrors.map((error) => schemaDiagnostic(parsed, path, error));
    throw new UserError(`${path}: the case file does not match schema v1`, EXIT.invalidInput, diagnostics);
  }
  const raw = parsed.value as RawFile;
  if (raw.defaults) numericTensors(raw.defaults);
  const cases: LoadedCase[] = [];
  const rawCases = raw.cases
    .map((rawCase, index) => ({ rawCase, index }))
    .filter(({ index }) => isWantedPath(wanted, ['cases', index]));
  rawCases.forEach(({ rawCase }) => numericTensors(rawCase));
  const diagnostics: Diagnostic[] = [];
  const context = { ...file, ...(raw.defaults ? { defaults: raw.defaults } : {}), seen: new Map<string, number>() };
  rawCases.forEach(({ rawCase, index }) => {
    const loaded = resolveCaseEntry(rawCase, index, context, (at, message) =>
      diagnostics.push(diagnosticAt(parsed, path, at, message)),
    );
    if (loaded) {
      const line = locate(parsed.document, parsed.lineCounter, ['cases', index])?.line ?? 0;
      cases.push({ ...loaded, line });
    }
  });
  if (diagnostics.length > 0) {
    throw new UserError(`${path}: invalid case(s)`, EXIT.invalidInput, diagnostics);
  }
  return { path, fileId: file.fileId, description: raw.description, cases };
}

/** Expands directories into their .yaml/.yml files (sorted, recursive). */
export function expandCasePaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      files.push(path); // reported by loadCaseFile as unreadable
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const entries = readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((entry) => /\.ya?ml$/.test(entry))
      .sort();
    files.push(...entries.map((entry) => join(path, entry)));
  }
  return files;
}

/** Loads every file; collects the problems of all files before failing. */
export function loadCaseFiles(paths: readonly string[], options: LoadOptions): LoadedFile[] {
  const files = expandCasePaths(paths);
  if (files.length === 0) {
    throw new UserError(`no case files found in ${paths.join(', ')}`, EXIT.invalidInput);
  }
  const loaded: LoadedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    try {
      loaded.push(loadCaseFile(file, options));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      diagnostics.push(...(error.diagnostics.length ? error.diagnostics : [{ file, message: error.message }]));
    }
  }
  if (diagnostics.length > 0) {
    throw new UserError(`invalid case file(s)`, EXIT.invalidInput, diagnostics);
  }
  return loaded;
}
