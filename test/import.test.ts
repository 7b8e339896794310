/**
 * `tconv import` on the example models of examples/models/ (built by scripts/models/): one case
 * per transposed convolution with the shapes the source framework itself computed
 * (expected.json: Keras's layer shapes, ONNX Runtime's intermediate outputs, tfjs's layer
 * shapes), embedded weights that reproduce the framework's own layer output (probes.json), the
 * imported files passing `tconv run` on every runner, and `--compare` on the pairs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadCaseFiles } from '../src/case/load.js';
import { REPO_ROOT, runCli, STACK_TRACE_LINE, type CliResult } from './helpers/cli.js';

const MODELS = `${REPO_ROOT}examples/models/`;

interface ExpectedLayer {
  readonly layer: string;
  readonly input: number[];
  readonly output: number[];
}
interface Probe {
  readonly input_shape: number[];
  readonly input: number[];
  readonly output_shape: number[];
  readonly output: number[];
}
const EXPECTED = JSON.parse(readFileSync(`${MODELS}expected.json`, 'utf8')) as Record<string, ExpectedLayer[]>;
const PROBES = JSON.parse(readFileSync(`${MODELS}probes.json`, 'utf8')) as Record<string, Record<string, Probe>>;

/** Extra arguments per model: the U-Net ONNX export has dynamic spatial sizes. */
const ARGS: Record<string, string[]> = {
  'unet-decoder.onnx': ['--input-shape', 'bottleneck=1x16x4x4', '--input-shape', 'skip=1x8x8x8'],
};

const MODEL_NAMES = Object.keys(EXPECTED).sort();
const outputName = (model: string): string => `${model.replace(/\/model\.json$/, '').replace(/\W+/g, '-')}.yaml`;

let directory: string;
/** Probe cases go elsewhere, so that `tconv run` sees only the imported files. */
let probeDirectory: string;
const imports = new Map<string, CliResult>();
let seeded: CliResult;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tconv-import-test-'));
  probeDirectory = mkdtempSync(join(tmpdir(), 'tconv-import-probe-'));
  // Sequentially: each import of a TF.js model or a dynamic ONNX model loads a native runtime.
  for (const model of MODEL_NAMES) {
    const args = ['import', `examples/models/${model}`, '-o', join(directory, outputName(model)), '--weights'];
    imports.set(model, await runCli([...args, ...(ARGS[model] ?? [])], { timeoutMs: 120_000 }));
  }
  // And one without --weights (seeded tensors), for `tconv run` below.
  seeded = await runCli(['import', 'examples/models/unet-decoder.keras', '-o', join(directory, 'seeded-unet.yaml')]);
}, 600_000);

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
  rmSync(probeDirectory, { recursive: true, force: true });
});

