/**
 * Python runners through the external-runner protocol (docs/runner-protocol.md), end to end via
 * the real CLI (`tconv run --runner-exec NAME=COMMAND`):
 *
 * - examples/numpy-deconv/deconv.py (runners/external/tconv_runner.py's helper) passes every
 *   bundled case, and each of its planted `--mistake`s fails with the diagnosis that names it;
 * - the helper keeps a runner's stdout writes off the protocol and turns `Unsupported` into a skip
 *   and other exceptions into errors (test/fixtures/external/noisy_runner.py);
 * - test/fixtures/external/raw_runner.py (protocol v1 written by hand) passes case files, and each
 *   of its `--fault`s is reported as the protocol says (crashed, timeout, `protocol` errors, skips,
 *   exit 3 for a runner that cannot start).
 *
 * The Python is the torch runner's (TCONV_PYTHON, else the setup venv, else python3), which needs
 * numpy. Without numpy the suite fails when CI is set and is skipped locally.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { choosePython } from '../runners/torch/python.js';
import type { RunReport, VariantReport } from '../src/run/report.js';
import { runCli, STACK_TRACE_LINE, type CliResult } from './helpers/cli.js';

const PYTHON = choosePython().executable;
const numpyCheck = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
const numpyMissing =
  numpyCheck.status === 0
    ? null
    : `${PYTHON} cannot import numpy: ${(numpyCheck.stderr || String(numpyCheck.error)).trim()}`;

/** A CLI run takes seconds; several at once on a loaded machine take longer. */
const SLOW = 180_000;

const EXAMPLE = 'examples/numpy-deconv/deconv.py';
const RAW = 'test/fixtures/external/raw_runner.py';
const NOISY = 'test/fixtures/external/noisy_runner.py';

const work = mkdtempSync(join(tmpdir(), 'tconv-external-python-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let outputs = 0;

interface Run extends CliResult {
  readonly report: RunReport | null;
  /** The variants of the external runner under test. */
  readonly variants: readonly (VariantReport & { readonly caseId: string })[];
  /** The JUnit XML and HTML reports of the same run ('' when not written). */
  readonly junit: string;
  readonly html: string;
}

/** `tconv run ARGS --runners NAME --runner-exec "NAME=PYTHON SCRIPT..." --json F`, with its report. */
async function run(name: string, script: readonly string[], args: readonly string[]): Promise<Run> {
  const json = join(work, `report-${++outputs}.json`);
  const command = [PYTHON, ...script].map((word) => `'${word}'`).join(' ');
  const result = await runCli(
    [
      'run',
      ...args,
      '--runners',
      name,
      '--runner-exec',
      `${name}=${command}`,
      '--json',
      json,
      '--junit',
      `${json}.junit.xml`,
      '--html',
      `${json}.html`,
    ],
    { timeoutMs: SLOW - 30_000 },
  );
  let report: RunReport | null = null;
  try {
    report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
  } catch {
    report = null; // no report: the runner could not start (exit 3)
  }
  const variants = (report?.cases ?? []).flatMap((entry) =>
    entry.variants.filter((variant) => variant.runner === name).map((variant) => ({ ...variant, caseId: entry.id })),
  );
  return { ...result, report, variants, junit: readIfThere(`${json}.junit.xml`), html: readIfThere(`${json}.html`) };
}

const readIfThere = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

const statuses = (result: Run): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const variant of result.variants) counts[variant.status] = (counts[variant.status] ?? 0) + 1;
  return counts;
};

const diagnosisKinds = (result: Run): Set<string> =>
  new Set(
    result.variants.flatMap((variant) => {
      const comparison = variant.judgement.comparison;
      return (comparison?.stage === 'values' || comparison?.stage === 'non-finite') && comparison.diagnosis
        ? [comparison.diagnosis.explanation.kind]
        : [];
    }),
  );

if (numpyMissing !== null) {
  if (process.env['CI']) {
    it('has numpy for the Python runners', () => {
      expect.fail(`the Python runner tests need numpy on CI: ${numpyMissing}`);
    });
  } else {
    it.skip(`Python runner tests skipped: ${numpyMissing}`, () => {});
  }
}

