/**
 * `tconv eval --format json` keeps special values: NaN and the infinities as the strings "NaN",
 * "Infinity", "-Infinity" (JSON.stringify would print null), -0 as the number -0.0 (it would
 * print 0), every other float as text that reads back as the same double; and a record's
 * {shape, data} is a file `tconv compare --actual` accepts and matches.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { losslessJson, losslessJsonNumber } from '../src/format/losslessJson.js';
import { runCli, type CliResult } from './helpers/cli.js';

const NAMES: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A JSON value of `data` as the documented contract says to read it. */
function decoded(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value in NAMES) return NAMES[value]!;
  throw new Error(`not a number of the contract: ${JSON.stringify(value)}`);
}

describe('losslessJson', () => {
  it('writes NaN, the infinities and -0 in the documented spellings', () => {
    expect([NaN, Infinity, -Infinity, -0, 0].map(losslessJsonNumber)).toEqual([
      '"NaN"',
      '"Infinity"',
      '"-Infinity"',
      '-0.0',
      '0',
    ]);
  });

  it('reads back every float32 class exactly (JSON.parse, then the string names)', () => {
    const values = Float32Array.from([
      0.1,
      -0,
      0,
      1e-45,
      -1.1754942e-38,
      3.4028234663852886e38,
      NaN,
      Infinity,
      -Infinity,
    ]);
    const back = (JSON.parse(losslessJson(values)) as unknown[]).map(decoded);
    back.forEach((value, index) => expect(Object.is(value, values[index]), `element ${index}`).toBe(true));
  });

  it('keeps key order, leaves out undefined fields, and writes nested arrays and typed arrays', () => {
    const text = losslessJson([{ case: 'c', variant: undefined, shape: [1, 2], data: Float64Array.from([-0, NaN]) }]);
    expect(text).toBe('[{"case":"c","shape":[1,2],"data":[-0.0,"NaN"]}]');
  });
});

describe('tconv eval --format json on special values', () => {
  let result: CliResult;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'tconv-eval-special-'));
    result = await runCli([
      'eval',
      'cases/special/nan-inf.yaml',
      '--runner',
      'reference',
      '--format',
      'json',
      '--case',
      'nan-input-propagates,inf-minus-inf,negative-infinity-bias',
    ]);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints no null: NaN and the infinities are named', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/null/);
    expect(result.stdout).toMatch(/"NaN"/);
    expect(result.stdout).toMatch(/"Infinity"/);
    expect(result.stdout).toMatch(/"-Infinity"/);
  });

  it('gives the values the cases document', () => {
    const records = JSON.parse(result.stdout) as { case: string; data: unknown[] }[];
    const data = new Map(records.map((record) => [record.case, record.data.map(decoded)]));
    // x = [1, NaN, 2, -3], w = [2, -1], s = 2: x[1]'s two products are NaN.
    expect(data.get('special/nan-inf/nan-input-propagates')).toEqual([2, -1, NaN, NaN, 4, -2, -6, 3]);
    // Both channels +Inf: +Inf * 1 + +Inf * -1 = NaN, +Inf * 2 + +Inf * 1 = +Inf.
    expect(data.get('special/nan-inf/inf-minus-inf')).toEqual([NaN, Infinity]);
    expect(data.get('special/nan-inf/negative-infinity-bias')).toContain(-Infinity);
  });

  it('writes {shape, data} files that compare --actual matches against the reference', async () => {
    const records = JSON.parse(result.stdout) as { case: string; shape: number[]; data: unknown[] }[];
    for (const record of records) {
      const file = join(directory, `${record.case.replaceAll('/', '_')}.json`);
      writeFileSync(file, JSON.stringify({ shape: record.shape, data: record.data }));
      const name = record.case.split('/').pop()!;
      const compared = await runCli(['compare', 'cases/special/nan-inf.yaml', '--case', name, '--actual', file]);
      expect(compared.code, `${record.case}: ${compared.stdout}${compared.stderr}`).toBe(0);
    }
  });
});
