/**
 * The WebNN convention (MLGraphBuilder.convTranspose2d): the per-axis rule against the spec's
 * method steps, the case form `padding: {webnn: [bH, eH, bW, eW]}` and its rejections (each a
 * TypeError in the spec, quoted), the WebNN spelling of any 2-D geometry (round trip), and
 * `explain`. Numbers by hand: k_eff = d(k-1)+1, full = (i-1)s + k_eff,
 * calculated = full - beginningPadding - endingPadding.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ELEMENTS, loadCaseFile } from '../src/case/load.js';
import { caseFileSchema } from '../src/case/schema.js';
import { toJsonSchema, validate } from '../src/case/schemaDsl.js';
import type { CaseSpec } from '../src/case/types.js';
import { formatDiagnostic, UserError } from '../src/errors.js';
import { explainJson, explainText } from '../src/format/explain.js';
import { buildAxis, buildGeometry } from '../src/geometry/build.js';
import {
  isViolation,
  resolveWebnnAxis,
  webnnCalculatedOutputSize,
  type AxisOutcome,
  type AxisParams,
} from '../src/geometry/conventions.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import { allSpellings } from '../src/geometry/spellings.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { webnnSpellings } from '../src/geometry/webnn.js';

const axis = (inputSize: number, kernelSize: number, stride: number, dilation = 1): AxisParams => ({
  inputSize,
  kernelSize,
  stride,
  dilation,
});

function decided(params: AxisParams, outcome: AxisOutcome): { begin: number; end: number; o: number; op: number } {
  if (isViolation(outcome)) throw new Error(`expected a decision, got ${outcome.field}: ${outcome.message}`);
  const built = buildAxis({ ...params, ...outcome });
  return { begin: built.beginCrop, end: built.endCrop, o: built.outputSize, op: built.outputPadding };
}

const base: CaseSpec = { name: 'w', input: [1, 2, 3, 4], out_channels: 2, kernel: [3, 3], strides: 2 };

function issues(spec: CaseSpec): { field: string; message: string }[] {
  const result = resolveGeometry(spec);
  if (result.ok) throw new Error(`expected ${JSON.stringify(spec)} to be rejected`);
  return result.issues.map((issue) => ({ field: issue.field, message: issue.message }));
}

function resolved(spec: CaseSpec): ConvTransposeGeometry {
  const result = resolveGeometry(spec);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.geometry;
}

const crops = (g: ConvTransposeGeometry): { begin: number; o: number }[] =>
  g.axes.map((a) => ({ begin: a.beginCrop, o: a.outputSize }));

describe('resolveWebnnAxis (calculate convtranspose output size + the method steps)', () => {
  it('crops beginningPadding at the start; o = (i-1)s + k_eff - begin - end + outputPadding', () => {
    // i 3, k 3, s 2: full 7; padding [1, 0]: calculated 6, begin 1 (the odd pixel at the START).
    expect(webnnCalculatedOutputSize(axis(3, 3, 2), 1, 0)).toBe(6);
    expect(decided(axis(3, 3, 2), resolveWebnnAxis(axis(3, 3, 2), 1, 0, 0, null))).toEqual({
      begin: 1,
      end: 0,
      o: 6,
      op: 0,
    });
    // padding [1, 1] + outputPadding 1: o = 7 - 2 + 1 = 6 = 2i, the output padding row at the end.
    expect(decided(axis(3, 3, 2), resolveWebnnAxis(axis(3, 3, 2), 1, 1, 1, null))).toEqual({
      begin: 1,
      end: 0,
      o: 6,
      op: 1,
    });
    // No padding, outputPadding 1: one row past full (bias only).
    expect(decided(axis(2, 2, 2), resolveWebnnAxis(axis(2, 2, 2), 0, 0, 1, null))).toEqual({
      begin: 0,
      end: -1,
      o: 5,
      op: 1,
    });
    // Dilation 2: k_eff 5, full (3-1)*2 + 5 = 9; padding [2, 1]: o 6, begin 2.
    expect(decided(axis(3, 3, 2, 2), resolveWebnnAxis(axis(3, 3, 2, 2), 2, 1, 0, null))).toMatchObject({
      begin: 2,
      o: 6,
    });
  });

  it('outputSizes: accepted exactly in [calculated, calculated + stride), the rest is a quoted TypeError', () => {
    // i 3, k 3, s 3: full 9; padding [1, 1]: calculated 7, accepted 7, 8, 9.
    const a = axis(3, 3, 3);
    for (const o of [7, 8, 9]) {
      expect(decided(a, resolveWebnnAxis(a, 1, 1, 0, o))).toEqual({ begin: 1, end: 8 - o, o, op: o - 7 });
    }
    for (const o of [6, 10]) {
      const outcome = resolveWebnnAxis(a, 1, 1, 0, o);
      expect(isViolation(outcome) && outcome.field).toBe('output_shape');
      expect(isViolation(outcome) && outcome.message).toContain('[7, 10)');
      expect(isViolation(outcome) && outcome.message).toContain(
        'outputHeight is greater than or equal to calculatedOutputHeight + strides[0], then throw a TypeError',
      );
    }
  });

  it('outputPadding must be < stride, even when < dilation (unlike ONNX and PyTorch)', () => {
    const outcome = resolveWebnnAxis(axis(3, 2, 1, 2), 0, 0, 1, null);
    expect(isViolation(outcome)).toBe(true);
    expect(isViolation(outcome) && outcome.field).toBe('output_padding');
    expect(isViolation(outcome) && outcome.message).toContain(
      'If options.outputPadding[0] is greater than or equal to options.strides[0]',
    );
  });

  it('outputPadding is not checked against the stride when outputSizes is given (the spec ignores it)', () => {
    // The case form refuses both together (below); the axis rule itself follows the spec.
    expect(decided(axis(3, 3, 2), resolveWebnnAxis(axis(3, 3, 2), 0, 0, 5, 8))).toMatchObject({ o: 8, op: 1 });
  });

  it('an output size <= 0 is not a valid dimension', () => {
    const outcome = resolveWebnnAxis(axis(1, 2, 1), 1, 1, 0, null);
    expect(isViolation(outcome) && outcome.field).toBe('padding');
    expect(isViolation(outcome) && outcome.message).toContain('not a valid dimension');
  });
});

describe('the case form padding: {webnn: [bH, eH, bW, eW]}', () => {
  it('reads [beginningHeight, endingHeight, beginningWidth, endingWidth], not ONNX begins-then-ends', () => {
    // i 3x4, k 3, s 2: full 7x9. WebNN [2, 0, 1, 0]: H begin 2 o 5, W begin 1 o 8.
    const g = resolved({ ...base, padding: { webnn: [2, 0, 1, 0] } });
    expect(crops(g)).toEqual([
      { begin: 2, o: 5 },
      { begin: 1, o: 8 },
    ]);
    expect(g.convention).toEqual({ kind: 'webnn', padding: [2, 0, 1, 0], outputPadding: [0, 0], outputSizes: null });
    // The same list in ONNX's order means H [2, 1], W [0, 0].
    expect(crops(resolved({ ...base, padding: { pads: [2, 0, 1, 0] } }))).toEqual([
      { begin: 2, o: 4 },
      { begin: 0, o: 9 },
    ]);
  });

  it('output_padding is outputPadding and output_shape is outputSizes; layout NHWC is inputLayout nhwc', () => {
    const nhwc: CaseSpec = { ...base, input: [1, 3, 4, 2], layout: 'NHWC' };
    const padded = resolved({ ...nhwc, padding: { webnn: [1, 1, 1, 1] }, output_padding: [1, 0] });
    const sized = resolved({ ...nhwc, padding: { webnn: [1, 1, 1, 1] }, output_shape: [6, 7] });
    expect(crops(padded)).toEqual(crops(sized));
    expect(padded.outputShape).toEqual([1, 6, 7, 2]);
    expect(sized.axes.map((a) => a.outputPadding)).toEqual([1, 0]);
  });

  it('rejects, quoting the spec: not 2-D, padding not 4 values, both outputPadding and outputSizes', () => {
    const oneD: CaseSpec = { name: 'w', input: [1, 2, 5], out_channels: 2, kernel: [3], strides: 2 };
    expect(issues({ ...oneD, padding: { webnn: [1, 1, 1, 1] } })).toEqual([
      {
        field: 'padding',
        message: expect.stringContaining('WebNN convTranspose2d is 2-D only') as unknown as string,
      },
    ]);
    const threeD: CaseSpec = { name: 'w', input: [1, 1, 2, 2, 2], out_channels: 1, kernel: [2, 2, 2] };
    expect(issues({ ...threeD, padding: { webnn: [0, 0, 0, 0] } })[0]!.message).toContain("input's rank");
    expect(issues({ ...base, padding: { webnn: [1, 1] } })[0]!.message).toContain(
      "if options.padding's size is not 4, then throw a TypeError",
    );
    expect(issues({ ...base, padding: { webnn: [0, 0, 0, 0] }, output_padding: 1, output_shape: [8, 10] })).toEqual([
      {
        field: 'output_padding',
        message: expect.stringContaining(
          'When the output sizes are explicitly specified, the output padding values in outputPadding are ignored',
        ) as unknown as string,
      },
    ]);
  });

  it('names the axis of a per-axis rejection', () => {
    // W: strides [1, 2], outputPadding 2 >= 2.
    const rejected = issues({ ...base, strides: [1, 2], padding: { webnn: [0, 0, 0, 0] }, output_padding: [0, 2] });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.field).toBe('output_padding');
    expect(rejected[0]!.message).toMatch(/\(axis W\)$/);
  });

  describe('in a case file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tconv-webnn-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    function loadError(text: string): string[] {
      const path = join(dir, 'bad.yaml');
      writeFileSync(path, text);
      try {
        loadCaseFile(path, { maxElements: DEFAULT_MAX_ELEMENTS });
      } catch (error) {
        if (error instanceof UserError)
          return error.diagnostics.map(formatDiagnostic).map((line) => line.slice(dir.length + 1));
        throw error;
      }
      throw new Error('loaded without an error');
    }

    it('reports the rule at file:line:column of the field', () => {
      const text = [
        'description: webnn',
        'cases:',
        '  - name: sizes',
        '    input: [1, 1, 3, 3]',
        '    out_channels: 1',
        '    kernel: [3, 3]',
        '    strides: 2',
        '    padding: { webnn: [1, 1, 1, 1] }',
        '    output_shape: [5, 7]',
        '',
      ].join('\n');
      const lines = loadError(text);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^bad\.yaml:9:19: cases\[0\]\.output_shape: WebNN throws a TypeError: outputSizes 7/);
      expect(lines[0]).toMatch(/\[5, 7\)/);
      expect(lines[0]).toMatch(/\(axis W\)$/);
    });
  });
});

describe('the schema', () => {
  it('accepts the WebNN padding form and keeps ONNX objects apart', () => {
    const file = (padding: unknown): unknown => ({
      description: 'd',
      cases: [{ name: 'a', input: [1, 1, 2, 2], out_channels: 1, kernel: [2, 2], padding }],
    });
    expect(validate(caseFileSchema, file({ webnn: [0, 1, 1, 0] }))).toEqual([]);
    expect(validate(caseFileSchema, file({ pads: [0, 1, 1, 0] }))).toEqual([]);
    expect(validate(caseFileSchema, file({ webnn: [0, 1, 1, 0], pads: [1, 1, 1, 1] }))).not.toEqual([]);
    expect(validate(caseFileSchema, file({ webnn: [-1, 0, 0, 0] }))).not.toEqual([]);
    const json = JSON.stringify(toJsonSchema(caseFileSchema));
    expect(json).toContain('"required":["webnn"]');
    expect(json).toContain('WebNN');
  });
});

// ---------------------------------------------------------------- spellings

/** Any 2-D crop of the full output, o up to a stride past what WebNN allows. */
const geometry2dArb: fc.Arbitrary<ConvTransposeGeometry> = fc
  .record({
    group: fc.integer({ min: 1, max: 2 }),
    channelsLast: fc.boolean(),
    bias: fc.boolean(),
    axes: fc.tuple(
      ...[0, 1].map(() =>
        fc
          .record({
            i: fc.integer({ min: 1, max: 5 }),
            k: fc.integer({ min: 1, max: 4 }),
            s: fc.integer({ min: 1, max: 3 }),
            d: fc.integer({ min: 1, max: 3 }),
          })
          .chain((a) => {
            const full = (a.i - 1) * a.s + a.d * (a.k - 1) + 1;
            return fc.integer({ min: 0, max: full - 1 }).chain((beginCrop) =>
              fc.record({
                a: fc.constant(a),
                beginCrop: fc.constant(beginCrop),
                outputSize: fc.integer({ min: 1, max: full - beginCrop + a.s }),
                outputPadding: fc.integer({ min: 0, max: Math.max(a.s, a.d) - 1 }),
              }),
            );
          }),
      ),
    ),
  })
  .map((f) =>
    buildGeometry({
      layout: f.channelsLast ? 'NHWC' : 'NCHW',
      batch: 1,
      inChannels: 2 * f.group,
      outChannels: f.group,
      group: f.group,
      hasBias: f.bias,
      axes: f.axes.map(({ a, beginCrop, outputSize, outputPadding }) => ({
        inputSize: a.i,
        kernelSize: a.k,
        stride: a.s,
        dilation: a.d,
        beginCrop,
        outputSize,
        outputPadding,
      })),
      convention: { kind: 'torch', padding: [0, 0], outputPadding: [0, 0], outputSize: null },
    }),
  );