describe.skipIf(numpyMissing !== null)(
  'the numpy example (runners/external/tconv_runner.py)',
  { timeout: SLOW },
  () => {
    it('passes every bundled case', async () => {
      const result = await run('numpy', [EXAMPLE], ['cases']);
      expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
      expect(result.code, result.stdout.slice(-3000)).toBe(0);
      expect(result.variants.length).toBeGreaterThan(400);
      expect(statuses(result)).toEqual({ pass: result.variants.length });
      expect(result.report!.environment.runners['numpy']).toMatch(/numpy-deconv 0\.1\.0/);
    });

    it('keeps stdout writes off the protocol; Unsupported is a skip, an exception an error', async () => {
      // noisy_runner.py prints and writes to fd 1 on every request; declines 3-D, raises on 1-D.
      const result = await run('noisy', [NOISY], ['cases/seeds.yaml', 'cases/onnx/pads.yaml']);
      expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(1);
      const rankOf = new Map(result.report!.cases.map((entry) => [entry.id, entry.geometry.rank]));
      const expected = { 1: 'error', 2: 'pass', 3: 'unsupported' } as const;
      for (const variant of result.variants) {
        expect(variant.status, variant.caseId).toBe(expected[rankOf.get(variant.caseId)!]);
      }
      expect(new Set(result.variants.map((variant) => rankOf.get(variant.caseId)))).toEqual(new Set([1, 2, 3]));
      expect(result.stdout).toMatch(/ValueError: noisy_runner refuses 1-D/);
      const reasons = result.variants.filter((variant) => variant.status === 'unsupported');
      for (const variant of reasons) expect(variant.judgement.summary).toMatch(/noisy_runner: no 3-D/);
    });

    // Each planted mistake on cases that show it; the diagnosis names it (JSON kind and console text).
    const MISTAKES: readonly { mistake: string; args: string[]; kind: string; text: RegExp }[] = [
      { mistake: 'rot180', args: ['cases/seeds.yaml'], kind: 'kernel-flipped', text: /kernel rotated 180 degrees/ },
      {
        mistake: 'same-lower',
        args: ['cases/tf/same.yaml'],
        kind: 'shift',
        text: /matches if the extra pad (row|column)s? were at the start/,
      },
      { mistake: 'no-bias', args: ['cases/onnx/pads.yaml'], kind: 'bias-missing', text: /matches without the bias/ },
      {
        mistake: 'channels-swapped',
        args: ['cases/onnx/pads.yaml'],
        kind: 'kernel-channels-swapped',
        text: /input and output channel axes swapped/,
      },
      {
        mistake: 'dense-zeros',
        args: ['cases/special/nan-inf.yaml'],
        kind: 'inserted-zero-nan',
        text: /Inf \* 0 produced NaN at zero-inserted positions/,
      },
    ];
    for (const { mistake, args, kind, text } of MISTAKES) {
      it(`--mistake ${mistake} fails, diagnosed as ${kind}`, async () => {
        const result = await run('numpy', [EXAMPLE, '--mistake', mistake], args);
        expect(result.code, result.stdout.slice(-3000)).toBe(1);
        expect(statuses(result)['mismatch']).toBeGreaterThan(0);
        expect([...diagnosisKinds(result)]).toContain(kind);
        expect(result.stdout).toMatch(text);
        // The same words in every report a CI keeps.
        expect(result.junit).toMatch(text);
        expect(result.html).toMatch(text);
      });
    }
  },
);

describe.skipIf(numpyMissing !== null)('a runner written without the helper (raw_runner.py)', { timeout: SLOW }, () => {
  it('passes case files', async () => {
    const result = await run('raw', [RAW], ['cases/seeds.yaml', 'cases/onnx/pads.yaml', 'cases/torch/padding.yaml']);
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(result.variants.length).toBeGreaterThan(50);
    expect(statuses(result)).toEqual({ pass: result.variants.length });
  });

  // Each fault on a few cases; a hanging runner costs the timeout per request: one case, 2 s.
  const CASES = ['cases/seeds.yaml', '--filter', 'seeds/torch-doc-*'];
  const ONE_CASE = ['cases/seeds.yaml', '--filter', 'seeds/torch-doc-stride4', '--timeout', '2000'];

  it('--fault crash: crashed (with the signal and its stderr), and the next request gets a new process', async () => {
    const result = await run('raw', [RAW, '--fault', 'crash-after=1'], CASES);
    expect(result.code).toBe(1);
    expect(statuses(result)['crashed']).toBeGreaterThan(0);
    expect(statuses(result)['pass']).toBeGreaterThan(0);
    expect(result.stdout).toMatch(/SIGSEGV/);
    expect(result.stdout).toMatch(/crashing on request/);
  });

  it('--fault hang: timeout', async () => {
    const result = await run('raw', [RAW, '--fault', 'hang'], ONE_CASE);
    expect(result.code).toBe(1);
    expect(Object.keys(statuses(result))).toEqual(['timeout']);
  });

  for (const fault of ['garbage', 'stray-print', 'unknown-id']) {
    it(`--fault ${fault}: error: protocol ...`, async () => {
      const result = await run('raw', [RAW, '--fault', fault], CASES);
      expect(result.code).toBe(1);
      const errors = result.variants.filter((variant) => variant.status === 'error');
      expect(errors.length).toBeGreaterThan(0);
      for (const variant of errors) expect(variant.judgement.summary).toMatch(/protocol/);
    });
  }

  it('--fault wrong-size: the frame never completes: timeout', async () => {
    const result = await run('raw', [RAW, '--fault', 'wrong-size'], ONE_CASE);
    expect(result.code).toBe(1);
    expect(statuses(result)['timeout']).toBeGreaterThan(0);
  });

  for (const fault of ['wrong-shape', 'nan']) {
    it(`--fault ${fault}: mismatch`, async () => {
      const result = await run('raw', [RAW, '--fault', fault], CASES);
      expect(result.code).toBe(1);
      expect(Object.keys(statuses(result))).toEqual(['mismatch']);
    });
  }

  it('--fault unsupported: skipped with the reason', async () => {
    const result = await run('raw', [RAW, '--fault', 'unsupported'], CASES);
    expect(result.code).toBe(0);
    expect(Object.keys(statuses(result))).toEqual(['unsupported']);
    for (const variant of result.variants) expect(variant.judgement.summary).toMatch(/raw_runner declines everything/);
  });

  it('--fault error: error with the message', async () => {
    const result = await run('raw', [RAW, '--fault', 'error'], CASES);
    expect(result.code).toBe(1);
    expect(Object.keys(statuses(result))).toEqual(['error']);
    expect(result.stdout).toMatch(/RuntimeError: planted failure/);
  });

  const HELLO_FAULTS: readonly [string, RegExp][] = [
    ['exit-in-hello', /exited with code 1 before its hello[^]*exiting before the hello, as asked/],
    ['bad-version', /protocol 99/],
    ['hello-error', /no device \(planted hello error\)/],
  ];
  for (const [fault, message] of HELLO_FAULTS) {
    it(`--fault ${fault}: the runner is unavailable, exit 3`, async () => {
      const result = await run('raw', [RAW, '--fault', fault], CASES);
      expect(result.code).toBe(3);
      expect(result.stderr + result.stdout).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    });
  }
});
