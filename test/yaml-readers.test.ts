/**
 * Case files are read by other tools too, many of them YAML 1.1 readers: PyYAML reads `1e-04` as
 * the string "1e-04", where tconv's YAML 1.2 reader (the `yaml` package) reads 0.0001. Every
 * bundled case file, `tconv schema`'s output and the YAML tconv writes (src/format/yamlNumber.ts,
 * the case files of `tconv import --weights`) must read the same under both: here PyYAML (in the venv `npm run setup` makes) against `yaml`.
 *
 * Without PyYAML the suite fails when CI is set and is skipped locally, with the reason as the
 * skipped test's name.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import onnxProto from 'onnx-proto';
import { Document, parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { caseFileJsonSchema } from '../src/cli/schema.js';
import { yamlNumber, yamlNumberTags, yamlSafeJson } from '../src/format/yamlNumber.js';
import { choosePython } from '../runners/torch/python.js';
import { REPO_ROOT, runCli } from './helpers/cli.js';

const python = choosePython().executable;
const probe = spawnSync(python, ['-c', 'import yaml'], { encoding: 'utf8' });
const missing =
  probe.status === 0
    ? null
    : `${python} cannot import PyYAML (run \`node scripts/setup-torch.mjs\`): ${(probe.stderr ?? probe.error?.message ?? '').trim().split('\n').pop()}`;
if (missing && process.env['CI']) throw new Error(missing);

/** The value as JSON can carry it: non-finite numbers and other non-JSON scalars tagged. */
const READ_WITH_PYYAML = String.raw`
import json, math, sys, yaml
def plain(value):
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": repr(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"$" + type(value).__name__: str(value)}
out = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        out[path] = plain(yaml.safe_load(handle))
print(json.dumps(out))
`;

function plain(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { $float: Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf' };
  }
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  }
  return value;
}

