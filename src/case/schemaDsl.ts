/**
 * A small schema language: one definition drives both validation (with field paths, so errors can
 * point at file:line:column) and the published JSON Schema (`cases/schema.json`). Objects are
 * closed: unknown fields are errors (the test262 frontmatter idea: a closed vocabulary).
 */

export type FieldPath = readonly (string | number)[];

interface Described {
  readonly description?: string;
}

export type Schema =
  | ({ readonly kind: 'string'; readonly pattern?: string; readonly enum?: readonly string[] } & Described)
  | ({ readonly kind: 'integer'; readonly minimum?: number } & Described)
  | ({
      readonly kind: 'number';
      readonly minimum?: number;
      readonly maximum?: number;
      /**
       * Also accept NaN and +-Infinity (YAML `.nan`, `.inf`, `-.inf`); the bounds apply to finite
       * values. JSON has no such numbers, so the JSON Schema spells them as strings (a sibling
       * `oneOf` option) and this flag does not appear in it.
       */
      readonly nonFinite?: boolean;
    } & Described)
  | ({ readonly kind: 'boolean' } & Described)
  | ({
      readonly kind: 'array';
      readonly items: Schema;
      readonly minItems?: number;
      readonly maxItems?: number;
    } & Described)
  | ({
      readonly kind: 'object';
      readonly properties: Readonly<Record<string, Schema>>;
      readonly required?: readonly string[];
    } & Described)
  | ({ readonly kind: 'oneOf'; readonly options: readonly Schema[]; readonly label: string } & Described);

export interface SchemaError {
  readonly path: FieldPath;
  /** What was expected, e.g. "an integer >= 1". */
  readonly expected: string;
  /** What was found, e.g. "the string \"two\"". */
  readonly found: string;
  /** Extra advice (did-you-mean). */
  readonly hint?: string;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'a mapping';
}

/** A short noun phrase for what a schema accepts. */
export function expectedPhrase(schema: Schema): string {
  switch (schema.kind) {
    case 'string':
      if (schema.enum) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
      return schema.pattern ? `a string matching ${schema.pattern}` : 'a string';
    case 'integer':
      return schema.minimum === undefined ? 'an integer' : `an integer >= ${schema.minimum}`;
    case 'number':
      if (schema.minimum !== undefined && schema.maximum !== undefined) {
        return `a number from ${schema.minimum} to ${schema.maximum}`;
      }
      return schema.minimum === undefined ? 'a finite number' : `a number >= ${schema.minimum}`;
    case 'boolean':
      return 'true or false';
    case 'array':
      return `a list of ${expectedPhrase(schema.items).replace(/^(an?|one of) /, '')}s`.replace(/ss$/, 's');
    case 'object':
      return 'a mapping';
    case 'oneOf':
      return schema.label;
  }
}

function jsKind(value: unknown): Schema['kind'] | 'null' {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return 'null';
}

function accepts(schema: Schema, kind: ReturnType<typeof jsKind>): boolean {
  if (schema.kind === 'oneOf') return schema.options.some((option) => accepts(option, kind));
  if (schema.kind === 'number') return kind === 'number' || kind === 'integer';
  return schema.kind === kind;
}

/** Edit distance, for "did you mean" hints on unknown fields. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Validates a plain JS value (parsed YAML); returns every error found, in document order. */
export function validate(schema: Schema, value: unknown, path: FieldPath = []): SchemaError[] {
  const kind = jsKind(value);
  const mismatch = (): SchemaError[] => [{ path, expected: expectedPhrase(schema), found: describeValue(value) }];
  switch (schema.kind) {
    case 'oneOf': {
      const candidates = schema.options.filter((option) => accepts(option, kind));
      if (candidates.length === 0) return mismatch();
      let fewest: SchemaError[] | undefined;
      for (const option of candidates) {
        const errors = validate(option, value, path);
        if (errors.length === 0) return [];
        if (!fewest || errors.length < fewest.length) fewest = errors;
      }
      return candidates.length === 1 ? (fewest ?? []) : mismatch();
    }
    case 'string':
      if (kind !== 'string') return mismatch();
      if (schema.enum && !schema.enum.includes(value as string)) {
        const hint = closestName(value as string, schema.enum);
        return [
          {
            path,
            expected: expectedPhrase(schema),
            found: describeValue(value),
            ...(hint ? { hint: `did you mean ${JSON.stringify(hint)}?` } : {}),
          },
        ];
      }
      if (schema.pattern && !new RegExp(schema.pattern).test(value as string)) return mismatch();
      return [];
    case 'integer':
      if (kind !== 'integer') return mismatch();
      // YAML reads 1e308 as an integer-valued number: past 2^53 integers are no longer exact
      // (x + 1 === x), and the geometry computed from them overflows to Infinity.
      if (!Number.isSafeInteger(value)) {
        return [
          {
            path,
            expected: `${expectedPhrase(schema)} up to ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`,
            found: describeValue(value),
          },
        ];
      }
      return schema.minimum !== undefined && (value as number) < schema.minimum ? mismatch() : [];
    case 'number':
      if (kind !== 'number' && kind !== 'integer') return mismatch();
      if (!Number.isFinite(value as number)) return schema.nonFinite ? [] : mismatch();
      if (schema.maximum !== undefined && (value as number) > schema.maximum) return mismatch();
      return schema.minimum !== undefined && (value as number) < schema.minimum ? mismatch() : [];
    case 'boolean':
      return kind === 'boolean' ? [] : mismatch();
    case 'array':
      return validateArray(schema, value, path, mismatch);
    case 'object':
      return validateObject(schema, value, path, mismatch);
  }
}

