/**
 * JSON has no NaN or Infinity: reports write non-finite numbers as the strings "NaN", "Infinity",
 * "-Infinity", and readers turn them back inside numeric arrays.
 */
export function encodeNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Undoes encodeNonFinite inside arrays (object fields keep their strings: JsonNumber). */
export function decodeNonFinite(key: string, value: unknown): unknown {
  return /^\d+$/.test(key) && typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value;
}
