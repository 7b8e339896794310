/**
 * A saved output as JSON: `{"shape": [...], "data": [...]}` with `data` flat (row-major) or
 * nested lists (then `shape` may be left out). Values are numbers or the strings "NaN",
 * "Infinity", "-Infinity"; Python's json.dump writes those three as bare words, which strict
 * JSON refuses, so they are accepted bare as well.
 */
import { SavedFormatError, elementCount, type SavedArray } from './array.js';

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const VALUE_HINT = 'a number or "NaN", "Infinity", "-Infinity"';
const KEYS = ['shape', 'data'];

/** Quotes bare NaN / Infinity / -Infinity (Python's json.dump output); strings are matched whole and kept. */
function quoteBareNonFinite(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)/g, (match, word?: string) => (word ? `"${word}"` : match));
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    try {
      return JSON.parse(quoteBareNonFinite(text));
    } catch {
      throw new SavedFormatError(`not valid JSON: ${(error as Error).message}`);
    }
  }
}

function toNumber(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value in NON_FINITE) return NON_FINITE[value]!;
  throw new SavedFormatError(`expected ${VALUE_HINT}, got ${JSON.stringify(value) ?? String(value)}`, field);
}

const described = (shape: readonly number[] | null): string => (shape ? `[${shape.join(', ')}]` : 'a value');

function notRectangular(
  field: string,
  index: number,
  first: number[] | null,
  other: number[] | null,
): SavedFormatError {
  return new SavedFormatError(
    `nested lists are not rectangular: ${field}[0] is ${described(first)} but ${field}[${index}] is ${described(other)}`,
    `${field}[${index}]`,
  );
}

/** The shape of nested lists, checking that they are rectangular (all values at one depth). */
function nestedShape(data: readonly unknown[], field: string): number[] {
  if (!data.some(Array.isArray)) return [data.length];
  const shapeAt = (index: number): number[] | null => {
    const item: unknown = data[index];
    return Array.isArray(item) ? nestedShape(item, `${field}[${index}]`) : null;
  };
  const inner = shapeAt(0);
  if (!inner) {
    const list = data.findIndex(Array.isArray);
    throw notRectangular(field, list, null, shapeAt(list));
  }
  for (let index = 1; index < data.length; index++) {
    const shape = shapeAt(index);
    if (!shape || shape.join(',') !== inner.join(',')) throw notRectangular(field, index, inner, shape);
  }
  return [data.length, ...inner];
}

function flatten(data: readonly unknown[], field: string, into: number[]): void {
  data.forEach((item, index) => {
    if (Array.isArray(item)) flatten(item, `${field}[${index}]`, into);
    else into.push(toNumber(item, `${field}[${index}]`));
  });
}

function givenShape(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((size) => Number.isSafeInteger(size) && (size as number) >= 0)) {
    throw new SavedFormatError('expected a list of non-negative integers', 'shape');
  }
  return value as number[];
}

/** Reads a JSON saved output. Throws SavedFormatError (with the field) for anything ill-formed. */
export function parseSavedJson(text: string, maxElements: number): SavedArray {
  const root = parseText(text);
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new SavedFormatError('expected an object {"shape": [...], "data": [...]}');
  }
  const record = root as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !KEYS.includes(key));
  if (unknown.length) throw new SavedFormatError(`unknown field (expected only "shape" and "data")`, unknown[0]);
  const data = record['data'];
  if (!Array.isArray(data)) throw new SavedFormatError('expected a list of values (flat or nested)', 'data');
  const shape = givenShape(record['shape']);
  const nested = data.some(Array.isArray) ? nestedShape(data, 'data') : null;
  if (!shape && !nested) {
    throw new SavedFormatError('is required when "data" is a flat list (give the output shape)', 'shape');
  }
  const outputShape = shape ?? nested!;
  const count = elementCount(outputShape, maxElements);
  if (nested && shape && nested.join(',') !== shape.join(',')) {
    throw new SavedFormatError(
      `"data" is nested as [${nested.join(', ')}] but "shape" is [${shape.join(', ')}]`,
      'data',
    );
  }
  const values: number[] = [];
  flatten(data, 'data', values);
  if (!nested && values.length !== count) {
    throw new SavedFormatError(`has ${values.length} values but shape [${shape!.join(', ')}] needs ${count}`, 'data');
  }
  return { shape: outputShape, data: Float64Array.from(values), format: 'JSON' };
}
