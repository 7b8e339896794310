/**
 * Bad case files (test/fixtures/bad/*.yaml) and bad command lines: every problem is reported as
 * `file:line:col: field.path: message` with exit code 2 and no stack trace. The loader is called
 * in-process for the exact messages of every fixture; the real CLI is run on the whole directory
 * at once (same exact lines, exit code) and on a representative subset of single invocations.
 */
import { readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ELEMENTS, loadCaseFile } from '../src/case/load.js';
import { EXIT, UserError, formatDiagnostic } from '../src/errors.js';
import { runCli, STACK_TRACE_LINE } from './helpers/cli.js';

/** The fixture directory as the CLI sees it (run from the repository root) ... */
const CLI_DIR = 'test/fixtures/bad';
/** ... and as the in-process loader sees it (relative to the test's working directory). */
const LOCAL_DIR = relative(process.cwd(), fileURLToPath(new URL('./fixtures/bad', import.meta.url)))
  .split('\\')
  .join('/');

const CONV2D_BACKPROP = '(Conv2DBackpropInput: "Size of out_backprop doesn\'t match computed")';

/** Per fixture, its exact diagnostics after `file:` (`line:col: field: message`), with --max-elements 1000. */
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  // Alias expansion is bounded: refused as bad input (exit 2), not an internal error. No position.
  'alias-bomb.yaml': [' invalid YAML: Excessive alias count indicates a resource exhaustion attack'],
  'data-length.yaml': ['7:20: cases[0].data.input: has 3 values but the input shape [1, 1, 2, 2] needs 4'],
  'defaults-invalid.yaml': [
    // Inherited from defaults: points at the defaults line, naming the case; the case that
    // overrides `group` is fine; the case that sets its own bad `group` points at itself.
    "5:10: defaults.group: group 2 does not divide the input channels C = 3 (in case 'inherits-group', inherited from defaults)",
    '14:12: cases[2].group: group 3 does not divide out_channels M = 2',
  ],
  'duplicate-key.yaml': ['7:5: invalid YAML: Map keys must be unique'],
  'duplicate-name.yaml': ["9:11: cases[2].name: duplicate case name 'same' (also cases[0])"],
  'float32-range.yaml': [
    '7:46: cases[0].data.weight[1]: expected a number from -3.4028234663852886e+38 to 3.4028234663852886e+38, found the number -1e+39',
  ],
  'group-not-divide.yaml': ['7:12: cases[0].group: group 3 does not divide the input channels C = 4'],
  'layout-rank.yaml': [
    '5:13: cases[0].layout: layout NHWC is for rank 2, but the kernel has rank 1 (use NCW or NWC)',
    '9:12: cases[1].input: input has 4 dimensions but a rank-3 kernel needs 5 ([N, C, D, H, W] in layout order)',
  ],
  'malformed-yaml.yaml': [
    '5:5: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    '5:19: invalid YAML: Nested mappings are not allowed in compact mappings',
    '5:19: invalid YAML: Implicit keys need to be on a single line',
  ],
  'missing-required.yaml': [
    "5:5: cases[0]: expected the required field 'kernel' (in the case or in defaults), found nothing",
  ],
  'nonpositive-output.yaml': [
    '8:14: cases[0].padding: output size would be 0 (full 4 + output_padding 0 - pads 2 - 2); it must be > 0',
    '10:14: cases[1].padding: output size would be 0 ((i-1)*s - 2*padding + k_eff + output_padding with padding 2); it must be > 0',
  ],
  'onnx-pads-length.yaml': [
    '7:14: cases[0].padding: ONNX pads needs 2 x 2 values [begin per axis..., end per axis...], got 3',
  ],
  'onnx-pads-with-auto-pad.yaml': [
    '8:14: cases[0].padding: ONNX: explicit pads cannot be used together with auto_pad SAME_UPPER (the spec allows pads only with auto_pad NOTSET)',
  ],
  'output-padding-too-large.yaml': [
    '10:21: cases[0].output_padding: ONNX requires output_padding to be less than the stride or the dilation: got 2 with stride 2, dilation 1',
    '13:21: cases[1].output_padding: PyTorch requires output padding to be smaller than either stride or dilation: got 2 with stride 2, dilation 1',
    '16:21: cases[2].output_padding: Keras requires output_padding < strides ("Strides must be greater than output padding"): got output_padding 2 with stride 2',
  ],
  // The output's spatial size comes from the 16x16 input (stride 2): reported there, not at out_channels.
  'oversize.yaml': [
    '4:12: cases[0].input: the output tensor [1, 2, 33, 33] has 2178 elements, above the limit of 1000 (raise it with --max-elements or TCONV_MAX_ELEMENTS)',
  ],
  // Under the default limit too large, each at the field that makes it large (src/case/sizeCulprit.ts).
  'huge-output.yaml': [
    '5:14: cases[0].strides: the output tensor [1, 1, 27000000000000000, 27000000000000000] has 7.29e+32 elements, above the limit of 1000 (raise it with --max-elements or TCONV_MAX_ELEMENTS)',
    '8:16: cases[1].dilations: the output tensor [1, 1, 5, 200000003] has 1000000015 elements, above the limit of 1000 (raise it with --max-elements or TCONV_MAX_ELEMENTS)',
    '12:19: cases[2].output_shape: the output tensor [1, 1, 5, 100000000] has 500000000 elements, above the limit of 1000 (raise it with --max-elements or TCONV_MAX_ELEMENTS)',
    '14:19: cases[3].out_channels: the weight tensor [1, 40000000, 1, 1] has 40000000 elements, above the limit of 1000 (raise it with --max-elements or TCONV_MAX_ELEMENTS)',
  ],
  // Every integer field rejects integers past 2^53 - 1 (schemaDsl.ts), in scalars and lists alike.
  'unsafe-integers.yaml': [
    '5:14: cases[0].strides: expected an integer >= 1 up to 9007199254740991 (2^53 - 1), found the number 1e+308',
    '8:20: cases[1].dilations[1]: expected an integer >= 1 up to 9007199254740991 (2^53 - 1), found the number 9007199254740992',
    '11:19: cases[2].out_channels: expected an integer >= 1 up to 9007199254740991 (2^53 - 1), found the number 100000000000000000000',
    '15:23: cases[3].output_shape[1]: expected an integer >= 1 up to 9007199254740991 (2^53 - 1), found the number 10000000000000000',
    '18:11: cases[4].seed: expected an integer >= 0 up to 9007199254740991 (2^53 - 1), found the number 18446744073709552000',
  ],
  'tf-output-shape.yaml': [
    `10:19: cases[0].output_shape: TensorFlow rejects output size 4 for input 3, kernel 3, stride 2, dilation 1: SAME needs ceil(o/s) = i, i.e. o in [5, 6] ${CONV2D_BACKPROP} (axis W)`,
  ],
  'unknown-field.yaml': [
    "7:12: cases[0].strid: expected a known field (one of: name, description, tags, input, layout, out_channels, kernel, strides, dilations, group, bias, padding, output_padding, output_shape, dtype, seed, distribution, data, expect, tolerance, runners, expected), found the unknown field 'strid' (did you mean 'strides'?)",
  ],
  'wrong-type.yaml': [
    '7:14: cases[0].strides: expected a positive integer or a list of them (one per spatial axis), found the string "two"',
  ],
};

