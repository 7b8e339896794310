/**
 * `tconv eval` and `tconv explain` through the real CLI, on the documented examples of
 * cases/seeds.yaml: eval's JSON contract and values, --case filtering, and explain's axis table
 * and per-framework spellings for TensorFlow's conv2d_transpose doc example.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, runCli, STACK_TRACE_LINE, type CliResult } from './helpers/cli.js';

interface SeedCase {
  readonly name: string;
  readonly expect?: { readonly shape?: number[]; readonly output?: number[] };
}

/** The documented cases and their expected outputs, read straight from the YAML. */
const SEEDS = (parse(readFileSync(`${REPO_ROOT}cases/seeds.yaml`, 'utf8')) as { cases: SeedCase[] }).cases;

const TF_DOC = 'tf-doc-same-stride2';

describe('tconv eval --runner reference --format json', () => {
  let all: CliResult;
  let filtered: CliResult;
  beforeAll(async () => {
    [all, filtered] = await Promise.all([
      runCli(['eval', 'cases/seeds.yaml', '--runner', 'reference', '--format', 'json']),
      runCli([
        'eval',
        'cases/seeds.yaml',
        '--runner',
        'reference',
        '--format',
        'json',
        '--case',
        'onnx-doc-pads,torch-doc-stride1-pad1',
      ]),
    ]);
  });

  it('prints one JSON array, one {case, runner, status, shape, data} per case, exit 0', () => {
    expect(all.code).toBe(0);
    expect(all.stderr).toBe('');
    const records = JSON.parse(all.stdout) as Record<string, unknown>[];
    expect(Array.isArray(records)).toBe(true);
    expect(records.map((record) => record['case'])).toEqual(SEEDS.map((seed) => `seeds/${seed.name}`));
    for (const record of records) {
      expect(Object.keys(record).sort()).toEqual(['case', 'data', 'runner', 'shape', 'status']);
      expect(record).toMatchObject({ runner: 'reference', status: 'ok' });
    }
  });

  it('gives exactly the documented outputs and shapes', () => {
    const records = JSON.parse(all.stdout) as { case: string; shape: number[]; data: number[] }[];
    const byCase = new Map(records.map((record) => [record.case, record]));
    let withValues = 0;
    for (const seed of SEEDS) {
      const record = byCase.get(`seeds/${seed.name}`)!;
      expect(record.shape, seed.name).toEqual(seed.expect!.shape);
      expect(record.data.length, seed.name).toBe(record.shape.reduce((x, y) => x * y, 1));
      if (seed.expect?.output) {
        withValues++;
        expect(record.data, seed.name).toEqual(seed.expect.output);
      } else {
        expect(record.data.every(Number.isFinite), seed.name).toBe(true);
      }
    }
    expect(withValues).toBeGreaterThanOrEqual(14);
  });

  it('--case keeps only the named cases, in file order', () => {
    expect(filtered.code).toBe(0);
    expect(JSON.parse(filtered.stdout)).toEqual([
      { case: 'seeds/torch-doc-stride1-pad1', runner: 'reference', status: 'ok', shape: [1, 1, 1, 1], data: [28] },
      {
        case: 'seeds/onnx-doc-pads',
        runner: 'reference',
        status: 'ok',
        shape: [1, 2, 7, 3],
        data: SEEDS.find((seed) => seed.name === 'onnx-doc-pads')!.expect!.output,
      },
    ]);
  });
});