describe('webnnSpellings', () => {
  it('spells a 2-D crop exactly when it ends less than a stride past full, and each spelling resolves back', () => {
    const seen = { padding: 0, outputSizes: 0, inexpressible: 0 };
    fc.assert(
      fc.property(geometry2dArb, (g) => {
        const spellings = webnnSpellings(g);
        const fits = g.axes.every((a) => -a.endCrop < a.stride);
        expect(spellings[0]!.expressible).toBe(fits);
        if (!fits) seen.inexpressible++;
        for (const spelling of spellings) {
          if (!spelling.expressible) continue;
          const call = spelling.webnn!;
          seen[call.outputSizes ? 'outputSizes' : 'padding']++;
          const back = resolved({
            name: 'back',
            input: g.inputShape,
            layout: g.layout,
            out_channels: g.outChannels,
            group: call.groups,
            bias: call.bias,
            kernel: g.axes.map((a) => a.kernelSize),
            strides: call.strides,
            dilations: call.dilations,
            padding: { webnn: call.padding },
            ...(call.outputPadding ? { output_padding: call.outputPadding } : {}),
            ...(call.outputSizes ? { output_shape: call.outputSizes } : {}),
          });
          expect(crops(back), spelling.code).toEqual(crops(g));
          expect(call.inputLayout).toBe(g.channelsLast ? 'nhwc' : 'nchw');
        }
      }),
      { numRuns: 400, seed: 20260605 },
    );
    expect(Math.min(seen.padding, seen.outputSizes, seen.inexpressible), JSON.stringify(seen)).toBeGreaterThan(10);
  });

  it('says why 1-D and 3-D cannot be spelled', () => {
    const oneD = resolved({ name: 'a', input: [1, 1, 4], out_channels: 1, kernel: [3], padding: 1 });
    const threeD = resolved({ name: 'b', input: [1, 1, 2, 2, 2], out_channels: 1, kernel: [2, 2, 2] });
    for (const g of [oneD, threeD]) {
      const [spelling] = webnnSpellings(g);
      expect(spelling!.expressible).toBe(false);
      expect(!spelling!.expressible && spelling!.reason).toContain('2-D only');
    }
  });
});

