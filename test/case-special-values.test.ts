/**
 * Literal special values in case files (issue 14): YAML's `.nan`, `.inf`, `-.inf` (any of the
 * core schema's capitalisations), `-0.0`, subnormals, and the JSON-minded strings "NaN",
 * "Infinity", "-Infinity" load as the float32 values they name, in input, weight and bias (and
 * at float32's largest magnitudes); numbers outside float32's finite range, and other strings, are still
 * rejected with file:line:column and the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ELEMENTS, loadCaseFile } from '../src/case/load.js';
import { caseTensors } from '../src/data/tensors.js';
import { UserError, formatDiagnostic } from '../src/errors.js';

const directory = mkdtempSync(join(tmpdir(), 'tconv-special-values-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function written(name: string, lines: readonly string[]): string {
  const path = join(directory, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The float32 tensors of every case of the file, by case name. */
function loadedTensors(
  path: string,
): Map<string, { input: Float32Array; weight: Float32Array; bias: Float32Array | null }> {
  const file = loadCaseFile(path, { maxElements: DEFAULT_MAX_ELEMENTS });
  return new Map(file.cases.map((entry) => [entry.spec.name, caseTensors(entry.spec, entry.geometry, entry.seed)]));
}

/** The diagnostics (formatted) of a file that must not load. */
function rejection(path: string): string[] {
  try {
    loadCaseFile(path, { maxElements: DEFAULT_MAX_ELEMENTS });
  } catch (error) {
    if (error instanceof UserError) return error.diagnostics.map(formatDiagnostic);
    throw error;
  }
  throw new Error(`${path} loaded`);
}

/** Smallest positive subnormal float32 (2^-149) and the largest subnormal ((1 - 2^-23) * 2^-126). */
const MIN_SUBNORMAL = 2 ** -149;
const MAX_SUBNORMAL = (1 - 2 ** -23) * 2 ** -126;

describe('special values in literal data', () => {
  const path = written('special.yaml', [
    'description: special values in literal data',
    'cases:',
    '  - name: yaml-and-strings',
    '    input: [1, 1, 14]',
    '    out_channels: 1',
    '    kernel: [1]',
    '    bias: true',
    '    data:',
    '      input: [.nan, .NaN, .inf, .Inf, -.inf, -.INF, -0.0, 0.0, 1.0e-45, 1.1754942e-38, "NaN", "Infinity", "-Infinity", -1.4e-45]',
    '      weight: ["-Infinity"]',
    '      bias: [-0.0]',
    '  - name: largest-values',
    '    input: [1, 2, 1]',
    '    out_channels: 1',
    '    kernel: [1]',
    '    data: { input: [.inf, 3.4028234663852886e+38], weight: [.nan, -3.4028234663852886e+38] }',
  ]);
  const tensors = loadedTensors(path);

  it('reads NaN in every spelling', () => {
    const input = tensors.get('yaml-and-strings')!.input;
    for (const index of [0, 1, 10]) expect(Number.isNaN(input[index]), `input[${index}]`).toBe(true);
    expect(Number.isNaN(tensors.get('largest-values')!.weight[0])).toBe(true);
  });

  it('reads the infinities with their signs', () => {
    const input = tensors.get('yaml-and-strings')!.input;
    expect([input[2], input[3], input[11]]).toEqual([Infinity, Infinity, Infinity]);
    expect([input[4], input[5], input[12]]).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(tensors.get('yaml-and-strings')!.weight[0]).toBe(-Infinity);
  });

  it('keeps the sign of zero', () => {
    const { input, bias } = tensors.get('yaml-and-strings')!;
    expect(Object.is(input[6], -0)).toBe(true);
    expect(Object.is(input[7], 0)).toBe(true);
    expect(Object.is(bias![0], -0)).toBe(true);
  });

  it('keeps subnormals (rounded to float32, not flushed)', () => {
    const input = tensors.get('yaml-and-strings')!.input;
    expect(input[8]).toBe(MIN_SUBNORMAL);
    expect(input[9]).toBe(Math.fround(1.1754942e-38));
    expect(input[9]).toBeLessThanOrEqual(MAX_SUBNORMAL);
    expect(input[9]).toBeGreaterThan(0);
    expect(input[13]).toBe(-MIN_SUBNORMAL);
  });

  it("reads float32's largest values exactly", () => {
    const { input, weight } = tensors.get('largest-values')!;
    expect(input[1]).toBe(2 ** 128 - 2 ** 104);
    expect(weight[1]).toBe(-(2 ** 128 - 2 ** 104));
  });
});

describe('values that are still rejected', () => {
  it('rejects numbers past float32 and unknown strings, at file:line:column with the field', () => {
    const dataLine = '    data: { input: [1, 3.5e+38, "nan"], weight: [.inf], bias: [-1.0e+39] }';
    const path = written('out-of-range.yaml', [
      'description: values past float32 and strings that name nothing',
      'cases:',
      '  - name: too-large',
      '    input: [1, 1, 3]',
      '    out_channels: 1',
      '    kernel: [1]',
      '    bias: true',
      dataLine,
    ]);
    /** `path:8:column` of the token in the data line (columns count from 1). */
    const at = (token: string): string => `${path}:8:${dataLine.indexOf(token) + 1}`;
    const range = 'expected a number from -3.4028234663852886e+38 to 3.4028234663852886e+38';
    expect(rejection(path)).toEqual([
      `${at('3.5e+38')}: cases[0].data.input[1]: ${range}, found the number 3.5e+38`,
      `${at('"nan"')}: cases[0].data.input[2]: expected one of "NaN", "Infinity", "-Infinity", found the string "nan" (did you mean "NaN"?)`,
      `${at('-1.0e+39')}: cases[0].data.bias[0]: ${range}, found the number -1e+39`,
    ]);
  });
});
