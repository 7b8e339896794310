/**
 * JSON-safe numbers. JSON has no NaN or Infinity (JSON.stringify writes them as `null`), so every
 * number in a `Comparison` that may be non-finite is a `JsonNumber`: a finite number, or one of
 * the strings 'NaN', 'Infinity', '-Infinity'. Negative zero is written as 0.
 */

export type NonFiniteName = 'NaN' | 'Infinity' | '-Infinity';

export type JsonNumber = number | NonFiniteName;

export function encodeNumber(value: number): JsonNumber {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value === 0 ? 0 : value; // -0 -> 0: JSON.stringify(-0) is "0" anyway
}

export function decodeNumber(value: JsonNumber): number {
  switch (value) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Infinity':
      return Number.NEGATIVE_INFINITY;
    default:
      return value;
  }
}

/** Plain array copy of a shape (typed arrays and readonly views become `number[]`). */
export function plainShape(shape: ArrayLike<number>): number[] {
  return Array.from(shape, (size) => Number(size));
}