describe('tconv explain', () => {
  let text: CliResult;
  let json: CliResult;
  beforeAll(async () => {
    [text, json] = await Promise.all([
      runCli(['explain', 'cases/seeds.yaml', '--case', TF_DOC]),
      runCli(['explain', 'cases/seeds.yaml', '--format', 'json']),
    ]);
  });

  it('text: the case, its convention and the resolved axis table', () => {
    expect(text.code).toBe(0);
    expect(text.stderr).not.toMatch(STACK_TRACE_LINE);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`seeds/${TF_DOC}  (cases/seeds.yaml:9)`);
    expect(lines).toContain("  convention: TensorFlow/Keras padding='SAME', output_shape [4, 4]");
    // full = (2-1)*2 + 3 = 5, total 1: TF crops 0 at the start and 1 at the end.
    const header = lines.findIndex((line) => line.trimStart().startsWith('axis'));
    expect(lines.slice(header, header + 3)).toEqual([
      '  axis  input  kernel  k_eff  stride  dilation  full  begin crop  end crop  output_padding  output',
      '  H     2      3       3      2       1         5     0           1         0               4',
      '  W     2      3       3      2       1         5     0           1         0               4',
    ]);
  });

  it('text: the TensorFlow, Keras, ONNX spellings, and why PyTorch cannot spell it', () => {
    const out = text.stdout;
    expect(out).toContain(
      "    tf.nn.conv2d_transpose(x, filters, output_shape=[1, 4, 4, 1], strides=[2, 2], padding='SAME')\n",
    );
    expect(out).toContain(
      "    keras.layers.Conv2DTranspose(filters=1, kernel_size=(3, 3), strides=(2, 2), padding='same', use_bias=False)\n",
    );
    const onnx = 'ConvTranspose(X, W, kernel_shape=[3, 3], strides=[2, 2], dilations=[1, 1], group=1';
    expect(out).toContain(`  ONNX (pads):\n    ${onnx}, pads=[0, 0, 1, 1])\n`);
    expect(out).toContain(`  ONNX (auto_pad=SAME_UPPER):\n    ${onnx}, auto_pad="SAME_UPPER")\n`);
    expect(out).toContain(
      `  ONNX (output_shape+SAME_UPPER):\n    ${onnx}, auto_pad="SAME_UPPER", output_shape=[4, 4])\n`,
    );
    // SAME_LOWER and NOTSET + output_shape put the odd pixel at the start: not this crop.
    expect(out).not.toContain('SAME_LOWER');
    expect(out).not.toContain('ONNX (output_shape):');
    expect(out).toContain(
      '  PyTorch (torch.nn.ConvTranspose2d): cannot be spelled: asymmetric crop (begin 0, end 1): PyTorch pads both sides by the same amount; emulate with padding=0 and slice [0:4]\n',
    );
  });

  it('--format json parses: one entry per case with the geometry and the spellings', () => {
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.stdout) as {
      case: string;
      line: number;
      geometry: { axes: { beginCrop: number; endCrop: number; outputSize: number }[] };
      spellings: {
        framework: string;
        form: string;
        expressible: boolean;
        reason?: string;
        code?: string;
        onnx?: { pads?: number[] };
      }[];
    }[];
    expect(entries.map((entry) => entry.case)).toEqual(SEEDS.map((seed) => `seeds/${seed.name}`));
    const tf = entries.find((entry) => entry.case === `seeds/${TF_DOC}`)!;
    expect(tf.line).toBe(9);
    expect(tf.geometry.axes.map((axis) => [axis.beginCrop, axis.endCrop, axis.outputSize])).toEqual([
      [0, 1, 4],
      [0, 1, 4],
    ]);
    expect(tf.spellings.find((s) => s.framework === 'onnx' && s.form === 'pads')?.onnx?.pads).toEqual([0, 0, 1, 1]);
    const torch = tf.spellings.filter((s) => s.framework === 'pytorch');
    expect(torch).toHaveLength(1);
    expect(torch[0]).toMatchObject({ expressible: false, reason: expect.stringMatching(/^asymmetric crop/) });
    // A symmetric crop is spelled in PyTorch: the doc example with padding 1.
    const pad1 = entries.find((entry) => entry.case === 'seeds/torch-doc-stride1-pad1')!;
    expect(pad1.spellings.find((s) => s.framework === 'pytorch')).toMatchObject({
      expressible: true,
      code: 'torch.nn.ConvTranspose2d(in_channels=1, out_channels=1, kernel_size=(2, 2), stride=(1, 1), padding=(1, 1), bias=False)',
    });
  });
});
