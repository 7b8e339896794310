/**
 * A documented `expect` (an output pasted from another framework) that the reference disagrees
 * with is diagnosed like a runner's output: the expect is the side under test, held against the
 * float64 reference. The classic causes (the odd pad row at the start on both axes, the kernel
 * rotated 180 degrees, the output pasted in the other layout, the bias left out) must be named,
 * and every report (console, JSON, JUnit, HTML) must call the two sides "expect" and "reference",
 * never "runner".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaseFiles, type LoadedCase } from '../src/case/load.js';
import { flipKernel, shiftedGeometry, toOtherLayout } from '../src/compare/transform.js';
import type { ValuesComparison } from '../src/compare/types.js';
import { caseTensors } from '../src/data/tensors.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { convTransposeReference } from '../src/reference/index.js';
import { failureDetails } from '../src/report/console.js';
import { caseAnchor } from '../src/report/html/escape.js';
import { detailLines } from '../src/report/details.js';
import { REPORTERS } from '../src/report/registry.js';
import { runConformance } from '../src/run/conformance.js';
import type { CaseReport, RunReport } from '../src/run/report.js';
import type { CaseTensors } from '../src/tensor.js';

// TF SAME, 5x5 -> 10x10, k 3, s 2: full 11, the odd row and column cropped at the END (beginCrop 0).
const CASES = `description: Documented expects made the wrong way, and one made right.
defaults: { input: [1, 2, 5, 5], out_channels: 3, kernel: [3, 3], strides: 2, padding: SAME, output_shape: [10, 10], bias: true }
cases:
  - name: same-lower-expect
  - name: flipped-expect
  - name: other-layout-expect
  - name: no-bias-expect
  - name: right-expect
`;

type Maker = (geometry: ConvTransposeGeometry, tensors: CaseTensors) => Float64Array;

const float32 = (values: Float64Array): Float64Array => values.map(Math.fround);
const computed = (geometry: ConvTransposeGeometry, tensors: CaseTensors): Float64Array =>
  float32(convTransposeReference(geometry, tensors, { withBounds: false }).output);

/** How each case's expect was made (by a framework, then pasted into the case file). */
const MAKERS: Record<string, Maker> = {
  // SAME_LOWER-style: the odd pad row at the start on both axes.
  'same-lower-expect': (g, t) => computed(shiftedGeometry(g, [1, 1]), t),
  'flipped-expect': (g, t) => computed(g, { ...t, weight: flipKernel(t.weight, g) }),
  // NCHW data flattened in NHWC order.
  'other-layout-expect': (g, t) => toOtherLayout(computed(g, t), g.batch, g.outChannels, g.channelsLast),
  'no-bias-expect': (g, t) => computed(g, { ...t, bias: new Float32Array(g.outChannels) }),
  'right-expect': (g, t) => computed(g, t),
};

let directory = '';
let report: RunReport;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tconv-expect-'));
  const path = join(directory, 'expects.yaml');
  writeFileSync(path, CASES);
  const files = loadCaseFiles([path], { maxElements: 1e6 });
  const cases = files[0]!.cases.map((entry): LoadedCase => {
    const tensors = caseTensors(entry.spec, entry.geometry, entry.seed);
    const output = Array.from(MAKERS[entry.spec.name]!(entry.geometry, tensors));
    return { ...entry, spec: { ...entry.spec, expect: { shape: [...entry.geometry.outputShape], output } } };
  });
  report = await runConformance(files, cases, {
    sessions: [],
    expectations: [],
    selection: { filter: [], shard: null, runners: ['reference'] },
  });
});

