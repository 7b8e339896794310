/**
 * `tconv compare FILE --case NAME --actual OUT` through the real CLI, on outputs that PyTorch
 * computed for tconv's own case tensors and numpy saved (test/fixtures/saved/torch_outputs.py, run
 * at test time): every .npy form and the JSON forms match exactly (exit 0); planted bugs (kernel
 * rotated 180 degrees, a one-row shift, output_padding dropped, a NaN, channels-first data for an
 * NHWC case) are mismatches (exit 1) with their diagnosis on the console and in the reports; broken
 * files and usage errors exit 2 naming the file, without a stack trace. The .npy and JSON readers
 * are also checked directly on the same files and on damaged copies.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaseFiles, type LoadedCase } from '../src/case/load.js';
import { caseTensors } from '../src/data/tensors.js';
import { UserError } from '../src/errors.js';
import type { RunReport } from '../src/run/report.js';
import { SavedFormatError, type SavedArray } from '../src/saved/array.js';
import { parseSavedJson } from '../src/saved/json.js';
import { loadSavedOutput } from '../src/saved/load.js';
import { fortranToC, parseNpy } from '../src/saved/npy.js';
import { choosePython } from '../runners/torch/python.js';
import { REPO_ROOT, runCli, STACK_TRACE_LINE, type CliResult } from './helpers/cli.js';

const CASES = 'test/fixtures/saved/torch.yaml';
const SCRIPT = `${REPO_ROOT}test/fixtures/saved/torch_outputs.py`;
const MAIN = 'torch-stride2';
const NHWC = 'torch-stride2-nhwc';
const SEED = 'torch-doc-kernel3';
const SEEDS = 'cases/seeds.yaml';

let dir: string;
const out = (name: string): string => join(dir, name);

/** What torch_outputs.py needs to run a case through torch (torch-convention cases only). */
function job(entry: LoadedCase): Record<string, unknown> {
  const { geometry } = entry;
  const tensors = caseTensors(entry.spec, geometry, entry.seed);
  return {
    name: entry.spec.name,
    layout: geometry.layout,
    input: Array.from(tensors.input),
    input_shape: geometry.inputShape,
    weight: Array.from(tensors.weight),
    weight_shape: geometry.weightShape,
    bias: tensors.bias ? Array.from(tensors.bias) : null,
    stride: geometry.axes.map((axis) => axis.stride),
    padding: geometry.axes.map((axis) => axis.beginCrop),
    output_padding: geometry.axes.map((axis) => axis.outputPadding),
    dilation: geometry.axes.map((axis) => axis.dilation),
    group: geometry.group,
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tconv-compare-'));
  const cases = loadCaseFiles([CASES, SEEDS], { maxElements: 1e6 }).flatMap((file) => file.cases);
  const wanted = cases.filter((entry) => [MAIN, NHWC, SEED].includes(entry.spec.name));
  expect(wanted).toHaveLength(3);
  writeFileSync(out('jobs.json'), JSON.stringify(wanted.map(job)));
  execFileSync(choosePython().executable, [SCRIPT, out('jobs.json'), dir], { stdio: 'pipe', timeout: 120_000 });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const compare = (file: string, name: string | null, actual: string, ...extra: string[]): Promise<CliResult> =>
  runCli(['compare', file, ...(name ? ['--case', name] : []), '--actual', actual, ...extra]);

/** Runs the CLI calls a few at a time (two shared cores; each call is a node process). */
async function runAll(calls: Record<string, () => Promise<CliResult>>): Promise<Record<string, CliResult>> {
  const entries = Object.entries(calls);
  const results: Record<string, CliResult> = {};
  for (let start = 0; start < entries.length; start += 3) {
    const batch = entries.slice(start, start + 3);
    const done = await Promise.all(batch.map(([, call]) => call()));
    batch.forEach(([label], index) => (results[label] = done[index]!));
  }
  return results;
}

const readJson = (path: string): RunReport => JSON.parse(readFileSync(path, 'utf8')) as RunReport;

describe('tconv compare: outputs saved from PyTorch that match', () => {
  // Every form is read to the same values in 'the .npy reader' below; these go through the CLI.
  const forms = ['f4.npy', 'f8.npy', 'fortran.npy', 'v3.npy', 'nested.json', 'flat.json'];
  let results: Record<string, CliResult>;
  beforeAll(async () => {
    results = await runAll({
      ...Object.fromEntries(forms.map((form) => [form, () => compare(CASES, MAIN, out(`${MAIN}.${form}`))])),
      nhwc: () => compare(CASES, NHWC, out(`${NHWC}.f4.npy`)),
      seed: () => compare(SEEDS, SEED, out(`${SEED}.f4.npy`), '--json', out('seed.json')),
    });
  }, 300_000);

  it.each(forms)('%s: exit 0, the actual row passes', (form) => {
    const result = results[form]!;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^comparing .*${MAIN}\\.${form.replace('.', '\\.')} \\(`, 'm'));
    expect(result.stdout).toMatch(/^pass +test\/fixtures\/saved\/torch\/torch-stride2 {2}actual: max abs diff/m);
    expect(result.stdout).toMatch(/^2 passed, 0 failed, 0 skipped$/m);
  });

  it('names the file format in the header line', () => {
    expect(results['f4.npy']!.stdout).toContain('(.npy 1.0 <f4, shape [1, 3, 10, 8])');
    expect(results['f8.npy']!.stdout).toContain('.npy 1.0 <f8');
    expect(results['fortran.npy']!.stdout).toContain('.npy 1.0 <f4, Fortran order');
    expect(results['v3.npy']!.stdout).toContain('.npy 3.0 <f4');
    expect(results['nested.json']!.stdout).toContain('(JSON, shape [1, 3, 10, 8])');
  });

  it('takes an NHWC output for an NHWC case', () => {
    expect(results['nhwc']!.code).toBe(0);
    expect(results['nhwc']!.stdout).toContain('shape [1, 10, 8, 3], layout NHWC');
  });

  it("matches a seeds case (PyTorch's documented example), with a JSON report naming the file", () => {
    expect(results['seed']!.code).toBe(0);
    const report = readJson(out('seed.json'));
    expect(report.cases.map((entry) => entry.id)).toEqual([`seeds/${SEED}`]);
    const actual = report.cases[0]!.variants[1]!;
    expect(actual).toMatchObject({ runner: 'actual', variant: null, status: 'pass' });
    expect(actual.version).toBe(`${out(`${SEED}.f4.npy`)} (.npy 1.0 <f4)`);
    expect(report.environment.runners['actual']).toBe(actual.version);
  });
});

describe('tconv compare: planted bugs are mismatches with their diagnosis', () => {
  let results: Record<string, CliResult>;
  beforeAll(async () => {
    results = await runAll({
      flipped: () =>
        compare(
          CASES,
          MAIN,
          out(`${MAIN}.flipped.npy`),
          '--json',
          out('flipped.json'),
          '--html',
          out('flipped.html'),
          '--junit',
          out('flipped.xml'),
        ),
      shifted: () => compare(CASES, MAIN, out(`${MAIN}.shifted.npy`), '--json', out('shifted.json')),
      shape: () => compare(CASES, MAIN, out(`${MAIN}.no-output-padding.npy`), '--json', out('shape.json')),
      layout: () => compare(CASES, NHWC, out(`${NHWC}.nchw.npy`)),
      nan: () => compare(CASES, MAIN, out(`${MAIN}.nan.json`)),
      half: () => compare(CASES, MAIN, out(`${MAIN}.f2.npy`)),
    });
  }, 300_000);

  it('kernel rotated 180 degrees: exit 1, diagnosed on the console and in JSON, HTML and JUnit', () => {
    const result = results['flipped']!;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^MISMATCH +test\/fixtures\/saved\/torch\/torch-stride2 {2}actual: .*kernel rotated 180 degrees/m,
    );
    expect(result.stdout).toMatch(
      /^MISMATCH: test\/fixtures\/saved\/torch\/torch-stride2 \[actual\] \(.*torch\.yaml:\d+\)$/m,
    );
    expect(result.stdout).toMatch(/Mismatched elements: \d+ \/ 240/);
    expect(result.stdout).toMatch(/^1 passed, 1 failed, 0 skipped$/m);
    const comparison = readJson(out('flipped.json')).cases[0]!.variants[1]!.judgement.comparison;
    expect(comparison?.stage === 'values' && comparison.diagnosis?.explanation.kind).toBe('kernel-flipped');
    expect(readFileSync(out('flipped.html'), 'utf8')).toContain('kernel rotated 180 degrees');
    expect(readFileSync(out('flipped.xml'), 'utf8')).toMatch(/<failure message="[^"]*kernel rotated 180 degrees/);
  });

  it('one row shifted: diagnosed as a shift along H', () => {
    expect(results['shifted']!.code).toBe(1);
    expect(results['shifted']!.stdout).toMatch(/shifted along H/);
    const comparison = readJson(out('shifted.json')).cases[0]!.variants[1]!.judgement.comparison;
    expect(comparison?.stage === 'values' && comparison.diagnosis?.explanation.kind).toBe('shift');
  });

  it('output_padding dropped: a shape mismatch (exit 1, not 2) with the shape diagnosis', () => {
    const result = results['shape']!;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('shape [1, 3, 9, 7], expected [1, 3, 10, 8]');
    expect(result.stdout).toMatch(/output_padding 1 ignored/);
    const comparison = readJson(out('shape.json')).cases[0]!.variants[1]!.judgement.comparison;
    expect(comparison?.stage).toBe('shape');
  });

  it('a channels-first output for an NHWC case: the shape diagnosis names the layout', () => {
    expect(results['layout']!.code).toBe(1);
    expect(results['layout']!.stdout).toContain('shape [1, 3, 10, 8], expected [1, 10, 8, 3]');
    expect(results['layout']!.stdout).toMatch(
      /the expected shape in NCHW, but the case's layout is NHWC: layout confusion/,
    );
  });

  it('a NaN written bare by json.dump is read and counted', () => {
    expect(results['nan']!.code).toBe(1);
    expect(results['nan']!.stdout).toMatch(/non-finite: 1 NaN/);
  });

  it('a float16 output is read and fails the float32 tolerance', () => {
    expect(results['half']!.stdout).toContain('.npy 1.0 <f2');
    expect(results['half']!.code).toBe(1);
    expect(results['half']!.stdout).toMatch(/reduced precision|float16/i);
  });
});

describe('tconv compare: bad input exits 2 naming the file, without a stack trace', () => {
  let results: Record<string, CliResult>;
  let notOurs: string;
  beforeAll(async () => {
    const bytes = readFileSync(out(`${MAIN}.f4.npy`));
    writeFileSync(out('truncated.npy'), bytes.subarray(0, bytes.length - 7));
    writeFileSync(out('garbage.npy'), Buffer.from('this is not numpy data'));
    writeFileSync(out('bad.json'), '{"shape": [1, 3, 10, 8], "data": [1, 2,');
    writeFileSync(out('single.json'), JSON.stringify({ shape: [1, 1, 3, 3], data: [0, 4, 7, 8, 28, 23, 4, 10, 6] }));
    notOurs = out('notes.json');
    writeFileSync(notOurs, '{"mine": true}');
    results = await runAll({
      truncated: () => compare(CASES, MAIN, out('truncated.npy')),
      garbage: () => compare(CASES, MAIN, out('garbage.npy')),
      badJson: () => compare(CASES, MAIN, out('bad.json')),
      missing: () => compare(CASES, MAIN, out('missing.npy')),
      noActual: () => runCli(['compare', CASES, '--case', MAIN]),
      noCase: () => compare(CASES, null, out(`${MAIN}.f4.npy`)),
      unknownCase: () => compare(CASES, 'torch-stride3', out(`${MAIN}.f4.npy`)),
      overwrite: () => compare(CASES, MAIN, out(`${MAIN}.f4.npy`), '--json', notOurs),
      single: () => compare('test/fixtures/saved/single.yaml', null, out('single.json')),
    });
  }, 300_000);

  it.each([
    [
      'truncated',
      /truncated\.npy: truncated: shape \[1, 3, 10, 8\] of <f4 needs 960 bytes of data, the file holds 953/,
    ],
    ['garbage', /garbage\.npy: not a \.npy file/],
    ['badJson', /bad\.json: not valid JSON/],
    ['missing', /missing\.npy: cannot read the saved output \(ENOENT\)/],
    ['noActual', /--actual OUT .* is required/],
    ['noCase', /has 2 cases; choose one with --case \(torch-stride2, torch-stride2-nhwc\)/],
    ['unknownCase', /no case named 'torch-stride3'/],
    ['overwrite', /refusing to overwrite an existing file that is not a tconv json output/],
  ])('%s', (label, message) => {
    const result = results[label]!;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    expect(result.stdout).toBe('');
  });

  it('leaves a file it did not write alone', () => {
    expect(readFileSync(notOurs, 'utf8')).toBe('{"mine": true}');
  });

  it('needs no --case when the file has one case', () => {
    expect(results['single']!.code).toBe(0);
    expect(results['single']!.stdout).toMatch(/^2 passed, 0 failed, 0 skipped$/m);
  });

  it('is listed in tconv help', async () => {
    const help = await runCli(['help']);
    expect(help.stdout).toContain('tconv compare FILE [--case NAME] --actual OUT');
    // The usage is generated and wrapped: compare the words, not the line breaks.
    expect(help.stdout.replace(/\s+/g, ' ')).toContain("in the case's layout");
  });
});

// ------------------------------------------------------------------ the readers, directly

const npy = (name: string): SavedArray => parseNpy(readFileSync(out(name)), 1e6);

/** A .npy 1.0 file with the given header dict text and data bytes (the header padded as numpy does). */
function npyBytes(header: string, data: Uint8Array = new Uint8Array(), version = [1, 0]): Uint8Array {
  const lengthBytes = version[0] === 1 ? 2 : 4;
  const unpadded = 6 + 2 + lengthBytes + header.length + 1;
  const text = `${header}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const preamble = [0x93, ...Buffer.from('NUMPY'), version[0]!, version[1]!];
  const length = Buffer.alloc(lengthBytes);
  if (lengthBytes === 2) length.writeUInt16LE(text.length);
  else length.writeUInt32LE(text.length);
  return Buffer.concat([Buffer.from(preamble), length, Buffer.from(text, 'latin1'), data]);
}

const FLOATS = new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer);

function npyError(bytes: Uint8Array, maxElements = 1e6): string {
  try {
    parseNpy(bytes, maxElements);
  } catch (error) {
    expect(error).toBeInstanceOf(SavedFormatError);
    return (error as Error).message;
  }
  throw new Error('parseNpy accepted the file');
}

describe('the .npy reader', () => {
  it('reads every form numpy wrote to the same values', () => {
    const reference = npy(`${MAIN}.f4.npy`);
    expect(reference.shape).toEqual([1, 3, 10, 8]);
    expect(reference.data).toBeInstanceOf(Float32Array);
    for (const form of ['be.npy', 'fortran.npy', 'v2.npy', 'v3.npy']) {
      expect(Array.from(npy(`${MAIN}.${form}`).data), form).toEqual(Array.from(reference.data));
    }
    for (const form of ['f8.npy', 'be8.npy']) {
      const read = npy(`${MAIN}.${form}`);
      expect(read.data, form).toBeInstanceOf(Float64Array);
      expect(Array.from(read.data), form).toEqual(Array.from(reference.data));
    }
    const half = npy(`${MAIN}.f2.npy`).data;
    reference.data.forEach((value, index) => expect(Math.abs(half[index]! - value)).toBeLessThan(4e-3));
  });

  it('turns Fortran order into C order on any rank', () => {
    // A 2x3x2 tensor whose C-order values are 0..11, laid out first axis fastest.
    const shape = [2, 3, 2];
    const fortran = Float64Array.from({ length: 12 }, (_, f) => {
      const i = f % 2;
      const j = Math.floor(f / 2) % 3;
      const k = Math.floor(f / 6);
      return i * 6 + j * 2 + k;
    });
    expect(Array.from(fortranToC(fortran, shape))).toEqual([...Array(12).keys()]);
    expect(Array.from(fortranToC(Float32Array.from([1, 2, 3]), [3]))).toEqual([1, 2, 3]);
  });

  it('reads a hand-written file with a Python 2 style header', () => {
    const read = parseNpy(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }", FLOATS), 100);
    expect(read.shape).toEqual([2, 3]);
    expect(Array.from(read.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const scalar = parseNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': ()}", new Uint8Array(8)), 1);
    expect(scalar.shape).toEqual([]);
  });

  it.each([
    ['bad magic', Buffer.from('\x93NUMPX\x01\x00'), /not a \.npy file/],
    ['preamble cut', Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, 10]), /ends inside the \.npy preamble/],
    [
      'version 4.0',
      npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", FLOATS, [4, 0]),
      /version 4\.0/,
    ],
    [
      'header cut',
      npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}").subarray(0, 30),
      /header is \d+ bytes long/,
    ],
    ['not a dict', npyBytes("['descr', '<f4']", FLOATS), /not a Python dict/],
    ['damaged header', npyBytes("{'descr': '<f4', 'fortran_order': Fals, 'shape': (6,)}", FLOATS), /unexpected 'Fals'/],
    ['missing key', npyBytes("{'descr': '<f4', 'shape': (6,)}", FLOATS), /no 'fortran_order'/],
    [
      'integers',
      npyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}", FLOATS),
      /dtype '<i4' is not supported: expected '<f4'/,
    ],
    [
      'structured',
      npyBytes("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (6,)}", FLOATS),
      /structured dtypes/,
    ],
    [
      'negative size',
      npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-6,)}", FLOATS),
      /non-negative integers/,
    ],
    [
      'short data',
      npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (7,)}", FLOATS),
      /needs 28 bytes of data, the file holds 24/,
    ],
    [
      'two arrays',
      npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (5,)}", FLOATS),
      /4 bytes after the array's 20 bytes/,
    ],
  ])('refuses %s', (_, bytes, message) => {
    expect(npyError(bytes)).toMatch(message);
  });

  it('refuses a shape over --max-elements before reading the data', () => {
    expect(npyError(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3000, 3000)}"), 1000)).toMatch(
      /9000000 elements, more than --max-elements 1000/,
    );
  });
});

