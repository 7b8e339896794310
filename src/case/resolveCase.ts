/**
 * One case of a case file, from its parsed (and schema-valid) mapping to a LoadedCase: defaults
 * merged in, required fields, unique names, geometry, size limits and literal data checked. Used
 * by both ways of reading a file (whole, or item by item); problems go to `report` with the field
 * path they are about, which the caller turns into file:line:column.
 */
import { literalDataIssues } from '../data/tensors.js';
import { stableHash } from '../data/random.js';
import { resolveGeometry } from '../geometry/resolve.js';
import type { LoadedCase, LoadOptions } from './load.js';
import { REQUIRED_CASE_FIELDS } from './schema.js';
import type { FieldPath } from './schemaDsl.js';
import { sizeCulprit } from './sizeCulprit.js';
import type { CaseSpec } from './types.js';

const SPECIAL_STRINGS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/** Literal tensors (validated) with "NaN" / "Infinity" / "-Infinity" strings turned into numbers, in place. */
export function numericTensors(fields: Record<string, unknown>): void {
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

/** Which file is being read, and how. */
export interface CaseFileSource {
  readonly path: string;
  readonly fileId: string;
  readonly options: LoadOptions;
}

export interface CaseFileContext extends CaseFileSource {
  readonly defaults?: Record<string, unknown>;
  /** Case names seen so far, with their index. */
  readonly seen: Map<string, number>;
}

/** The case at `index` (its mapping, schema-valid), or null after reporting why not. */
export function resolveCaseEntry(
  rawCase: Record<string, unknown>,
  index: number,
  context: CaseFileContext,
  report: (at: FieldPath, message: string) => void,
): Omit<LoadedCase, 'line'> | null {
  const { defaults } = context;
  const spec = { ...defaults, ...rawCase } as unknown as CaseSpec;
  // A field's problem points at the case when the case sets it, else at `defaults`.
  const fieldPath = (field: string): FieldPath => {
    const top = field.split('.')[0]!;
    const base: FieldPath = top in rawCase || !(defaults && top in defaults) ? ['cases', index] : ['defaults'];
    return [...base, ...field.split('.')];
  };
  const reportField = (field: string, message: string): void => {
    const at = fieldPath(field);
    // Several cases may inherit the same field: say which one the problem is in.
    const which = at[0] === 'defaults' ? ` (in case '${spec.name}', inherited from defaults)` : '';
    report(at, message + which);
  };
  const missing = REQUIRED_CASE_FIELDS.filter((field) => spec[field] === undefined);
  for (const field of missing) {
    report(['cases', index], `expected the required field '${field}' (in the case or in defaults), found nothing`);
  }
  if (missing.length > 0) return null;
  const previous = context.seen.get(spec.name);
  if (previous !== undefined) {
    reportField('name', `duplicate case name '${spec.name}' (also cases[${previous}])`);
    return null;
  }
  context.seen.set(spec.name, index);
  return loadCase(spec, context.fileId, context.path, context.options, reportField);
}
