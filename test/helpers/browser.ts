/**
 * Headless Chromium for the HTML report tests (playwright-core driving the system's Chromium, no
 * network), and RunReport fixtures built from real geometries, reference outputs and comparisons.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { CaseSpec, ExpectedDivergence } from '../../src/case/types.js';
import { compareOutcome, describeTolerance, toleranceFromSpec } from '../../src/compare/index.js';
import { caseTensors } from '../../src/data/tensors.js';
import { shiftedGeometry } from '../../src/compare/transform.js';
import { describeConvention } from '../../src/format/explain.js';
import { resolveGeometry } from '../../src/geometry/resolve.js';
import { allSpellings } from '../../src/geometry/spellings.js';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import { convTransposeReference } from '../../src/reference/index.js';
import type { Judgement } from '../../src/run/judge.js';
import { REPORT_SCHEMA_VERSION, type CaseReport, type RunReport, type VariantReport } from '../../src/run/report.js';
import type { Status } from '../../src/run/status.js';

export const CHROMIUM_PATH = process.env['TCONV_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags for a sandbox-less container with no network: nothing may phone home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Null when Chromium can be launched, else why not. */
export function chromiumUnavailable(): string | null {
  if (!existsSync(CHROMIUM_PATH))
    return `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set TCONV_CHROMIUM)`;
  return null;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

// ------------------------------------------------------------------ report fixtures

export const HOSTILE_NAME = '<script>alert(1)</script>';

interface Built {
  readonly spec: CaseSpec;
  readonly geometry: ConvTransposeGeometry;
  readonly reference: ReturnType<typeof convTransposeReference>;
  readonly tensors: ReturnType<typeof caseTensors>;
}

function build(spec: CaseSpec, seed: number): Built {
  const resolved = resolveGeometry(spec);
  if (!resolved.ok) throw new Error(`bad fixture ${spec.name}: ${JSON.stringify(resolved.issues)}`);
  const tensors = caseTensors(spec, resolved.geometry, seed);
  return {
    spec,
    geometry: resolved.geometry,
    tensors,
    reference: convTransposeReference(resolved.geometry, tensors, { withBounds: true }),
  };
}

/**
 * The reference moved down by one row along H, as a runner that crops one row less at the start
 * computes it: row j is full[j + beginCrop - 1] (so row j is the reference's row j - 1).
 */
export function shiftedByOneRow(built: Built): Float64Array {
  const deltas = built.geometry.axes.map((_, axis) => (axis === built.geometry.rank - 2 ? -1 : 0));
  return convTransposeReference(shiftedGeometry(built.geometry, deltas), built.tensors, { withBounds: false }).output;
}

function judged(built: Built, output: Float64Array, variant: string): { status: Status; judgement: Judgement } {
  const comparison = compareOutcome({
    outcome: { status: 'ok', output: Float32Array.from(output), shape: built.geometry.outputShape },
    reference: built.reference,
    geometry: built.geometry,
    tensors: built.tensors,
    tolerance: toleranceFromSpec(built.spec.tolerance),
  });
  const summary =
    comparison.stage === 'values' || comparison.stage === 'non-finite'
      ? `${comparison.statistics.mismatched} / ${comparison.statistics.total} elements differ (${variant})`
      : comparison.verdict;
  return {
    status: comparison.verdict,
    judgement: { verdict: comparison.verdict, summary, comparison: comparison as unknown as Judgement['comparison'] },
  };
}

function variant(
  runner: string,
  name: string | null,
  status: Status,
  summary: string,
  extra: Partial<VariantReport> = {},
): VariantReport {
  const verdict = status.startsWith('expected-')
    ? 'mismatch'
    : status === 'unexpected-pass'
      ? 'pass'
      : (status as Judgement['verdict']);
  return {
    runner,
    variant: name,
    version: `${runner} 1.0`,
    wallMs: 3.5,
    status,
    judgement: { verdict, summary },
    ...extra,
  };
}

function caseReport(
  built: Built,
  id: string,
  file: string,
  seed: number,
  variants: VariantReport[],
  extra: Partial<CaseReport> = {},
): CaseReport {
  return {
    id,
    file,
    name: built.spec.name,
    line: 3,
    ...(built.spec.description ? { description: built.spec.description } : {}),
    tags: built.spec.tags ?? [],
    seed,
    convention: describeConvention(built.geometry.convention),
    conventionKind: built.geometry.convention.kind,
    geometry: built.geometry,
    spellings: allSpellings(built.geometry),
    tolerance: describeTolerance(toleranceFromSpec(built.spec.tolerance)),
    variants,
    ...(variants.some((entry) => entry.output) ? { referenceOutput: Array.from(built.reference.output) } : {}),
    ...extra,
  };
}

const expectation = (
  runner: ExpectedDivergence['runner'],
  status: ExpectedDivergence['status'],
  reason: string,
  link?: string,
): ExpectedDivergence => ({
  runner,
  status,
  reason,
  ...(link !== undefined ? { link } : {}),
});

/**
 * Three cases: a hostile-named 2-D NCHW case (PyTorch convention) whose onnxruntime 'pads' output
 * is the reference shifted by one row; a 3-D NDHWC case (TF SAME) with one wrong element; a 1-D
 * ONNX case that passes, with unsupported / known-divergence variants.
 */
export function fixtureReport(): RunReport {
  const hostile = build(
    {
      name: HOSTILE_NAME,
      description: `"'><img src=x onerror=alert(2)> a description with </script> in it & more`,
      tags: ['<b>bold</b>', 'shift'],
      input: [1, 2, 6, 6],
      layout: 'NCHW',
      out_channels: 3,
      kernel: [3, 3],
      strides: 2,
      padding: 1,
      output_padding: 1,
    },
    7,
  );
  const shifted = shiftedByOneRow(hostile);
  const mismatch = judged(hostile, shifted, 'pads');
  const hostileCase = caseReport(hostile, `hostile/${HOSTILE_NAME}`, 'cases/<img src=x onerror=alert(3)>.yaml', 7, [
    variant('reference', null, 'pass', 'baseline'),
    variant('onnxruntime', 'pads', mismatch.status, mismatch.judgement.summary, {
      judgement: mismatch.judgement,
      output: Array.from(Float32Array.from(shifted)),
      call: {
        op: 'ConvTranspose',
        attributes: { pads: [1, 1, 0, 0], strides: [2, 2], note: '</script><script>alert(6)</script>' },
        layouts: { X: 'NCHW' },
        shapes: { X: [1, 2, 6, 6], W: [2, 3, 3, 3] },
      },
    }),
    variant('onnxruntime', 'auto_pad=SAME_UPPER', 'expected-mismatch', 'listed divergence', {
      expected: expectation(
        'onnxruntime',
        'mismatch',
        'javascript link must not be clickable <i>',
        'javascript:alert(4)',
      ),
    }),
    variant('tfjs-node', 'same', 'error', '</script><script>alert(5)</script> framework said no', {
      emulation: 'crop <done> by tconv',
    }),
  ]);

  const volume = build(
    {
      name: 'volume-ndhwc',
      description: '3-D, channels-last',
      input: [1, 3, 4, 4, 2],
      layout: 'NDHWC',
      out_channels: 2,
      kernel: [2, 3, 3],
      strides: 2,
      padding: 'SAME',
    },
    11,
  );
  const poked = Float64Array.from(volume.reference.output);
  poked[poked.length >> 1]! += 0.5;
  const volumeJudged = judged(volume, poked, 'same');
  const volumeCase = caseReport(volume, 'more/volume-ndhwc', 'cases/more.yaml', 11, [
    variant('reference', null, 'pass', 'baseline'),
    variant('tfjs-node', 'same', volumeJudged.status, volumeJudged.judgement.summary, {
      judgement: volumeJudged.judgement,
      output: Array.from(poked),
    }),
  ]);

  const line = build(
    {
      name: 'line-onnx',
      input: [1, 1, 5],
      out_channels: 1,
      kernel: [3],
      strides: 2,
      padding: { auto_pad: 'SAME_UPPER' },
    },
    13,
  );
  const lineCase = caseReport(line, 'more/line-onnx', 'cases/more.yaml', 13, [
    variant('reference', null, 'pass', 'baseline'),
    variant('onnxruntime', 'pads', 'pass', 'max abs diff 0'),
    variant('tfjs-node', 'same', 'expected-error', 'rejected', {
      expected: expectation('tfjs-node', 'error', 'tfjs rejects it', 'https://github.com/tensorflow/tfjs/issues/1'),
    }),
    variant('torch', null, 'unsupported', 'torch is not installed'),
  ]);

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'tconv', version: '0.1.0' },
    environment: {
      node: process.version,
      platform: 'test',
      runners: {
        reference: 'tconv reference (float64)',
        onnxruntime: 'onnxruntime-node 1.30.0',
        'tfjs-node': '<b>4.22.0</b>',
      },
    },
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: 1234,
    selection: { filter: ['<script>'], shard: '1/2', runners: ['reference', 'onnxruntime', 'tfjs-node', 'torch'] },
    files: [
      { path: 'cases/<img src=x onerror=alert(3)>.yaml', fileId: 'hostile', description: 'hostile <file>' },
      { path: 'cases/more.yaml', fileId: 'more', description: 'more cases' },
    ],
    cases: [hostileCase, volumeCase, lineCase],
  };
}

/**
 * A report with `count` cases (render-speed tests): every tenth is the hostile mismatching case
 * (with embedded outputs), the rest the passing 1-D case.
 */
export function manyCasesReport(count: number): RunReport {
  const base = fixtureReport();
  const cases: CaseReport[] = [];
  for (let index = 0; index < count; index++) {
    const source = base.cases[index % 10 === 0 ? 0 : 2]!;
    cases.push({ ...source, id: `bulk/case-${index}`, name: `case-${index}` });
  }
  return { ...base, cases };
}
