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
  DEFAULT_FUZZ_MAX_WORK,
  DEFAULT_SPACE,
  type FuzzSpace,
} from '../src/fuzz/arbitraries.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import type { EvaluationContext } from '../src/fuzz/evaluate.js';
import { runFuzz, type FuzzFinding, type FuzzOptions } from '../src/fuzz/fuzz.js';
import { KNOWN_DIVERGENCES, type KnownDivergence } from '../src/fuzz/known.js';
import { convUtil, tfjsAxes } from '../src/fuzz/known/tfjs.js';
import { evaluateCase } from '../src/fuzz/evaluate.js';
import { openFuzzSessions } from '../src/fuzz/sessions.js';
import type { CaseSpec } from '../src/case/types.js';
import { fuzzJson, fuzzJunit, summaryLines, type FuzzReportInput } from '../src/fuzz/report.js';
import { findingFileName, saveFinding, type SaveContext } from '../src/fuzz/save.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import { runConformance } from '../src/run/conformance.js';
import { openInProcessSession, type RunnerSession } from '../src/run/session.js';
import { openIsolatedSession } from '../runners/host/session.js';
import { onnxPlan } from '../runners/onnx/call.js';
import { planTfjsCalls } from '../runners/tfjs/calls.js';
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
    { ...DEFAULT_SPACE, maxWork: 5_000 },
  ];
  /** Dense work from the resolved geometry (not the generator's own arithmetic). */
  const denseWork = (g: ConvTransposeGeometry): number =>
    g.batch *
    g.outChannels *
    g.inChannelsPerGroup *
    g.axes.reduce((total, axis) => total * Math.max(axis.fullSize, axis.outputSize) * axis.effectiveKernelSize, 1);
  for (const space of spaces) {
    it(`generate only valid, bounded cases (${space.conventions.join('/')}, dims ${space.dims.join('/')}, max ${space.maxElements}, work ${space.maxWork ?? 'default'})`, () => {
      fc.assert(
        fc.property(caseArbitrary(space), ({ spec, convention }) => {
          const resolved = resolveGeometry(spec);
          if (!resolved.ok)
            throw new Error(`${JSON.stringify(spec)}: ${resolved.issues.map((issue) => issue.message).join('; ')}`);
          const g = resolved.geometry;
          expect(Math.max(g.inputElements, g.weightElements, g.outputElements)).toBeLessThanOrEqual(space.maxElements);
          expect(denseWork(g)).toBeLessThanOrEqual(space.maxWork ?? DEFAULT_FUZZ_MAX_WORK);
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
              expected.runner === runner &&
              (expected.variant === undefined || expected.variant === variant) &&
              // Data-dependent divergences (special values) are matched by diagnosis (known/special.ts).
              expected.diagnosis === undefined,
          );
          const predicate = KNOWN_DIVERGENCES.find(
            (known) =>
              known.runner === runner &&
              (known.variant === undefined || known.variant === variant) &&
              known.diagnoses === undefined &&
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

// ---------------------------------------------------------------- tfjs predicates (known/tfjs.ts)

/** The first known entry whose predicate holds for this runner and variant (as findKnown picks). */
const knownFor = (runner: string, variant: string, spec: CaseSpec): KnownDivergence | undefined => {
  const resolved = resolveGeometry(spec);
  if (!resolved.ok) throw new Error(resolved.issues.map((issue) => issue.message).join('; '));
  return KNOWN_DIVERGENCES.find(
    (known) =>
      known.diagnoses === undefined &&
      known.runner === runner &&
      (known.variant === undefined || known.variant === variant) &&
      known.when(resolved.geometry),
  );
};

describe('known tfjs divergences', () => {
  // Bundled golden cases (literal data, run by `tconv run cases`) where wasm's 3-D kernel reads
  // filter taps outside the filter (tap -1 along depth, k_d = 2, s_d = 1) and nothing else is
  // wrong: that memory held zeros, the variant passes and records no divergence. The predicate
  // cannot see heap contents and holds (see known/tfjs.ts).
  const HEAP_ZERO_READS = new Set([
    'golden/keras/keras-3d-17-same tfjs-wasm same',
    'golden/onnx/onnx-3d-64-same-upper tfjs-wasm same',
  ]);

  for (const runner of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    it(`mirror the bundled cases' expected entries for ${runner} (every planned variant of every case)`, () => {
      const files = loadCaseFiles(['cases'], { maxElements: 1 << 25 });
      let recorded = 0;
      for (const entry of files.flatMap((file) => file.cases)) {
        if (entry.spec.runners && !entry.spec.runners.includes(runner)) continue;
        const planned = planTfjsCalls(entry.geometry);
        if ('reason' in planned) continue;
        for (const { variant } of planned.plans) {
          const listed = entry.spec.expected?.find(
            (expected) =>
              expected.runner === runner &&
              (expected.variant === undefined || expected.variant === variant) &&
              // Data-dependent divergences (special values) are matched by diagnosis (known/special.ts).
              expected.diagnosis === undefined,
          );
          const predicate = KNOWN_DIVERGENCES.find(
            (known) =>
              known.runner === runner &&
              (known.variant === undefined || known.variant === variant) &&
              known.diagnoses === undefined &&
              known.when(entry.geometry),
          );
          if (listed) recorded++;
          const status = HEAP_ZERO_READS.has(`${entry.id} ${runner} ${variant}`)
            ? 'mismatch'
            : (listed?.status ?? null);
          expect({ id: entry.id, variant, status: predicate?.status ?? null }).toEqual({
            id: entry.id,
            variant,
            status,
          });
        }
      }
      expect(recorded).toBeGreaterThan(runner === 'tfjs-cpu' ? 10 : 80);
    });
  }

  it("restate tfjs-core's conv_util exactly (pads and rows read, including its two bugs)", async () => {
    const { backend_util: util } = await import('@tensorflow/tfjs-core');
    for (const [kh, kw, sh, sw] of [
      [3, 3, 1, 1],
      [1, 3, 1, 1],
      [3, 1, 1, 2],
      [4, 5, 2, 3],
      [5, 2, 3, 1],
    ] as const) {
      for (const [oh, ow] of [
        [1, 1],
        [4, 7],
        [9, 2],
      ] as const) {
        const pads = [
          0,
          1,
          2,
          'same',
          'valid',
          [
            [0, 0],
            [1, 2],
            [0, 3],
            [0, 0],
          ],
        ] as const;
        for (const pad of pads) {
          const info = util.computeConv2DInfo([1, oh, ow, 1], [kh, kw, 1, 1], [sh, sw], 1, pad as never);
          const ours = convUtil('conv2dTranspose', pad as never, [oh, ow], [kh, kw], [sh, sw]);
          expect(ours).toEqual([
            { pad: info.padInfo.top, rowsRead: info.outHeight },
            { pad: info.padInfo.left, rowsRead: info.outWidth },
          ]);
        }
        for (const pad of ['same', 'valid'] as const) {
          const info = util.computeConv3DInfo([1, 5, oh, ow, 1], [2, kh, kw, 1, 1], [3, sh, sw], 1, pad);
          const ours = convUtil('conv3dTranspose', pad, [5, oh, ow], [2, kh, kw], [3, sh, sw]);
          expect(ours).toEqual([
            { pad: info.padInfo.front, rowsRead: info.outDepth },
            { pad: info.padInfo.top, rowsRead: info.outHeight },
            { pad: info.padInfo.left, rowsRead: info.outWidth },
          ]);
        }
      }
    }
  });

  describe('hold exactly where the real backends diverge', () => {
    let sessions: RunnerSession[];
    beforeAll(async () => {
      sessions = await openFuzzSessions(['tfjs-cpu', 'tfjs-wasm']);
    }, 60_000);
    afterAll(async () => {
      await Promise.all(sessions.map((session) => session.close()));
    });
    /** Each real variant's verdict: 'pass' or the failing verdict. */
    const verdicts = async (spec: CaseSpec): Promise<Map<string, string>> => {
      const evaluation = await evaluateCase(spec, 'fuzz/test', { sessions, known: [], expectations: [] });
      return new Map(evaluation.variants.map((variant) => [`${variant.runner} ${variant.variant}`, variant.verdict]));
    };
    const base = { out_channels: 2, distribution: 'uniform', seed: 5 } as const;

    // [name, spec, variant, predicate id, runners where it holds (the real variant fails where any predicate holds)]
    const table: [string, CaseSpec, string, string, readonly string[]][] = [
      // numeric pad 1, kernel 1x3: tfjs reads trunc((3 + 2 - 1)/1 + 1) = 5 columns of a 3-column x.
      [
        'numeric pad, width read past x',
        { ...base, name: 'a', input: [1, 2, 4, 3], kernel: [1, 3], padding: 1 },
        'numeric-pad',
        'tfjs-numeric-pad-uses-height',
        ['tfjs-cpu', 'tfjs-wasm'],
      ],
      // kernel 3x1: reads trunc((2 + 2 - 3)/1 + 1) = 2 of 4 columns; output column 1 needs column 2.
      [
        'numeric pad, columns dropped',
        { ...base, name: 'b', input: [1, 2, 3, 4], kernel: [3, 1], padding: 1 },
        'numeric-pad',
        'tfjs-numeric-pad-uses-height',
        ['tfjs-cpu', 'tfjs-wasm'],
      ],
      // kernel 3x1, strides 1x2, i_w = 3: trunc((3 + 2 - 3)/1 + 1) = 3 = i_w, right although k_h != k_w, s_h != s_w.
      [
        'numeric pad, rectangular but width right',
        { ...base, name: 'c', input: [1, 2, 3, 3], kernel: [3, 1], strides: [1, 2], padding: 1 },
        'numeric-pad',
        'tfjs-numeric-pad-uses-height',
        [],
      ],
      // kernel 1x1, strides 1x2, o_w = 3: reads 5 of 3 columns, but column y only reaches output 2y - 1 (< 3 for y <= 1).
      [
        'numeric pad, extra columns never reached',
        { ...base, name: 'd', input: [1, 2, 3, 3], kernel: [1, 1], strides: [1, 2], padding: 1 },
        'numeric-pad',
        'tfjs-numeric-pad-uses-height',
        [],
      ],
      // 3-D SAME, o = i*s = 4 > full = 3: tfjs's pad is floor(-1/2) = -1, the output shifts by one.
      [
        '3-D SAME past full',
        { ...base, name: 'e', input: [1, 2, 2, 2, 2], kernel: [1, 1, 1], strides: 2, padding: 'SAME' },
        'same',
        'tfjs-3d-same-negative-pad',
        ['tfjs-cpu', 'tfjs-wasm'],
      ],
      // 3-D SAME past full on depth (pad -1), but the W window (k 2 dilated by 3, i 1, begin 1, o 2)
      // holds only the inserted zeros (taps 1, 2): every element is bias only, shifted or not.
      [
        '3-D SAME past full, window of inserted zeros',
        {
          ...base,
          name: 'e2',
          input: [1, 2, 2, 2, 1],
          kernel: [1, 1, 2],
          strides: [2, 1, 2],
          dilations: [1, 1, 3],
          padding: 'SAME',
        },
        'same',
        'tfjs-3d-same-negative-pad',
        [],
      ],
      // 3-D SAME within full (k 3, s 2): pads right; the wasm kernel is still wrong (its own entry).
      [
        '3-D SAME within full',
        { ...base, name: 'f', input: [1, 2, 2, 2, 2], kernel: [3, 3, 3], strides: 2, padding: 'SAME' },
        'same',
        'tfjs-3d-same-negative-pad',
        [],
      ],
      // wasm 3-D, depth k 1 s 2: DivFloor(1, 2) = 0, the depth loop never runs (output is bias only).
      [
        'wasm 3-D, depth bound 0',
        { ...base, name: 'g', input: [1, 2, 2, 1, 1], kernel: [1, 1, 1], strides: [2, 1, 1], padding: 'VALID' },
        'valid',
        'tfjs-wasm-conv3d-bounds',
        ['tfjs-wasm'],
      ],
      // wasm 3-D, depth 1 with k_d 1 and stride 1 on H and W: every bound is right.
      [
        'wasm 3-D, bounds right',
        { ...base, name: 'h', input: [1, 2, 1, 3, 3], kernel: [1, 3, 3], padding: 'VALID' },
        'valid',
        'tfjs-wasm-conv3d-bounds',
        [],
      ],
      // wasm 3-D, depth k 2 s 2 (full 4), ONNX pads keep only full[1]: the positions the bounds get
      // wrong (0: DivCeil(-1, 2) = 1; 2, 3: DivFloor(2, 2) = 1) are all cropped away.
      [
        'wasm 3-D, wrong positions cropped',
        {
          ...base,
          name: 'i',
          input: [1, 2, 2, 2, 2],
          kernel: [2, 1, 1],
          strides: [2, 1, 1],
          padding: { pads: [1, 0, 0, 2, 0, 0] },
        },
        'valid+crop',
        'tfjs-wasm-conv3d-bounds',
        [],
      ],
      // ... and keeping full[0] too brings position 0 back: wrong.
      [
        'wasm 3-D, wrong position kept',
        {
          ...base,
          name: 'j',
          input: [1, 2, 2, 2, 2],
          kernel: [2, 1, 1],
          strides: [2, 1, 1],
          padding: { pads: [0, 0, 0, 2, 0, 0] },
        },
        'valid+crop',
        'tfjs-wasm-conv3d-bounds',
        ['tfjs-wasm'],
      ],
    ];
    it.each(table)('%s', async (_name, spec, variant, id, holds) => {
      const real = await verdicts(spec);
      for (const runner of ['tfjs-cpu', 'tfjs-wasm']) {
        const verdict = real.get(`${runner} ${variant}`);
        if (verdict === undefined) continue; // the variant is not planned for this runner
        const entry = knownFor(runner, variant, spec);
        // This predicate holds where listed; the real variant fails exactly when some predicate holds.
        expect({ runner, holds: entry?.id === id }).toEqual({ runner, holds: holds.includes(runner) });
        expect({ runner, verdict }).toEqual({ runner, verdict: entry ? 'mismatch' : 'pass' });
      }
      expect(real.has(`tfjs-wasm ${variant}`)).toBe(true);
    });

    it('agree with the real backends on generated 2-D and 3-D cases (uniform data)', async () => {
      const samples = fc.sample(caseArbitrary({ ...DEFAULT_SPACE, dims: [2, 3], maxElements: 2000 }), {
        seed: 3,
        numRuns: 300,
      });
      let held = 0;
      const heldButPassed: string[] = [];
      for (const [index, sample] of samples.entries()) {
        // Uniform data: no zero input or weight can hide a wrong term (the integer distribution can).
        const spec = { ...sample.spec, name: `s${index}`, distribution: 'uniform' } as const;
        const evaluation = await evaluateCase(spec, 'fuzz/test', { sessions, known: [], expectations: [] });
        for (const variant of evaluation.variants) {
          if (variant.verdict === 'unsupported') continue;
          const entry = knownFor(variant.runner, variant.variant!, spec);
          // Never a failure no predicate explains (a new finding) ...
          if (variant.verdict !== 'pass')
            expect({ spec, variant: variant.variant, known: entry?.status }).toMatchObject({ known: 'mismatch' });
          if (entry) held++;
          if (entry && variant.verdict === 'pass') heldButPassed.push(`${variant.runner} ${variant.variant}`);
        }
      }
      // ... and a predicate that holds fails, except where wasm reads heap memory (outside the
      // filter, or past x's end) that happens to hold zeros.
      expect(held).toBeGreaterThan(100);
      expect(heldButPassed.every((label) => label.startsWith('tfjs-wasm'))).toBe(true);
      expect(heldButPassed.length).toBeLessThanOrEqual(held / 50);
    }, 120_000);
  });

  it('read the planned call: no predicate holds for a variant the tfjs runners do not plan', () => {
    const resolved = resolveGeometry({
      name: 'x',
      input: [1, 1, 3, 3],
      out_channels: 1,
      kernel: [3, 1],
      padding: 'VALID',
    });
    if (!resolved.ok) throw new Error('invalid');
    expect(tfjsAxes(resolved.geometry, 'numeric-pad')).toBeNull();
    expect(
      KNOWN_DIVERGENCES.filter((known) => known.variant === 'numeric-pad').some((known) =>
        known.when(resolved.geometry),
      ),
    ).toBe(false);
  });
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
        maxWork: 1_000_000,
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