describe('the JSON reader', () => {
  const read = (text: string): SavedArray => parseSavedJson(text, 1000);
  const failure = (text: string): { message: string; field?: string } => {
    try {
      read(text);
    } catch (error) {
      expect(error).toBeInstanceOf(SavedFormatError);
      return { message: (error as SavedFormatError).message, field: (error as SavedFormatError).field };
    }
    throw new Error('accepted');
  };

  it('reads flat data with a shape, and nested lists with or without one', () => {
    expect(read('{"shape": [2, 2], "data": [1, 2, 3, 4]}')).toMatchObject({ shape: [2, 2], format: 'JSON' });
    const nested = read('{"data": [[[1, 2]], [[3, 4]]]}');
    expect(nested.shape).toEqual([2, 1, 2]);
    expect(Array.from(nested.data)).toEqual([1, 2, 3, 4]);
    expect(read('{"shape": [2, 1, 2], "data": [[[1, 2]], [[3, 4]]]}').shape).toEqual([2, 1, 2]);
  });

  it('reads "NaN", "Infinity", "-Infinity" as strings or bare words, and not inside other strings', () => {
    expect(Array.from(read('{"shape": [3], "data": ["NaN", "Infinity", "-Infinity"]}').data)).toEqual([
      NaN,
      Infinity,
      -Infinity,
    ]);
    expect(Array.from(read('{"shape": [3], "data": [NaN, Infinity, -Infinity]}').data)).toEqual([
      NaN,
      Infinity,
      -Infinity,
    ]);
    expect(failure('{"shape": [1], "data": ["a NaN"]}').message).toMatch(/got "a NaN"/);
  });

  it.each([
    ['[1, 2]', /expected an object/, undefined],
    ['{"shape": [2], "data": [1, 2], "dtype": "f4"}', /unknown field/, 'dtype'],
    ['{"shape": [2], "data": {"a": 1}}', /expected a list of values/, 'data'],
    ['{"data": [1, 2]}', /is required when "data" is a flat list/, 'shape'],
    ['{"shape": [2, -1], "data": [1, 2]}', /non-negative integers/, 'shape'],
    ['{"shape": [3], "data": [1, 2]}', /has 2 values but shape \[3\] needs 3/, 'data'],
    ['{"shape": [2], "data": [1, true]}', /expected a number or "NaN".*got true/, 'data[1]'],
    ['{"data": [[1, 2], [3]]}', /not rectangular: data\[0\] is \[2\] but data\[1\] is \[1\]/, 'data[1]'],
    ['{"data": [1, [2]]}', /not rectangular: data\[0\] is a value but data\[1\] is \[1\]/, 'data[1]'],
    ['{"shape": [1, 2], "data": [[1], [2]]}', /nested as \[2, 1\] but "shape" is \[1, 2\]/, 'data'],
    ['{"shape": [100, 100], "data": []}', /more than --max-elements 1000/, undefined],
  ])('refuses %s', (text, message, field) => {
    const error = failure(text);
    expect(error.message).toMatch(message);
    expect(error.field).toBe(field);
  });
});

