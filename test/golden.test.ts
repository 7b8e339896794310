/**
 * Golden regression test: the cases under cases/golden/ carry literal data and, as `expect`, the
 * output of the real Python frameworks (TensorFlow 2.21 tf.nn, Keras 3, the ONNX reference
 * evaluator agreeing with ONNX Runtime, PyTorch 2.13), produced by scripts/golden/generate.py.
 * Each convention's resolution (src/geometry/) and the native reference must reproduce every one
 * of them, so a broken padding rule fails here even where no runner is installed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCaseFiles, type LoadedFile } from '../src/case/load.js';
import { runConformance } from '../src/run/conformance.js';
import type { CaseReport, RunReport } from '../src/run/report.js';

const GOLDEN_DIR = 'cases/golden';
/** The framework groups and the fewest goldens each file must hold (a truncated file fails). */
const GROUPS: Record<string, { readonly kind: string; readonly minimum: number }> = {
  'golden/tf': { kind: 'tf', minimum: 60 },
  'golden/keras': { kind: 'tf', minimum: 60 },
  'golden/onnx': { kind: 'onnx', minimum: 60 },
  'golden/torch': { kind: 'torch', minimum: 60 },
};

function referenceRow(report: CaseReport): { status: string; summary: string } {
  const row = report.variants.find((variant) => variant.runner === 'reference');
  if (!row) throw new Error(`${report.id}: no reference row`);
  return { status: row.status, summary: row.judgement.summary };
}

describe('framework goldens (cases/golden) on the native reference', () => {
  let files: LoadedFile[];
  let report: RunReport;

  beforeAll(async () => {
    files = loadCaseFiles([GOLDEN_DIR], { maxElements: 1e6 });
    report = await runConformance(
      files,
      files.flatMap((file) => file.cases),
      { sessions: [], expectations: [], selection: { filter: [], shard: null, runners: ['reference'] } },
    );
  });

  it('has every framework group, each with its convention and enough cases', () => {
    const ids = files.map((file) => file.fileId).sort();
    expect(ids).toEqual(Object.keys(GROUPS).sort());
    for (const file of files) {
      const group = GROUPS[file.fileId]!;
      expect(file.cases.length, file.fileId).toBeGreaterThanOrEqual(group.minimum);
      for (const entry of file.cases) {
        expect(entry.geometry.convention.kind, entry.id).toBe(group.kind);
        expect(entry.spec.expect?.output?.length, entry.id).toBe(entry.geometry.outputElements);
        expect(entry.spec.data?.input, entry.id).toBeDefined();
        expect(entry.spec.data?.weight, entry.id).toBeDefined();
      }
    }
  });

  it('reproduces every framework output', () => {
    const failures = report.cases
      .map((entry) => ({ id: entry.id, ...referenceRow(entry) }))
      .filter((row) => row.status !== 'pass')
      .map((row) => `${row.id}: ${row.status}: ${row.summary}`);
    expect(failures).toEqual([]);
    expect(report.cases.length).toBe(files.reduce((sum, file) => sum + file.cases.length, 0));
  });
});
