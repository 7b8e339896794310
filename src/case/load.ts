/**
 * Reading case files: YAML -> schema validation -> defaults -> geometry, every problem reported as
 * file:line:column, the field path and what was expected.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { literalDataIssues } from '../data/tensors.js';
import { stableHash } from '../data/random.js';
import { EXIT, UserError, type Diagnostic } from '../errors.js';
import { resolveGeometry } from '../geometry/resolve.js';
import type { ConvTransposeGeometry } from '../geometry/types.js';
import { formatPath, locate } from './locate.js';
import { sizeCulprit } from './sizeCulprit.js';
import { caseFileSchema, REQUIRED_CASE_FIELDS } from './schema.js';
import { validate, type FieldPath, type SchemaError } from './schemaDsl.js';
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

function parse(path: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new UserError(`${path}: cannot read the case file (${code})`, EXIT.invalidInput, [
      { file: path, message: `cannot read the case file (${code})` },
    ]);
  }
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

const SPECIAL_STRINGS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/** Literal tensors (validated) with "NaN" / "Infinity" / "-Infinity" strings turned into numbers, in place. */
function numericTensors(fields: Record<string, unknown>): void {
  const convert = (holder: unknown, keys: readonly string[]): void => {
    if (typeof holder !== 'object' || holder === null) return;
    const record = holder as Record<string, unknown>;
    for (const key of keys) {
      const values = record[key];
      if (Array.isArray(values) && values.some((value) => typeof value === 'string')) {
        record[key] = values.map((value: unknown) => (typeof value === 'string' ? SPECIAL_STRINGS[value] : value));
      }
    }
  };
  convert(fields['data'], ['input', 'weight', 'bias']);
  convert(fields['expect'], ['output']);
}

export function loadCaseFile(path: string, options: LoadOptions): LoadedFile {
  const parsed = parse(path);
  const schemaErrors = validate(caseFileSchema, parsed.value);
  if (schemaErrors.length > 0) {
    const diagnostics = schemaErrors.map((error) => schemaDiagnostic(parsed, path, error));
    throw new UserError(`${path}: the case file does not match schema v1`, EXIT.invalidInput, diagnostics);
  }
  const raw = parsed.value as RawFile;
  if (raw.defaults) numericTensors(raw.defaults);
  raw.cases.forEach(numericTensors);
  const fileId = fileIdOf(path);
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, number>();
  const cases: LoadedCase[] = [];
  raw.cases.forEach((rawCase, index) => {
    const spec = { ...raw.defaults, ...rawCase } as unknown as CaseSpec;
    // A field's problem points at the case when the case sets it, else at `defaults`.
    const fieldPath = (field: string): FieldPath => {
      const top = field.split('.')[0]!;
      const base: FieldPath =
        top in rawCase || !(raw.defaults && top in raw.defaults) ? ['cases', index] : ['defaults'];
      return [...base, ...field.split('.')];
    };
    const report = (field: string, message: string): void => {
      const at = fieldPath(field);
      // Several cases may inherit the same field: say which one the problem is in.
      const which = at[0] === 'defaults' ? ` (in case '${spec.name}', inherited from defaults)` : '';
      diagnostics.push(diagnosticAt(parsed, path, at, message + which));
    };
    const missing = REQUIRED_CASE_FIELDS.filter((field) => spec[field] === undefined);
    if (missing.length > 0) {
      for (const field of missing) {
        diagnostics.push(
          diagnosticAt(
            parsed,
            path,
            ['cases', index],
            `expected the required field '${field}' (in the case or in defaults), found nothing`,
          ),
        );
      }
      return;
    }
    const previous = seen.get(spec.name);
    if (previous !== undefined) {
      report('name', `duplicate case name '${spec.name}' (also cases[${previous}])`);
      return;
    }
    seen.set(spec.name, index);
    const loaded = loadCase(spec, fileId, path, options, report);
    if (loaded) {
      const line = locate(parsed.document, parsed.lineCounter, ['cases', index])?.line ?? 0;
      cases.push({ ...loaded, line });
    }
  });
  if (diagnostics.length > 0) {
    throw new UserError(`${path}: invalid case(s)`, EXIT.invalidInput, diagnostics);
  }
  return { path, fileId, description: raw.description, cases };
}

function loadCase(
  spec: CaseSpec,
  fileId: string,
  path: string,
  options: LoadOptions,
  report: (field: string, message: string) => void,
): Omit<LoadedCase, 'line'> | null {
  if (spec.tolerance?.ulp !== undefined && (spec.tolerance.atol !== undefined || spec.tolerance.rtol !== undefined)) {
    report('tolerance', 'give either {ulp} or {atol, rtol}, not both');
  }
  const resolved = resolveGeometry(spec);
  if (!resolved.ok) {
    for (const issue of resolved.issues) report(issue.field, issue.message);
    return null;
  }
  const { geometry } = resolved;
  const sizes: ['input' | 'weight' | 'output', number, readonly number[]][] = [
    ['input', geometry.inputElements, geometry.inputShape],
    ['weight', geometry.weightElements, geometry.weightShape],
    ['output', geometry.outputElements, geometry.outputShape],
  ];
  for (const [what, elements, shape] of sizes) {
    // Not a safe integer: sizes from huge (safe) strides or dilations, whatever --max-elements says.
    if (!Number.isSafeInteger(elements) || elements > options.maxElements) {
      const limit =
        elements > options.maxElements
          ? `above the limit of ${options.maxElements} (raise it with --max-elements or TCONV_MAX_ELEMENTS)`
          : `more than can be indexed exactly (2^53 - 1)`;
      report(
        sizeCulprit(what, spec, geometry),
        `the ${what} tensor [${shape.join(', ')}] has ${elements} elements, ${limit}`,
      );
      return null;
    }
  }
  const dataIssues = literalDataIssues(spec, geometry);
  for (const issue of dataIssues) report(issue.field, issue.message);
  if (dataIssues.length > 0) return null;
  return {
    id: `${fileId}/${spec.name}`,
    file: path,
    fileId,
    spec,
    geometry,
    seed: spec.seed ?? stableHash(`${fileId}/${spec.name}`),
  };
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