function validateArray(
  schema: Extract<Schema, { kind: 'array' }>,
  value: unknown,
  path: FieldPath,
  mismatch: () => SchemaError[],
): SchemaError[] {
  if (!Array.isArray(value)) return mismatch();
  const errors: SchemaError[] = [];
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    errors.push({
      path,
      expected: `at least ${schema.minItems} item(s)`,
      found: describeValue(value),
    });
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    errors.push({
      path,
      expected: `at most ${schema.maxItems} item(s)`,
      found: describeValue(value),
    });
  }
  // Stop after the first bad items: a list of 10^5 numbers must not give 10^5 errors.
  for (let index = 0; index < value.length && errors.length < 5; index++) {
    errors.push(...validate(schema.items, value[index], [...path, index]));
  }
  return errors;
}

function validateObject(
  schema: Extract<Schema, { kind: 'object' }>,
  value: unknown,
  path: FieldPath,
  mismatch: () => SchemaError[],
): SchemaError[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return mismatch();
  const record = value as Record<string, unknown>;
  const known = Object.keys(schema.properties);
  const errors: SchemaError[] = [];
  for (const field of schema.required ?? []) {
    if (record[field] === undefined) {
      errors.push({ path: [...path, field], expected: `the required field '${field}'`, found: 'nothing' });
    }
  }
  for (const [field, fieldValue] of Object.entries(record)) {
    const fieldSchema = schema.properties[field];
    if (!fieldSchema) {
      const hint = closestName(field, known);
      errors.push({
        path: [...path, field],
        expected: `a known field (one of: ${known.join(', ')})`,
        found: `the unknown field '${field}'`,
        ...(hint ? { hint: `did you mean '${hint}'?` } : {}),
      });
      continue;
    }
    errors.push(...validate(fieldSchema, fieldValue, [...path, field]));
  }
  return errors;
}

type JsonSchema = Record<string, unknown>;

/** JSON Schema (draft-07, which editors' YAML language servers understand) for a DSL schema. */
export function toJsonSchema(schema: Schema): JsonSchema {
  const described = (body: JsonSchema): JsonSchema =>
    schema.description ? { description: schema.description, ...body } : body;
  switch (schema.kind) {
    case 'string':
      return described({
        type: 'string',
        ...(schema.enum ? { enum: [...schema.enum] } : {}),
        ...(schema.pattern ? { pattern: schema.pattern } : {}),
      });
    case 'integer':
    case 'number':
      return described({
        type: schema.kind,
        ...(schema.minimum !== undefined ? { minimum: schema.minimum } : {}),
        ...(schema.kind === 'number' && schema.maximum !== undefined ? { maximum: schema.maximum } : {}),
      });
    case 'boolean':
      return described({ type: 'boolean' });
    case 'array':
      return described({
        type: 'array',
        items: toJsonSchema(schema.items),
        ...(schema.minItems !== undefined ? { minItems: schema.minItems } : {}),
        ...(schema.maxItems !== undefined ? { maxItems: schema.maxItems } : {}),
      });
    case 'object':
      return described({
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          Object.entries(schema.properties).map(([name, field]) => [name, toJsonSchema(field)]),
        ),
        ...(schema.required?.length ? { required: [...schema.required] } : {}),
      });
    case 'oneOf':
      return described({ oneOf: schema.options.map(toJsonSchema) });
  }
}
