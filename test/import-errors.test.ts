/**
 * `tconv import` on bad input: every refusal exits 2 with the file, the layer when there is one,
 * and what was expected, never a stack trace; an existing file tconv did not write is never
 * overwritten, and nothing is written when the import fails.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import onnxProto from 'onnx-proto';
import type { onnx as proto } from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, STACK_TRACE_LINE, type CliResult } from './helpers/cli.js';

const { onnx } = onnxProto;
let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'tconv-import-errors-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

/** A one-node ONNX model; `attributes` as ConvTranspose attributes when the op is one. */
function onnxModel(opType: string, opset: number, attributes: proto.IAttributeProto[] = []): Uint8Array {
  const float = onnx.TensorProto.DataType.FLOAT;
  const info = (name: string, dims: number[]): proto.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: float, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } },
  });
  const weight = opType === 'ConvTranspose';
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      node: [{ name: 'the_node', opType, input: weight ? ['X', 'W'] : ['X'], output: ['Y'], attribute: attributes }],
      input: [info('X', [1, 2, 3, 3])],
      output: [{ name: 'Y', type: { tensorType: { elemType: float } } }],
      initializer: weight
        ? [{ name: 'W', dims: [2, 1, 3, 3], dataType: float, floatData: new Array<number>(18).fill(1) }]
        : [],
    },
  }).finish();
}

function kerasArchive(layers: unknown[]): Uint8Array {
  const config = { class_name: 'Sequential', config: { name: 'm', layers } };
  return zipSync({
    'config.json': strToU8(JSON.stringify(config)),
    'metadata.json': strToU8('{"keras_version": "3.15.1"}'),
  });
}

async function importing(args: string[]): Promise<CliResult> {
  const result = await runCli(['import', ...args]);
  expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  return result;
}