function readWithPyYaml(paths: readonly string[]): Record<string, unknown> {
  const result = spawnSync(python, ['-c', READ_WITH_PYYAML, ...paths], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) throw new Error(`PyYAML failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** The first places where the two readers disagree ("path: PyYAML X, yaml Y"). */
function differences(pyyaml: unknown, yaml: unknown, path = '', found: string[] = []): string[] {
  if (found.length >= 5) return found;
  if (Array.isArray(pyyaml) && Array.isArray(yaml) && pyyaml.length === yaml.length) {
    pyyaml.forEach((item, index) => differences(item, yaml[index], `${path}[${index}]`, found));
  } else if (
    typeof pyyaml === 'object' &&
    pyyaml !== null &&
    typeof yaml === 'object' &&
    yaml !== null &&
    !Array.isArray(pyyaml) &&
    !Array.isArray(yaml)
  ) {
    const a = pyyaml as Record<string, unknown>;
    const b = yaml as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      differences(a[key], b[key], `${path}.${key}`, found);
  } else if (!Object.is(pyyaml, yaml)) {
    found.push(`${path || '(document)'}: PyYAML reads ${JSON.stringify(pyyaml)}, yaml reads ${JSON.stringify(yaml)}`);
  }
  return found;
}

/** Every YAML file shipped as a case file or example (cases/, examples/, bench/). */
function bundledYamlFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of ['cases', 'examples', 'bench']) walk(join(REPO_ROOT, dir));
  return files.sort();
}

/**
 * A one-node ONNX model (ConvTranspose, X [1, 1, 3, 3], W [1, 1, 3, 3], bias [1]) whose weights
 * JavaScript writes with exponents (1e-7, 1e+21, ...), the form YAML 1.1 reads as a string.
 */
function onnxWithWeights(weight: readonly number[], bias: readonly number[]): Uint8Array {
  const { onnx } = onnxProto;
  const float = onnx.TensorProto.DataType.FLOAT;
  const shape = (dims: number[]) => ({
    tensorType: { elemType: float, shape: { dim: dims.map((dimValue) => ({ dimValue })) } },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: [{ name: 'up', opType: 'ConvTranspose', input: ['X', 'W', 'B'], output: ['Y'] }],
      input: [{ name: 'X', type: shape([1, 1, 3, 3]) }],
      output: [{ name: 'Y', type: { tensorType: { elemType: float } } }],
      initializer: [
        { name: 'W', dims: [1, 1, 3, 3], dataType: float, floatData: [...weight] },
        { name: 'B', dims: [1], dataType: float, floatData: [...bias] },
      ],
    },
  }).finish();
}

describe.skipIf(missing !== null)(missing ?? 'YAML 1.1 (PyYAML) and YAML 1.2 (yaml) read the same', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'tconv-yaml-readers-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('every bundled case file', () => {
    const files = bundledYamlFiles();
    expect(files.length).toBeGreaterThan(10);
    const pyyaml = readWithPyYaml(files);
    const disagreements = files.flatMap((file) =>
      differences(pyyaml[file], plain(parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }))).map(
        (difference) => `${relative(REPO_ROOT, file)}: ${difference}`,
      ),
    );
    expect(disagreements).toEqual([]);
  });

  it("tconv schema's output and cases/schema.json (JSON, which YAML readers read too)", () => {
    const generated = join(scratch, 'schema.json');
    writeFileSync(generated, caseFileJsonSchema());
    const bundled = join(REPO_ROOT, 'cases', 'schema.json');
    const pyyaml = readWithPyYaml([generated, bundled]);
    expect(differences(pyyaml[generated], JSON.parse(readFileSync(generated, 'utf8')))).toEqual([]);
    expect(differences(pyyaml[bundled], JSON.parse(readFileSync(bundled, 'utf8')))).toEqual([]);
  });

  it('a case file tconv import --weights writes: the weights read as the same numbers', async () => {
    const weight = [1e-7, -2.5e-9, 3e-38, 1e-45, 0.5, -0, 1e21, 3.4028234663852886e38, 0.1];
    const bias = [2e-8];
    const model = join(scratch, 'exponents.onnx');
    writeFileSync(model, onnxWithWeights(weight, bias));
    const output = join(scratch, 'imported.yaml');
    const result = await runCli(['import', model, '-o', output, '--weights'], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const pyyaml = readWithPyYaml([output]);
    expect(differences(pyyaml[output], plain(parse(readFileSync(output, 'utf8'))))).toEqual([]);
    const [imported] = (pyyaml[output] as { cases: { data: { weight: unknown[]; bias: unknown[] } }[] }).cases;
    // Numbers (not strings such as "1e-07") that are the model's float32 values, signed zero too.
    const read = imported!.data;
    expect([...read.weight, ...read.bias].map((value) => typeof value)).toEqual(Array(10).fill('number'));
    expect(read.weight.map((value) => Math.fround(value as number))).toEqual(weight.map(Math.fround));
    expect(read.bias.map((value) => Math.fround(value as number))).toEqual(bias.map(Math.fround));
  }, 120_000);

  it('numbers tconv writes (yamlNumber, yamlNumberTags, yamlSafeJson)', () => {
    const values = [
      1e-4,
      1e-7,
      -2.5e-9,
      1e21,
      -3e38,
      3.4028234663852886e38,
      5e-324,
      0.5,
      7,
      -0,
      NaN,
      Infinity,
      -Infinity,
    ];
    const lines = join(scratch, 'lines.yaml');
    writeFileSync(lines, `values: [${values.map(yamlNumber).join(', ')}]\n`);
    const tags = join(scratch, 'tags.yaml');
    writeFileSync(tags, new Document({ values }, { customTags: yamlNumberTags }).toString());
    const json = join(scratch, 'values.json');
    writeFileSync(json, yamlSafeJson(JSON.stringify({ values: values.filter(Number.isFinite) })));
    const pyyaml = readWithPyYaml([lines, tags, json]);
    for (const file of [lines, tags]) {
      expect(differences(pyyaml[file], plain({ values }))).toEqual([]);
      expect(parse(readFileSync(file, 'utf8'))).toEqual({ values });
    }
    // JSON has no signed zero: JSON.stringify(-0) is 0.
    const finite = values.filter(Number.isFinite).map((v) => (Object.is(v, -0) ? 0 : v));
    expect(differences(pyyaml[json], { values: finite })).toEqual([]);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual({ values: finite });
  });
});