afterAll(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

function caseNamed(name: string): CaseReport {
  return report.cases.find((entry) => entry.name === name)!;
}

function comparisonOf(name: string): ValuesComparison {
  const comparison = caseNamed(name).variants[0]!.judgement.comparison;
  if (comparison?.stage !== 'values') throw new Error(`${name}: no values comparison`);
  return comparison;
}

const SAME_LOWER =
  /output shifted along H,W: matches if the extra pad row were at the start and the extra pad column were at the start \(beginCrop 1 instead of 0 on axis H, beginCrop 1 instead of 0 on axis W\)/;

describe('a documented expect the reference disagrees with is diagnosed', () => {
  it('made with the odd pad row at the start on both axes (SAME_LOWER-style): a shift on H and W', () => {
    const c = comparisonOf('same-lower-expect');
    expect(c.subject).toBe('expect');
    expect(c.verdict).toBe('mismatch');
    expect(c.diagnosis!.explanation).toMatchObject({ kind: 'shift', axis: 'H,W' });
    expect(c.diagnosis!.explanation.shifts).toEqual([
      { axis: 'H', delta: 1, expectedBeginCrop: 0, actualBeginCrop: 1 },
      { axis: 'W', delta: 1, expectedBeginCrop: 0, actualBeginCrop: 1 },
    ]);
    expect(c.diagnosis!.summary).toMatch(SAME_LOWER);
  });

  it('made with the kernel rotated 180 degrees', () => {
    const c = comparisonOf('flipped-expect');
    expect(c.diagnosis!.explanation.kind).toBe('kernel-flipped');
    expect(c.diagnosis!.summary).toMatch(/the expect was computed as a correlation/);
    expect(c.diagnosis!.summary).not.toMatch(/runner/);
  });

  it('pasted in the other layout', () => {
    const c = comparisonOf('other-layout-expect');
    expect(c.diagnosis!.explanation.kind).toBe('layout');
    expect(c.diagnosis!.summary).toMatch(/the expect was pasted in NHWC order/);
  });

  it('made without the bias', () => {
    const c = comparisonOf('no-bias-expect');
    expect(c.diagnosis!.explanation.kind).toBe('bias-missing');
    expect(c.diagnosis!.summary).toMatch(/the expect was computed without B/);
  });

  it('a right expect passes (the direction of the comparison keeps float32 rounding within the bound)', () => {
    expect(caseNamed('right-expect').variants[0]!.status).toBe('pass');
  });
});

describe('every report labels the sides "expect" and "reference"', () => {
  it('console (and JUnit, which shares the lines): expect / reference, the diagnosis, never "runner"', () => {
    const text = failureDetails(report, detailLines).join('\n');
    const section = text.slice(
      text.indexOf('same-lower-expect [reference]'),
      text.indexOf('flipped-expect [reference]'),
    );
    expect(section).toContain("Compared: the case's documented expect against the float64 reference");
    expect(section).toMatch(/\(0, \d, \d, \d\): expect -?[\d.e-]+, reference -?[\d.e-]+, \|diff\|/);
    expect(section).toMatch(SAME_LOWER);
    expect(section).not.toMatch(/\bactual\b|\brunner\b/);
  });

  it('JSON: the comparison says subject "expect" and carries the diagnosis', () => {
    const json = JSON.parse(REPORTERS.json.render(report)) as RunReport;
    const variant = json.cases.find((entry) => entry.name === 'same-lower-expect')!.variants[0]!;
    expect(variant.runner).toBe('reference');
    const comparison = variant.judgement.comparison;
    expect(comparison?.subject).toBe('expect');
    expect(comparison?.stage === 'values' && comparison.diagnosis?.summary).toMatch(SAME_LOWER);
    expect(variant.output).toHaveLength(300);
  });

  it('JUnit: the failure of the reference row names the diagnosis and the sides', () => {
    const xml = REPORTERS.junit.render(report);
    const failure =
      /<testcase classname="[^"]*same-lower-expect" name="reference"[^>]*>\s*<failure message="([^"]*)" type="mismatch">([^<]*)<\/failure>/.exec(
        xml,
      );
    expect(failure).not.toBeNull();
    expect(failure![1]).toMatch(/^mismatch: vs documented expect: \d+ \/ 300 elements differ/);
    expect(failure![2]).toMatch(SAME_LOWER);
    expect(failure![2]).toMatch(/: expect -?[\d.e-]+, reference -?[\d.e-]+, \|diff\|/);
  });

  it('HTML: the statistics, worst elements and pictures call the side "expect"', () => {
    const html = REPORTERS.html.render(report);
    const start = html.indexOf(`id="${caseAnchor(caseNamed('same-lower-expect').id)}"`);
    expect(start).toBeGreaterThan(0);
    const section = html.slice(start, html.indexOf('</section>', start));
    expect(section).toMatch(SAME_LOWER);
    expect(section).toContain('<th>reference</th><th>expect</th>');
    expect(section).toMatch(/: expect -?[\d.e-]+, reference -?[\d.e-]+ \(rel/);
    expect(section).toContain('Heatmaps: reference | expect | |difference|');
    expect(section).toContain('"side":"expect"');
    expect(section).not.toMatch(/\brunner [\d-]|<th>runner<\/th>|reference \| runner/);
  });
});