const FIXTURES = Object.keys(EXPECTED).sort();
const expectedLines = (dir: string, file: string): string[] => EXPECTED[file]!.map((line) => `${dir}/${file}:${line}`);

function loadError(path: string, maxElements: number): UserError {
  try {
    loadCaseFile(path, { maxElements });
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error(`${path} loaded without an error`);
}

function expectCleanStderr(stderr: string): void {
  expect(stderr).not.toMatch(STACK_TRACE_LINE);
  expect(stderr).not.toContain('internal error (a bug in tconv');
}

describe('bad case files, loaded in-process', () => {
  it('has an expectation for every fixture in test/fixtures/bad', () => {
    expect(
      readdirSync(LOCAL_DIR)
        .filter((name) => name.endsWith('.yaml'))
        .sort(),
    ).toEqual(FIXTURES);
  });

  it.each(FIXTURES)('%s: exact located diagnostics, exit code 2', (file) => {
    const error = loadError(`${LOCAL_DIR}/${file}`, 1000);
    expect(error.exitCode).toBe(EXIT.invalidInput);
    expect(error.diagnostics.map(formatDiagnostic)).toEqual(expectedLines(LOCAL_DIR, file));
  });

  it('oversize.yaml is fine under the default limit (only --max-elements makes it fail)', () => {
    const loaded = loadCaseFile(`${LOCAL_DIR}/oversize.yaml`, { maxElements: DEFAULT_MAX_ELEMENTS });
    expect(loaded.cases.map((entry) => entry.geometry.outputShape)).toEqual([[1, 2, 33, 33]]);
  });

  it('a size past 2^53 - 1 is rejected at its field whatever the limit (--max-elements 1e300)', () => {
    const error = loadError(`${LOCAL_DIR}/huge-output.yaml`, 1e300);
    expect(error.exitCode).toBe(EXIT.invalidInput);
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      `${LOCAL_DIR}/huge-output.yaml:5:14: cases[0].strides: the output tensor [1, 1, 27000000000000000, 27000000000000000] has 7.29e+32 elements, more than can be indexed exactly (2^53 - 1)`,
    ]);
  });

  it('reports an unreadable file as a located user error', () => {
    const error = loadError(`${LOCAL_DIR}/no-such-file.yaml`, 1000);
    expect(error.exitCode).toBe(EXIT.invalidInput);
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      `${LOCAL_DIR}/no-such-file.yaml: cannot read the case file (ENOENT)`,
    ]);
  });
});