describe('explain', () => {
  const entry = (spec: CaseSpec): Parameters<typeof explainText>[0] => ({
    id: `webnn/${spec.name}`,
    file: 'cases/webnn/x.yaml',
    fileId: 'webnn/x',
    spec,
    geometry: resolved(spec),
    seed: 1,
    line: 3,
  });

  it('prints the convTranspose2d options, the layouts and the convention as written', () => {
    // NHWC [1, 3, 4, 4]: H 3, W 4, C 4. H: full 2*2 + 3 = 7, calculated 6, o 7. W: k_eff 5,
    // full 3*3 + 5 = 14, calculated 12, o 14.
    const spec: CaseSpec = {
      ...base,
      input: [1, 3, 4, 4],
      layout: 'NHWC',
      out_channels: 4,
      group: 2,
      strides: [2, 3],
      dilations: [1, 2],
      bias: true,
      padding: { webnn: [1, 0, 0, 2] },
      output_padding: [1, 2],
    };
    const text = explainText(entry(spec));
    expect(text).toContain(
      'convention: WebNN convTranspose2d padding [1, 0, 0, 2] (bH, eH, bW, eW), outputPadding [1, 2]',
    );
    expect(text).toContain(
      "builder.convTranspose2d(input, filter, {padding: [1, 0, 0, 2], strides: [2, 3], dilations: [1, 2], outputPadding: [1, 2], groups: 2, inputLayout: 'nhwc', bias})",
    );
    expect(text).toContain(
      "builder.convTranspose2d(input, filter, {padding: [1, 0, 0, 2], strides: [2, 3], dilations: [1, 2], outputSizes: [7, 14], groups: 2, inputLayout: 'nhwc', bias})",
    );
    expect(text).toContain("the default filterLayout 'iohw'; for 'hwoi' pass transpose(W, [2, 3, 1, 0])");
    expect(text).toContain("inputLayout 'nhwc'");
    const json = explainJson(entry(spec)) as { spellings: { framework: string }[] };
    expect(json.spellings.filter((s) => s.framework === 'webnn')).toHaveLength(2);
  });

  it('says why not when the case is not 2-D', () => {
    const text = explainText(
      entry({ name: 'one', input: [1, 1, 4], out_channels: 1, kernel: [3], strides: 2, padding: 1 }),
    );
    expect(text).toMatch(/WebNN \(convTranspose2d\): cannot be spelled: WebNN convTranspose2d is 2-D only/);
  });

  it('every other convention gets a WebNN line too', () => {
    const g = resolved({ ...base, padding: 'SAME', output_shape: [6, 8] });
    expect(allSpellings(g).some((s) => s.framework === 'webnn' && s.expressible)).toBe(true);
  });
});
