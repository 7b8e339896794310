/**
 * JSON text that keeps every float: JSON has no NaN or infinities (JSON.stringify writes `null`,
 * which reads back as neither) and JSON.stringify(-0) is "0". Here NaN, +Inf and -Inf are the
 * strings "NaN", "Infinity", "-Infinity" (the spellings case files and `compare --actual` accept)
 * and -0 is the number `-0.0`: valid JSON (RFC 8259 section 6 allows a minus before zero), read
 * as -0 by JSON.parse and as -0.0 by Python's json (`-0` would be Python's integer 0). Every other
 * number is JSON.stringify's text, the shortest that reads back as the same double.
 */

/** One number as lossless JSON text. */
export function losslessJsonNumber(value: number): string {
  if (Number.isNaN(value)) return '"NaN"';
  if (value === Number.POSITIVE_INFINITY) return '"Infinity"';
  if (value === Number.NEGATIVE_INFINITY) return '"-Infinity"';
  if (Object.is(value, -0)) return '-0.0';
  return JSON.stringify(value);
}

function isArrayLike(value: object): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * `value` (JSON-shaped: numbers, strings, booleans, null, arrays or typed arrays, plain objects)
 * as compact JSON text, numbers written by `losslessJsonNumber`. Object keys keep their order and
 * undefined fields are left out, as JSON.stringify does.
 */
export function losslessJson(value: unknown): string {
  if (typeof value === 'number') return losslessJsonNumber(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (isArrayLike(value)) return `[${Array.from(value, (item) => losslessJson(item)).join(',')}]`;
  const fields = Object.entries(value).filter(([, field]) => field !== undefined);
  return `{${fields.map(([key, field]) => `${JSON.stringify(key)}:${losslessJson(field)}`).join(',')}}`;
}