describe('bad input through the real CLI', () => {
  it("tconv run on the whole fixture directory: every file's exact lines on stderr, exit 2, nothing run", async () => {
    const result = await runCli(['run', CLI_DIR, '--max-elements', '1000']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').slice(0, -1)).toEqual(FIXTURES.flatMap((file) => expectedLines(CLI_DIR, file)));
    expectCleanStderr(result.stderr);
  });

  it('a single invalid geometry: the TF rule is quoted, exit 2', async () => {
    const result = await runCli(['run', `${CLI_DIR}/tf-output-shape.yaml`]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `${expectedLines(CLI_DIR, 'tf-output-shape.yaml').join('\n')}\n`,
    });
  });

  it('a single malformed YAML file: file:line:col, exit 2', async () => {
    const result = await runCli(['eval', `${CLI_DIR}/malformed-yaml.yaml`]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `${expectedLines(CLI_DIR, 'malformed-yaml.yaml').join('\n')}\n`,
    });
  });

  it('TCONV_MAX_ELEMENTS sets the limit like --max-elements', async () => {
    const result = await runCli(['explain', `${CLI_DIR}/oversize.yaml`], { env: { TCONV_MAX_ELEMENTS: '1000' } });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${expectedLines(CLI_DIR, 'oversize.yaml').join('\n')}\n` });
  });

  it('a missing file next to a valid one: exit 2 before anything runs', async () => {
    const result = await runCli(['run', 'cases/seeds.yaml', `${CLI_DIR}/no-such-file.yaml`]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `${CLI_DIR}/no-such-file.yaml: cannot read the case file (ENOENT)\n`,
    });
  });

  it('an unknown runner is a usage error (exit 2), listing the available runners', async () => {
    const result = await runCli(['eval', 'cases/seeds.yaml', '--runner', 'no-such-runner']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tconv: unknown runner 'no-such-runner' \(available: [^)]*\breference\b[^)]*\)\n$/);
  });

  it('an unknown command prints the usage to stderr, exit 2', async () => {
    const result = await runCli(['frobnicate', 'cases/seeds.yaml']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith("tconv: unknown command 'frobnicate'\n")).toBe(true);
    expect(result.stderr).toContain('Usage:');
    expectCleanStderr(result.stderr);
  });

  it('an unknown option is a usage error naming the option, exit 2', async () => {
    const result = await runCli(['run', 'cases/seeds.yaml', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tconv: run: Unknown option '--bogus'.*\(see tconv help\)\n$/s);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expectCleanStderr(result.stderr);
  });

  it('an unknown --case name and a bad --max-elements are usage errors, exit 2', async () => {
    const [unknownCase, badLimit] = await Promise.all([
      runCli(['run', 'cases/seeds.yaml', '--case', 'no-such-case']),
      runCli(['run', 'cases/seeds.yaml', '--max-elements', 'lots']),
    ]);
    expect(unknownCase.code).toBe(2);
    expect(unknownCase.stderr).toMatch(
      /^tconv: no case named 'no-such-case' \(closest: [a-z0-9.-]+(, [a-z0-9.-]+){7} and \d+ more; /,
    );
    expect(badLimit).toEqual({
      code: 2,
      stdout: '',
      stderr: "tconv: --max-elements expects an integer >= 1, got 'lots'\n",
    });
  });
});