describe('loading OUT', () => {
  const refusal = (path: string, maxElements = 1e6): string => {
    try {
      loadSavedOutput(path, maxElements);
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      return (error as UserError).message;
    }
    throw new Error('loaded');
  };

  it('takes the format from the content when the extension says nothing', () => {
    writeFileSync(out('saved-npy.bin'), readFileSync(out(`${MAIN}.f4.npy`)));
    writeFileSync(out('saved-json.txt'), '\ufeff {"shape": [1], "data": [2]}');
    expect(loadSavedOutput(out('saved-npy.bin'), 1e6).format).toBe('.npy 1.0 <f4');
    expect(Array.from(loadSavedOutput(out('saved-json.txt'), 1e6).data)).toEqual([2]);
  });

  it('refuses archives, unknown formats, directories, non-UTF-8 JSON and oversized files, naming the file', () => {
    writeFileSync(out('arrays.npz'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]));
    writeFileSync(out('output.csv'), '1,2,3\n');
    writeFileSync(out('latin1.json'), Buffer.from([0x7b, 0xe9, 0x7d]));
    writeFileSync(out('big.json'), `{"data": [${'0,'.repeat(600_000)}0]}`);
    expect(refusal(out('arrays.npz'))).toMatch(
      /arrays\.npz: is a \.npz archive; save the one output array with np\.save/,
    );
    expect(refusal(out('output.csv'))).toMatch(/output\.csv: unknown format: expected a \.npy file/);
    expect(refusal(dir)).toMatch(/is a directory/);
    expect(refusal(out('latin1.json'))).toMatch(/latin1\.json: is not UTF-8 text/);
    expect(refusal(out('big.json'), 10)).toMatch(/big\.json: is \d+ bytes, too large for --max-elements 10/);
    expect(refusal(out(`${MAIN}.nested.json`), 100)).toMatch(
      /nested\.json: shape \[1, 3, 10, 8\] has 240 elements, more than --max-elements 100/,
    );
  });
});
