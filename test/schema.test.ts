/**
 * The published JSON Schema (cases/schema.json, for editors) is exactly what `tconv schema`
 * prints, and every bundled case file validates: through tconv's own loader and through the
 * JSON Schema itself (checked by a small independent draft-07 subset validator below).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_MAX_ELEMENTS, loadCaseFiles } from '../src/case/load.js';
import { REPO_ROOT, runCli, type CliResult } from './helpers/cli.js';

const SCHEMA_PATH = join(REPO_ROOT, 'cases', 'schema.json');
const DRIFT =
  'cases/schema.json is out of date with the case schema (src/case/schema.ts): run `npm run schema` and commit the result';

function bundledCaseFiles(): string[] {
  return readdirSync(join(REPO_ROOT, 'cases'), { recursive: true, encoding: 'utf8' })
    .filter((entry) => /\.ya?ml$/.test(entry))
    .sort()
    .map((entry) => join('cases', entry));
}

// ---------------------------------------------------------------- a draft-07 subset validator

type JsonSchema = Record<string, unknown>;

const KEYWORDS = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'type',
  'enum',
  'pattern',
  'minimum',
  'maximum',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'additionalProperties',
  'required',
  'oneOf',
]);

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      throw new Error(`unsupported type ${type}`);
  }
}

/** Errors as `path: problem`; throws on keywords it does not implement (so none is silently ignored). */
function jsonSchemaErrors(schema: JsonSchema, value: unknown, path = '$'): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!KEYWORDS.has(keyword)) throw new Error(`the test validator does not implement '${keyword}' (at ${path})`);
  }
  if (schema['oneOf']) {
    const matching = (schema['oneOf'] as JsonSchema[]).filter(
      (option) => jsonSchemaErrors(option, value, path).length === 0,
    );
    return matching.length === 1 ? [] : [`${path}: matches ${matching.length} of the oneOf options`];
  }
  if (typeof schema['type'] === 'string' && !typeMatches(schema['type'], value))
    return [`${path}: not ${schema['type']}`];
  const errors: string[] = [];
  if (schema['enum'] && !(schema['enum'] as unknown[]).includes(value)) errors.push(`${path}: not in enum`);
  if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern']).test(value as string))
    errors.push(`${path}: pattern`);
  if (typeof schema['minimum'] === 'number' && (value as number) < schema['minimum'])
    errors.push(`${path}: below minimum`);
  if (typeof schema['maximum'] === 'number' && (value as number) > schema['maximum'])
    errors.push(`${path}: above maximum`);
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems'])
      errors.push(`${path}: too few items`);
    if (typeof schema['maxItems'] === 'number' && value.length > schema['maxItems'])
      errors.push(`${path}: too many items`);
    if (schema['items'])
      value.forEach((item, index) =>
        errors.push(...jsonSchemaErrors(schema['items'] as JsonSchema, item, `${path}[${index}]`)),
      );
  }
  if (typeMatches('object', value) && (schema['properties'] || schema['required'])) {
    const record = value as Record<string, unknown>;
    const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
    for (const field of (schema['required'] ?? []) as string[]) {
      if (!(field in record)) errors.push(`${path}.${field}: required`);
    }
    for (const [field, fieldValue] of Object.entries(record)) {
      if (properties[field]) errors.push(...jsonSchemaErrors(properties[field], fieldValue, `${path}.${field}`));
      else if (schema['additionalProperties'] === false) errors.push(`${path}.${field}: unknown field`);
    }
  }
  return errors;
}

// ---------------------------------------------------------------- tests

describe('cases/schema.json', () => {
  let printed: CliResult;
  let written: CliResult;
  const scratch = mkdtempSync(join(tmpdir(), 'tconv-schema-'));
  beforeAll(async () => {
    [printed, written] = await Promise.all([
      runCli(['schema']),
      runCli(['schema', '--write', join(scratch, 'schema.json')]),
    ]);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('equals the output of `tconv schema` (run `npm run schema` when it drifts)', () => {
    expect(printed.code).toBe(0);
    expect(printed.stderr).toBe('');
    expect(readFileSync(SCHEMA_PATH, 'utf8'), DRIFT).toBe(printed.stdout);
  });

  it('`tconv schema --write PATH` writes the same document', () => {
    expect(written).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(scratch, 'schema.json'), 'utf8')).toBe(printed.stdout);
  });

  it('is a closed draft-07 schema describing case files', () => {
    const schema = JSON.parse(printed.stdout) as JsonSchema;
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      required: ['description', 'cases'],
    });
    const cases = (schema['properties'] as Record<string, JsonSchema>)['cases']!;
    expect(cases).toMatchObject({
      type: 'array',
      minItems: 1,
      items: { type: 'object', additionalProperties: false, required: ['name'] },
    });
  });
});

describe('the bundled case files', () => {
  const files = bundledCaseFiles();
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as JsonSchema;

  it('include the documented seeds', () => {
    expect(files).toContain(join('cases', 'seeds.yaml'));
  });

  it.each(files)('%s validates against cases/schema.json', (file) => {
    const value: unknown = parse(readFileSync(join(REPO_ROOT, file), 'utf8'));
    expect(jsonSchemaErrors(schema, value)).toEqual([]);
  });

  it('all load through tconv (schema, defaults, geometry, literal data)', () => {
    const loaded = loadCaseFiles(
      files.map((file) => join(REPO_ROOT, file)),
      { maxElements: DEFAULT_MAX_ELEMENTS },
    );
    expect(loaded.reduce((count, file) => count + file.cases.length, 0)).toBeGreaterThanOrEqual(16);
  });

  it('the JSON Schema rejects what the loader rejects as schema errors, and no more', () => {
    const fixture = (name: string): unknown =>
      parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'bad', name), 'utf8'));
    expect(jsonSchemaErrors(schema, fixture('wrong-type.yaml'))).toEqual([
      '$.cases[0].strides: matches 0 of the oneOf options',
    ]);
    expect(jsonSchemaErrors(schema, fixture('unknown-field.yaml'))).toEqual(['$.cases[0].strid: unknown field']);
    // Rules across fields (ranks, groups, padding rules) are the loader's, not the schema's.
    for (const name of [
      'group-not-divide.yaml',
      'tf-output-shape.yaml',
      'output-padding-too-large.yaml',
      'defaults-invalid.yaml',
    ]) {
      expect(jsonSchemaErrors(schema, fixture(name)), name).toEqual([]);
    }
  });
});
