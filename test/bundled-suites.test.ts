/**
 * The main job, as CI runs it: every bundled case (cases/, framework goldens included) on every
 * registered runner through the real CLI. Every case x variant must end as expected (a pass, or
 * a divergence recorded in the case), every runner must have run, and none may be skipped: a
 * runner that cannot load makes the run exit 3, which fails here.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRunners } from '../runners/registry.js';
import type { RunReport } from '../src/run/report.js';
import { runCli, STACK_TRACE_LINE, type CliResult } from './helpers/cli.js';

const REPORT = join(tmpdir(), `tconv-bundled-${process.pid}.json`);

describe('tconv run cases (all runners)', () => {
  let result: CliResult;
  let report: RunReport;

  beforeAll(async () => {
    result = await runCli(['run', 'cases', '--json', REPORT], { timeoutMs: 600_000 });
    report = JSON.parse(readFileSync(REPORT, 'utf8')) as RunReport;
  }, 600_000);

  afterAll(() => rmSync(REPORT, { force: true }));

  it('exits 0 with nothing failed or skipped', () => {
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    expect(result.stdout).toMatch(/\n\d+ passed, 0 failed, 0 skipped\n/);
    expect(result.code).toBe(0);
  });

  it('ran every bundled case, the framework goldens among them', () => {
    const ids = report.cases.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const prefix of [
      'seeds/',
      'tf/',
      'onnx/',
      'torch/',
      'tfjs/',
      'webnn/',
      'special/',
      'golden/tf/',
      'golden/keras/',
      'golden/onnx/',
    ]) {
      expect(ids.filter((id) => id.startsWith(prefix)).length, prefix).toBeGreaterThan(0);
    }
    expect(ids.filter((id) => id.startsWith('golden/')).length).toBeGreaterThanOrEqual(240);
  });

  it('every registered runner ran and passed cases of its own', () => {
    const passes = new Map<string, number>();
    for (const entry of report.cases) {
      for (const variant of entry.variants) {
        if (variant.status === 'pass') passes.set(variant.runner, (passes.get(variant.runner) ?? 0) + 1);
      }
    }
    for (const { runner } of registeredRunners()) {
      expect(passes.get(runner.name) ?? 0, runner.name).toBeGreaterThan(100);
    }
  });

  it('every divergence it tolerates is recorded with a reason', () => {
    const tolerated = report.cases.flatMap((entry) =>
      entry.variants.filter((variant) => variant.status === 'expected-mismatch' || variant.status === 'expected-error'),
    );
    expect(tolerated.length).toBeGreaterThan(0);
    for (const variant of tolerated) expect(variant.expected?.reason ?? '').not.toBe('');
  });
});