describe('tconv import refuses bad models with exit 2', () => {
  const cases: [string, () => string, RegExp][] = [
    [
      'a text file named .onnx',
      () => file('notes.onnx', 'hello, this is not a model\n'),
      /notes\.onnx: not (a readable ONNX|an ONNX) model/,
    ],
    [
      'a truncated ONNX file',
      () => file('truncated.onnx', readFileSync(`${REPO_ROOT}examples/models/dcgan-generator.onnx`).subarray(0, 3000)),
      /truncated\.onnx: not a readable ONNX model: the protobuf does not decode .*truncated or corrupt/,
    ],
    [
      'a truncated .keras archive',
      () => file('truncated.keras', readFileSync(`${REPO_ROOT}examples/models/unet-decoder.keras`).subarray(0, 4000)),
      /truncated\.keras: not a readable zip archive .*expected a Keras 3 \.keras archive/,
    ],
    ['a legacy Keras .h5 model', () => file('old.h5', 'x'), /old\.h5: unsupported format: a legacy Keras HDF5 model/],
    [
      'a PyTorch checkpoint',
      () => file('model.pt', 'x'),
      /model\.pt: unsupported format: a PyTorch checkpoint: export it with torch\.onnx\.export/,
    ],
    [
      'an unknown format',
      () => file('model.bin', 'x'),
      /model\.bin: unsupported format \(extension '\.bin'\): expected an ONNX model/,
    ],
    ['a missing file', () => join(directory, 'absent.onnx'), /absent\.onnx: no such file/],
    [
      'an ONNX model without ConvTranspose',
      () => file('relu.onnx', onnxModel('Relu', 17)),
      /relu\.onnx: no ConvTranspose node in the main graph \(ops: Relu\)/,
    ],
    [
      'an opset tconv does not know',
      () => file('future.onnx', onnxModel('ConvTranspose', 99)),
      /future\.onnx: unsupported opset 99: tconv knows ai\.onnx opsets 1 to \d+/,
    ],
    [
      'ONNX pads together with auto_pad SAME_UPPER',
      () =>
        file(
          'both.onnx',
          onnxModel('ConvTranspose', 17, [
            { name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] },
            { name: 'auto_pad', type: onnx.AttributeProto.AttributeType.STRING, s: strToU8('SAME_UPPER') },
          ]),
        ),
      /both\.onnx: node 'the_node': its parameters do not make a valid transposed convolution: padding: ONNX: explicit pads cannot be used together with auto_pad SAME_UPPER/,
    ],
    [
      'a Keras model without transposed convolutions',
      () => file('dense.keras', kerasArchive([{ class_name: 'Dense', config: { name: 'd', units: 3 } }])),
      /dense\.keras: no Conv1DTranspose, Conv2DTranspose or Conv3DTranspose layer/,
    ],
    [
      'a Keras layer with an unknown spatial input size',
      () =>
        file(
          'open.keras',
          kerasArchive([
            {
              class_name: 'Conv2DTranspose',
              config: {
                name: 'up',
                filters: 2,
                kernel_size: [3, 3],
                strides: [2, 2],
                padding: 'same',
                data_format: 'channels_last',
                use_bias: true,
              },
              build_config: { input_shape: [null, null, 8, 4] },
            },
          ]),
        ),
      /open\.keras: layer 'up': input dimension 1 is unknown in the saved model \(input shape \?x\?x8x4\).*--input-shape up=1xNx8x4/,
    ],
  ];
  for (const [what, make, message] of cases) {
    it(what, async () => {
      const output = join(directory, `${what.replace(/\W+/g, '-')}.yaml`);
      const result = await importing([make(), '-o', output]);
      expect(result.code, result.stdout).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(existsSync(output)).toBe(false);
    });
  }

  it('an ONNX model with dynamic spatial sizes names the dimension and the option to give', async () => {
    const result = await importing(['examples/models/unet-decoder.onnx', '-o', join(directory, 'dyn.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "examples/models/unet-decoder.onnx: graph input 'bottleneck' dimension 2 ('height') is dynamic (shape [batch, 16, height, width]): give its size with --input-shape bottleneck=1x16xNxN",
    );
  });

  it('bad --input-shape values are usage errors', async () => {
    const result = await importing(['examples/models/unet-decoder.onnx', '--input-shape', 'bottleneck=1x16x0x4']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--input-shape expects NAME=DIMxDIMx...');
    const unknown = await importing([
      'examples/models/unet-decoder.onnx',
      '--input-shape',
      'nope=1x2x3x4',
      '-o',
      join(directory, 'u.yaml'),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--input-shape nope: the graph has no input 'nope' (inputs: bottleneck, skip)");
  });

  it('the unknown Keras size given with --input-shape imports', async () => {
    const output = join(directory, 'open-given.yaml');
    const result = await importing([join(directory, 'open.keras'), '--input-shape', 'up=1x5x8x4', '-o', output]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain('input: [1, 5, 8, 4]');
  });
});

describe('tconv import output files', () => {
  it('never overwrites a file tconv import did not write, and replaces its own', async () => {
    const output = file('mine.yaml', 'description: my hand-written cases\ncases: []\n');
    const refused = await importing(['examples/models/dcgan-generator.keras', '-o', output]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to overwrite an existing file that tconv import did not write');
    expect(readFileSync(output, 'utf8')).toBe('description: my hand-written cases\ncases: []\n');
    const own = join(directory, 'own.yaml');
    expect((await importing(['examples/models/dcgan-generator.keras', '-o', own])).code).toBe(0);
    expect((await importing(['examples/models/signal-1d.keras', '-o', own])).code).toBe(0);
    expect(readFileSync(own, 'utf8')).toMatch(
      /^# Generated by tconv import\n# from examples\/models\/signal-1d\.keras/,
    );
  });

  it('--weights above --max-elements is refused, with the size, and writes nothing', async () => {
    const output = join(directory, 'big.yaml');
    const result = await importing([
      'examples/models/dcgan-generator.keras',
      '--weights',
      '--max-elements',
      '1000',
      '-o',
      output,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--weights would embed 4483 weight and bias values \([\d.]+ KB of YAML\), more than --max-elements 1000/,
    );
    expect(existsSync(output)).toBe(false);
  });

  it('a layer larger than --max-elements is named (tconv run would refuse it too)', async () => {
    const output = join(directory, 'small.yaml');
    const result = await importing(['examples/models/dcgan-generator.keras', '--max-elements', '500', '-o', output]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "examples/models/dcgan-generator.keras: layer 'project': its weight has 2048 elements, more than --max-elements 500",
    );
    expect(existsSync(output)).toBe(false);
  });
});
