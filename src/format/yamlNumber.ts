/**
 * Numbers that every YAML reader reads as numbers. YAML 1.2 (the `yaml` package, JSON) reads
 * `1e-4` as a float, but YAML 1.1 readers (PyYAML, the most common Python one) need a '.' in the
 * mantissa and a signed exponent: `1e-4`, `1e+21` and `3.0e38` are strings there. So tconv writes
 * `1.0e-4`, `1.0e+21`, `3.0e+38` (and -0 as `-0.0`), which both versions (and JSON) read as the
 * same number.
 */
import type { Scalar, ScalarTag, Tags } from 'yaml';

/** `value` as YAML 1.1 and 1.2 both read it; JavaScript already signs its exponents. */
export function yamlNumber(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  // String(-0) is '0', and `-0` is the integer 0 to YAML 1.1: a signed zero needs the float form.
  if (Object.is(value, -0)) return '-0.0';
  return withMantissaDot(String(value));
}

/** `1e-7` -> `1.0e-7` (a number's text without a '.' before its exponent). */
const withMantissaDot = (text: string): string => text.replace(/^(-?\d+)e/, '$1.0e');

/**
 * JSON text (JSON.stringify's) with its exponent numbers written as yamlNumber does: still the
 * same JSON, and the same values for a YAML 1.1 reader of it.
 */
export function yamlSafeJson(json: string): string {
  // Strings are matched whole (and kept); a number starts after no digit or '.' (3.4e+38 is fine).
  return json.replace(/"(?:[^"\\]|\\.)*"|(?<![\d.])-?\d+e[-+]\d+/g, (token) =>
    token.startsWith('"') ? token : withMantissaDot(token),
  );
}

/**
 * For the `yaml` package's stringify options (`customTags`): its float and int tags write numbers
 * as yamlNumber does (it would write `1e-7`, `1e+21`). Formats such as hex ('HEX') are left alone.
 */
export function yamlNumberTags(tags: Tags): Tags {
  return tags.map((tag) => (isNumberTag(tag) ? { ...tag, stringify: stringifyNumber } : tag));
}

/** A scalar tag (collections have `collection`) in plain format that identifies non-integers or huge integers. */
function isNumberTag(tag: Tags[number]): tag is ScalarTag {
  return (
    typeof tag === 'object' &&
    !('collection' in tag && tag.collection) &&
    !tag.format &&
    (tag.identify?.(0.5) === true || tag.identify?.(1e21) === true)
  );
}

const stringifyNumber = (node: Scalar): string =>
  typeof node.value === 'number' ? yamlNumber(node.value) : String(node.value);