describe('tconv import on the example models', () => {
  it('covers a DCGAN generator and a U-Net decoder from Keras, PyTorch/ONNX and TF.js', () => {
    expect(MODEL_NAMES).toEqual(
      expect.arrayContaining([
        'dcgan-generator.keras',
        'dcgan-generator.onnx',
        'dcgan-generator-tfjs/model.json',
        'unet-decoder.keras',
        'unet-decoder.onnx',
      ]),
    );
  });

  for (const model of MODEL_NAMES) {
    it(`${model}: one case per transposed convolution, with the framework's own shapes`, () => {
      const result = imports.get(model)!;
      expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/weight and bias values embedded, [\d.]+ (B|KB)\)/);
      const [file] = loadCaseFiles([join(directory, outputName(model))], { maxElements: 1 << 20 });
      const layers = EXPECTED[model]!;
      expect(file!.cases).toHaveLength(layers.length);
      file!.cases.forEach((loaded, index) => {
        const layer = layers[index]!;
        expect(loaded.spec.name).toMatch(/^[A-Za-z0-9._-]+$/);
        expect(loaded.spec.description).toContain(layer.layer);
        expect(loaded.geometry.inputShape).toEqual(layer.input);
        expect(loaded.geometry.outputShape).toEqual(layer.output);
        expect(loaded.spec.data?.weight).toHaveLength(loaded.geometry.weightElements);
      });
    });
  }

  for (const [model, probes] of Object.entries(PROBES)) {
    for (const [layer, probe] of Object.entries(probes)) {
      it(`${model} ${layer}: the embedded weights reproduce the framework's own layer output`, async () => {
        const document = parse(readFileSync(join(directory, outputName(model)), 'utf8')) as {
          cases: { description: string; input: number[]; data: Record<string, number[]> }[];
        };
        const spec = document.cases.find((entry) => entry.description.includes(`'${layer}'`))!;
        const probeFile = join(probeDirectory, `${outputName(model)}-${layer.replace(/\W+/g, '-')}.yaml`);
        const probeCase = { ...spec, input: probe.input_shape, data: { ...spec.data, input: probe.input } };
        writeFileSync(probeFile, stringify({ description: 'probe', cases: [probeCase] }));
        const result = await runCli(['eval', probeFile, '--runner', 'reference', '--format', 'json']);
        expect(result.code, result.stderr).toBe(0);
        const [record] = JSON.parse(result.stdout) as { shape: number[]; data: number[] }[];
        expect(record!.shape).toEqual(probe.output_shape);
        record!.data.forEach((value, index) => expect(Math.abs(value - probe.output[index]!)).toBeLessThan(1e-4));
      });
    }
  }

  it('without --weights the tensors come from seeds', () => {
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/wrote .*seeded-unet\.yaml \(2 cases, tensors from seeds, [\d.]+ (B|KB)\)/);
    const [file] = loadCaseFiles([join(directory, 'seeded-unet.yaml')], { maxElements: 1 << 20 });
    expect(file!.cases.map((loaded) => [loaded.spec.name, loaded.spec.data, typeof loaded.spec.seed])).toEqual([
      ['up1', undefined, 'number'],
      ['up_block.up2', undefined, 'number'],
    ]);
  });

  it('tconv run passes on every runner (recorded divergences aside)', async () => {
    const result = await runCli(['run', directory, '--expectations', 'examples/models/expectations.yaml'], {
      timeoutMs: 500_000,
    });
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(result.stdout).toMatch(/\d+ passed, 0 failed/);
  }, 600_000);
});

describe('tconv import A B --compare', () => {
  it('DCGAN: ONNX (PyTorch pads) and Keras SAME/VALID resolve to the same geometry, paired in order', async () => {
    const result = await runCli([
      'import',
      'examples/models/dcgan-generator.onnx',
      'examples/models/dcgan-generator.keras',
      '--compare',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('layers paired in order');
    expect(result.stdout).toContain('all 3 layer pair(s) resolve to the same geometry');
  });

  it('DCGAN: Keras and TF.js, paired by name', async () => {
    const result = await runCli(
      ['import', 'examples/models/dcgan-generator.keras', 'examples/models/dcgan-generator-tfjs', '--compare'],
      { timeoutMs: 120_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('layers paired by name');
    expect(result.stdout).toMatch(/same\s+project <-> project/);
  });

  it('U-Net: PyTorch padding 1 + output_padding 1 crops the extra row at the start, Keras SAME at the end: exit 1', async () => {
    const result = await runCli([
      'import',
      'examples/models/unet-decoder.onnx',
      'examples/models/unet-decoder.keras',
      '--compare',
      ...ARGS['unet-decoder.onnx']!,
    ]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/DIFFERENT\s+\/up1\/ConvTranspose <-> up1/);
    expect(result.stdout).toContain(
      '(the extra pixel cropped at the start: SAME_LOWER-style); Keras SAME crops 0 at the start and 1 at the end',
    );
    expect(result.stdout).toContain(
      'axes H, W: both give 8; ONNX pads [1, 1, 1, 1] + output_padding [1, 1] crops 1 at the start',
    );
    expect(result.stdout).toContain('TF SAME / SAME_UPPER-style): the outputs are shifted by 1 pixel');
    expect(result.stdout).toMatch(/same\s+\/up2\/ConvTranspose <-> up_block\/up2/);
    expect(result.stdout).toContain('1 of 2 layer pair(s) differ');
  });
});
