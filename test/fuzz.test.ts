/**
 * `tconv fuzz`: the arbitraries generate only valid, bounded cases; the fuzzer is deterministic by
 * seed; planted bugs in fake runners (test/fixtures/fake-runners.ts) are found, classified, shrunk
 * to small cases, saved as case files that load and reproduce the failure, and replay from
 * --seed/--path; known divergences mirror the bundled cases' `expected:` entries; saving never
 * overwrites a file.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadCaseFile, loadCaseFiles } from '../src/case/load.js';
import { caseTensors } from '../src/data/tensors.js';
import {
  CONVENTION_NAMES,
  caseArbitrary,
  conventionOf,
  DEFAULT_SPACE,
  type FuzzSpace,
} from '../src/fuzz/arbitraries.js';
import type { EvaluationContext } from '../src/fuzz/evaluate.js';
import { runFuzz, type FuzzFinding, type FuzzOptions } from '../src/fuzz/fuzz.js';
import { KNOWN_DIVERGENCES } from '../src/fuzz/known.js';
import { fuzzJson, fuzzJunit, summaryLines, type FuzzReportInput } from '../src/fuzz/report.js';
import { findingFileName, saveFinding, type SaveContext } from '../src/fuzz/save.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import { runConformance } from '../src/run/conformance.js';
import { openInProcessSession, type RunnerSession } from '../src/run/session.js';
import { openIsolatedSession } from '../runners/host/session.js';
import { onnxPlan } from '../runners/onnx/call.js';
import { referenceRunner } from '../runners/reference.js';
import { runCli, STACK_TRACE_LINE } from './helpers/cli.js';
import { abortingRunner, flipOn3dRunner, hangingRunner, sameLowerAsUpperRunner } from './fixtures/fake-runners.js';

const context = (sessions: readonly RunnerSession[], extra: Partial<EvaluationContext> = {}): EvaluationContext => ({
  sessions,
  known: KNOWN_DIVERGENCES,
  expectations: [],
  ...extra,
});

const fuzz = (sessions: readonly RunnerSession[], options: Partial<FuzzOptions> = {}): ReturnType<typeof runFuzz> =>
  runFuzz({ seed: 20250611, runs: 2000, space: DEFAULT_SPACE, context: context(sessions), maxFindings: 1, ...options });

const saveContext = (dir: string, found: FuzzFinding): SaveContext => ({
  dir,
  versions: { [found.finding.runner]: 'fake 1.0' },
  toolVersion: '0.0.0-test',
  fuzzReplay: `tconv fuzz --seed ${found.seed} --path ${found.path}`,
  date: new Date('2025-01-01T00:00:00Z'),
});

// ---------------------------------------------------------------- arbitraries

describe('arbitraries', () => {
  const spaces: FuzzSpace[] = [
    DEFAULT_SPACE,
    { ...DEFAULT_SPACE, maxElements: 64 },
    { ...DEFAULT_SPACE, maxElements: 9 },
    { conventions: ['onnx'], dims: [2], maxElements: 500 },
    { conventions: ['tf', 'torch'], dims: [1, 3], maxElements: 10_000 },
  ];
  for (const space of spaces) {
    it(`generate only valid, bounded cases (${space.conventions.join('/')}, dims ${space.dims.join('/')}, max ${space.maxElements})`, () => {
      fc.assert(
        fc.property(caseArbitrary(space), ({ spec, convention }) => {
          const resolved = resolveGeometry(spec);
          if (!resolved.ok)
            throw new Error(`${JSON.stringify(spec)}: ${resolved.issues.map((issue) => issue.message).join('; ')}`);
          const g = resolved.geometry;
          expect(Math.max(g.inputElements, g.weightElements, g.outputElements)).toBeLessThanOrEqual(space.maxElements);
          expect(space.dims).toContain(g.rank);
          expect(space.conventions).toContain(convention);
          expect(conventionOf(spec)).toBe(convention);
          expect(g.layout.length).toBe(g.rank + 2);
          expect(spec.input.length).toBe(g.rank + 2);
        }),
        { numRuns: 2000, seed: 7 },
      );
    });
  }

  it('reach every padding convention and mode, ranks, layouts, groups, dilation, bias and distributions', () => {
    const samples = fc.sample(caseArbitrary(DEFAULT_SPACE), { seed: 11, numRuns: 4000 });
    const kinds = new Set(samples.map((sample) => sample.paddingKind));
    for (const padding of ['SAME', 'VALID']) {
      for (const kind of [`keras ${padding}`, `tf ${padding}+output_shape`, `keras ${padding}+output_padding`])
        expect(kinds).toContain(kind);
    }
    for (const suffix of ['', '+output_padding']) {
      expect(kinds).toContain(`onnx pads${suffix}`);
      for (const autoPad of ['SAME_UPPER', 'SAME_LOWER', 'VALID'])
        expect(kinds).toContain(`onnx auto_pad=${autoPad}${suffix}`);
      for (const autoPad of ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'])
        expect(kinds).toContain(`onnx output_shape+${autoPad}${suffix}`);
    }
    for (const kind of ['torch padding', 'torch padding+output_padding', 'torch output_size'])
      expect(kinds).toContain(kind);
    const specs = samples.map((sample) => sample.spec);
    expect(new Set(specs.map((spec) => spec.kernel.length))).toEqual(new Set([1, 2, 3]));
    expect(new Set(specs.map((spec) => spec.layout ?? 'first')).size).toBe(4); // channels-first + NWC/NHWC/NDHWC
    expect(specs.some((spec) => (spec.group ?? 1) > 1)).toBe(true);
    expect(specs.some((spec) => spec.dilations !== undefined)).toBe(true);
    expect(specs.some((spec) => spec.bias)).toBe(true);
    expect(new Set(specs.map((spec) => spec.distribution))).toEqual(new Set(['integers', 'uniform', 'normal']));
    // ONNX output_shape past full + s - 1 (ORT rejects it) and PyTorch output_padding >= stride (< dilation) are generated too.
    expect(
      specs.some((spec) => {
        const resolved = resolveGeometry(spec);
        return resolved.ok && resolved.geometry.axes.some((axis) => axis.outputSize >= axis.fullSize + axis.stride);
      }),
    ).toBe(true);
    expect(CONVENTION_NAMES.every((name) => samples.some((sample) => sample.convention === name))).toBe(true);
  });

  it('are deterministic: the same seed gives the same specs and the same tensors', () => {
    const first = fc.sample(caseArbitrary(DEFAULT_SPACE), { seed: 42, numRuns: 300 });
    const second = fc.sample(caseArbitrary(DEFAULT_SPACE), { seed: 42, numRuns: 300 });
    expect(second).toEqual(first);
    for (const { spec } of first.slice(0, 50)) {
      const resolved = resolveGeometry(spec);
      if (!resolved.ok) throw new Error('invalid');
      const a = caseTensors(spec, resolved.geometry, spec.seed!);
      const b = caseTensors(spec, resolved.geometry, spec.seed!);
      expect(Buffer.from(b.input.buffer)).toEqual(Buffer.from(a.input.buffer));
      expect(Buffer.from(b.weight.buffer)).toEqual(Buffer.from(a.weight.buffer));
    }
    expect(fc.sample(caseArbitrary(DEFAULT_SPACE), { seed: 43, numRuns: 300 })).not.toEqual(first);
  });
});

// ---------------------------------------------------------------- known divergences

describe('known divergences', () => {
  for (const runner of ['onnxruntime', 'onnxruntime-web'] as const) {
    it(`mirror the bundled cases' expected entries for ${runner} exactly (every variant of every case)`, () => {
      const files = loadCaseFiles(['cases'], { maxElements: 1 << 25 });
      let recorded = 0;
      for (const entry of files.flatMap((file) => file.cases)) {
        const plan = onnxPlan(entry.geometry);
        if (!plan.supported) continue;
        for (const { variant } of plan.expressions) {
          const listed = entry.spec.expected?.find(
            (expected) =>
              expected.runner === runner && (expected.variant === undefined || expected.variant === variant),
          );
          const predicate = KNOWN_DIVERGENCES.find(
            (known) =>
              known.runner === runner &&
              (known.variant === undefined || known.variant === variant) &&
              known.when(entry.geometry),
          );
          if (listed) recorded++;
          expect({ id: entry.id, variant, status: predicate?.status ?? null }).toEqual({
            id: entry.id,
            variant,
            status: listed?.status ?? null,
          });
        }
      }
      expect(recorded).toBeGreaterThan(20);
    });
  }
});

// ---------------------------------------------------------------- planted bugs

describe('a planted bug: SAME_LOWER run as SAME_UPPER', () => {
  let session: RunnerSession;
  let found: FuzzFinding;
  let dir: string;
  let savedPath: string;
  beforeAll(async () => {
    session = await openInProcessSession(sameLowerAsUpperRunner);
    const result = await fuzz([session]);
    expect(result.findings).toHaveLength(1);
    found = result.findings[0]!;
    dir = mkdtempSync(join(tmpdir(), 'tconv-fuzz-'));
    savedPath = saveFinding(found, saveContext(dir, found)).path;
  });

  it('is found and classified: mismatch of that runner and variant', () => {
    expect(found.finding).toMatchObject({
      kind: 'mismatch',
      runner: 'onnxruntime-web',
      variant: 'auto_pad=SAME_LOWER',
    });
    expect(found.finding.diagnosis).toMatch(/shifted/);
  });

  it('is shrunk to a minimal case: rank 1, one channel in and out, batch 1, input length 1', () => {
    const { spec, geometry } = found.evaluation;
    expect(geometry.rank).toBe(1);
    expect(geometry.batch).toBe(1);
    expect(geometry.inChannels).toBe(1);
    expect(geometry.outChannels).toBe(1);
    expect(geometry.axes[0]!.inputSize).toBe(1);
    expect(spec.bias).toBeUndefined();
    expect(spec.distribution).toBe('integers');
    expect(found.shrinks).toBeGreaterThan(0);
    expect(found.shrinkInterrupted).toBe(false);
  });

  it('is saved as a schema-valid case file that replays the failure through the same runner', async () => {
    const loaded = loadCaseFile(savedPath, { maxElements: 1 << 20 });
    expect(loaded.cases).toHaveLength(1);
    const report = await runConformance([loaded], loaded.cases, {
      sessions: [session],
      expectations: [],
      selection: { filter: [], shard: null, runners: ['onnxruntime-web'] },
    });
    const variant = report.cases[0]!.variants.find((entry) => entry.variant === 'auto_pad=SAME_LOWER');
    expect(variant?.status).toBe('mismatch');
    expect(
      report.cases[0]!.variants.filter(
        (entry) => entry.runner === 'onnxruntime-web' && entry.variant !== 'auto_pad=SAME_LOWER',
      ).every((entry) => entry.status === 'pass'),
    ).toBe(true);
  });

  it('records the seed, path, versions, diagnosis and replay commands, and no expected entry', () => {
    const text = readFileSync(savedPath, 'utf8');
    expect(text).toContain(`fuzz seed: ${found.seed}; fast-check path: ${found.path}`);
    expect(text).toContain('onnxruntime-web: fake 1.0');
    expect(text).toContain(`tconv run ${savedPath} --runners onnxruntime-web`);
    expect(text).toContain(`tconv fuzz --seed ${found.seed} --path ${found.path}`);
    expect(text).toMatch(/output shifted along W/);
    const document = parse(text) as { cases: Record<string, unknown>[] };
    expect(document.cases[0]).not.toHaveProperty('expected');
    expect(document.cases[0]!['tags']).toEqual(
      expect.arrayContaining(['fuzz', 'regression', 'mismatch', 'onnxruntime-web']),
    );
    // Small integer cases carry their tensors literally; they equal the seeded ones (checked on save).
    expect(document.cases[0]).toHaveProperty('data');
  });

  it('replays from --seed and --path: the same minimal case and finding, nothing else run', async () => {
    const seen: string[] = [];
    const replay = await fuzz([session], {
      seed: found.seed,
      path: found.path,
      onCase: (fuzzCase) => seen.push(JSON.stringify(fuzzCase.spec)),
    });
    expect(replay.runs).toBe(1);
    expect(seen).toEqual([JSON.stringify(found.evaluation.spec)]);
    expect(replay.findings[0]?.signature).toBe(found.signature);
  });

  it('never overwrites an existing file: the next free name is taken', () => {
    const taken = join(dir, findingFileName(found, 3));
    writeFileSync(taken, 'keep me\n');
    const second = saveFinding(found, saveContext(dir, found)).path;
    const third = saveFinding(found, saveContext(dir, found)).path;
    expect(second).toBe(join(dir, findingFileName(found, 2)));
    expect(third).toBe(join(dir, findingFileName(found, 4)));
    expect(readFileSync(taken, 'utf8')).toBe('keep me\n');
    expect(readFileSync(savedPath, 'utf8')).toContain(found.path);
    expect(readdirSync(dir).sort()).toEqual([1, 2, 3, 4].map((attempt) => findingFileName(found, attempt)).sort());
  });

  it('is not a new finding when an expectation rule (--expectations) lists it; it is counted as known', async () => {
    const result = await fuzz([session], {
      runs: 300,
      context: context([session], {
        expectations: [
          {
            id: 'fuzz/**',
            runner: 'onnxruntime-web',
            variant: 'auto_pad=SAME_LOWER',
            status: 'mismatch',
            reason: 'planted',
          },
        ],
      }),
    });
    expect(result.findings).toEqual([]);
    expect(result.known.find((entry) => entry.id === 'expectations:fuzz/**')?.count).toBeGreaterThan(0);
  });

  it('renders the JSON report and JUnit with the finding and its replay commands', () => {
    const input: FuzzReportInput = {
      result: {
        seed: found.seed,
        runs: 10,
        shrinkEvaluations: found.shrinkEvaluations,
        durationMs: 1000,
        fuzzMs: 900,
        casesPerSecond: 11.1,
        stoppedBy: 'max-findings',
        findings: [found],
        known: [],
        knownButPassed: [],
        unsupported: {},
        variantsRun: 40,
        statistics: {
          convention: { onnx: 10 },
          rank: {},
          stride: {},
          padding: {},
          dilation: {},
          group: {},
          layout: {},
          bias: {},
          distribution: {},
        },
      },
      options: {
        seed: found.seed,
        path: null,
        runs: 10,
        timeMs: null,
        runners: ['onnxruntime-web'],
        conventions: ['torch', 'tf', 'onnx'],
        dims: [1, 2, 3],
        maxElements: 10_000,
        save: dir,
        expectations: null,
        timeoutMs: 10_000,
        shrinkTimeMs: 60_000,
        maxFindings: 10,
        recycleEvery: 500,
      },
      versions: { 'onnxruntime-web': 'fake 1.0' },
      toolVersion: '0.0.0-test',
      startedAt: new Date(),
      replays: new Map([
        [
          found,
          {
            file: savedPath,
            run: `tconv run ${savedPath} --runners onnxruntime-web`,
            fuzz: 'tconv fuzz --seed 1 --path 2',
          },
        ],
      ]),
    };
    const json = JSON.parse(JSON.stringify(fuzzJson(input))) as {
      summary: { newFindings: number; findingsByKind: Record<string, number> };
      findings: { kind: string; file: string; replay: { run: string; fuzz: string } }[];
    };
    expect(json.summary.newFindings).toBe(1);
    expect(json.summary.findingsByKind).toEqual({ mismatch: 1 });
    expect(json.findings[0]).toMatchObject({
      kind: 'mismatch',
      file: savedPath,
      replay: { fuzz: 'tconv fuzz --seed 1 --path 2' },
    });
    const junit = fuzzJunit(input);
    expect(junit).toContain('<testcase classname="tconv.fuzz" name="fuzz mismatch"');
    expect(junit).toContain(
      '<failure message="1 new mismatch finding(s): onnxruntime-web auto_pad=SAME_LOWER" type="mismatch">',
    );
    expect(summaryLines(input).join('\n')).toContain(
      'new findings: 1 (by kind: mismatch 1; by runner: onnxruntime-web 1)',
    );
  });
});

describe('a planted bug: the kernel flipped on 3-D cases only', () => {
  it('is found and shrunk to rank 3 with one channel, batch 1 and a two-tap kernel', async () => {
    const session = await openInProcessSession(flipOn3dRunner);
    const result = await fuzz([session]);
    const found = result.findings[0]!;
    expect(found.finding).toMatchObject({ kind: 'mismatch', runner: 'tfjs-cpu', variant: 'native' });
    expect(found.finding.diagnosis).toMatch(/rotated 180 degrees/);
    const g = found.evaluation.geometry;
    expect(g.rank).toBe(3);
    expect([g.batch, g.inChannels, g.outChannels]).toEqual([1, 1, 1]);
    expect(g.axes.map((axis) => axis.kernelSize).sort()).toEqual([1, 1, 2]);
    expect(g.axes.map((axis) => axis.inputSize)).toEqual([1, 1, 1]);
  });

  it("is a 'disagreement' (the reference is suspect) when two runners agree with each other but not with it", async () => {
    const first = await openInProcessSession(flipOn3dRunner);
    const second = await openInProcessSession({ ...flipOn3dRunner, name: 'torch' });
    const result = await fuzz([first, second]);
    const found = result.findings[0]!;
    expect(found.finding).toMatchObject({ kind: 'disagreement', runner: 'reference', variant: null });
    expect(found.finding.summary).toMatch(/agree with each other but not with the reference/);
    expect(found.evaluation.geometry.rank).toBe(3);
    expect(found.evaluation.agreement?.oddOneOut).toBe('reference');
  });

  it('is not a finding on a correct runner: the reference itself never fails', async () => {
    const session = await openInProcessSession(referenceRunner);
    const result = await fuzz([session], { runs: 500 });
    expect(result.findings).toEqual([]);
    expect(result.runs).toBe(500);
    // Replaying a passing case runs it alone (fast-check would go on with its shrink siblings).
    for (const path of ['3', '3:0', '3:1:0']) expect((await fuzz([session], { path })).runs).toBe(1);
  });
});

describe('determinism', () => {
  it('the same seed runs the same cases in the same order, and finds the same minimal case', async () => {
    const session = await openInProcessSession(sameLowerAsUpperRunner);
    const runOnce = async (): Promise<{ cases: string[]; found: string }> => {
      const cases: string[] = [];
      const result = await fuzz([session], {
        onCase: (fuzzCase, _evaluation, phase) => cases.push(`${phase} ${JSON.stringify(fuzzCase.spec)}`),
      });
      return { cases, found: `${result.findings[0]?.path} ${JSON.stringify(result.findings[0]?.evaluation.spec)}` };
    };
    const first = await runOnce();
    expect(await runOnce()).toEqual(first);
    expect(first.cases.length).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------- crashes

describe('a runner process that aborts', () => {
  let session: RunnerSession | undefined;
  afterAll(async () => session?.close());

  it("is found and classified as 'crash' (and shrunk while it keeps crashing)", async () => {
    const source = {
      modulePath: fileURLToPath(new URL('./fixtures/fake-runners.ts', import.meta.url)),
      exportName: 'abortingRunner',
    };
    session = await openIsolatedSession(abortingRunner, source, 10_000);
    const result = await fuzz([session], { shrinkTimeMs: 30_000 });
    const found = result.findings[0]!;
    expect(found.finding).toMatchObject({ kind: 'crash', runner: 'tfjs-wasm', variant: 'native' });
    expect(found.finding.summary).toMatch(/^runner crashed \(SIGABRT\)/);
    expect(found.finding.detail).toContain('Check failed: stride < 3 (planted crash)');
    expect(found.evaluation.geometry.axes.some((axis) => axis.stride >= 3)).toBe(true);
    expect(found.evaluation.geometry.outChannels).toBe(1);
  }, 120_000);
});

describe('a runner process that hangs', () => {
  let session: RunnerSession | undefined;
  afterAll(async () => session?.close());

  it("is found and classified as 'timeout'", async () => {
    const source = {
      modulePath: fileURLToPath(new URL('./fixtures/fake-runners.ts', import.meta.url)),
      exportName: 'hangingRunner',
    };
    session = await openIsolatedSession(hangingRunner, source, 1_500);
    const result = await fuzz([session], { shrinkTimeMs: 6_000 });
    const found = result.findings[0]!;
    expect(found.finding).toMatchObject({ kind: 'timeout', runner: 'tfjs-wasm', variant: 'native' });
    expect(found.finding.summary).toBe('no answer within 1500 ms');
    expect(found.evaluation.geometry.group).toBeGreaterThan(1);
  }, 120_000);
});

// ---------------------------------------------------------------- CLI usage

describe('tconv fuzz usage errors exit 2 without a stack trace', () => {
  for (const args of [
    ['--path', '1:2'],
    ['--conventions', 'keras'],
    ['--dims', '4'],
    ['--max-elements', '1', '--dims', '1'],
    ['--time', 'soon'],
    ['--time', '0s'],
    ['--runners', 'no-such-runner'],
    ['extra-argument'],
  ]) {
    it(args.join(' '), async () => {
      const result = await runCli(['fuzz', ...args, '--no-save']);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    });
  }
});

describe('saved-file names', () => {
  it('are case names and file names the schema accepts', () => {
    const fake = {
      finding: { kind: 'error', runner: 'onnxruntime', variant: 'output_shape+SAME_UPPER' },
      seed: 12,
    } as unknown as FuzzFinding;
    expect(findingFileName(fake)).toBe('fuzz-error-onnxruntime-output_shape-SAME_UPPER-seed12.yaml');
    expect(findingFileName(fake, 2)).toBe('fuzz-error-onnxruntime-output_shape-SAME_UPPER-seed12-2.yaml');
  });
});
