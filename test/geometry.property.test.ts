/**
 * Properties of the geometry over random valid parameters (fast-check, fixed seed): the output size
 * formulas of each convention, the crop bookkeeping, the equivalences between conventions that
 * must hold (and the one that must not), and the round trip behind `tconv explain`: every spelling
 * `allSpellings` calls expressible, turned back into a case and resolved, gives the same crop.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseSpec, OnnxPaddingSpec } from '../src/case/types.js';
import { buildGeometry, layoutFor } from '../src/geometry/build.js';
import { onnxTotalPadding, tfExplicitPaddingAccepted } from '../src/geometry/conventions.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import { allSpellings, type Spelling } from '../src/geometry/spellings.js';
import type { ConvTransposeGeometry, Rank } from '../src/geometry/types.js';

const RUNS = { numRuns: 300, seed: 20240611 } as const;

// ---------------------------------------------------------------- generators

interface RawAxis {
  readonly i: number;
  readonly k: number;
  readonly s: number;
  readonly d: number;
}

const kEff = (a: RawAxis): number => a.d * (a.k - 1) + 1;
const fullOf = (a: RawAxis): number => (a.i - 1) * a.s + kEff(a);

const rawAxis = fc.record({
  i: fc.integer({ min: 1, max: 7 }),
  k: fc.integer({ min: 1, max: 5 }),
  s: fc.integer({ min: 1, max: 4 }),
  d: fc.integer({ min: 1, max: 3 }),
});

const axesArb = fc.integer({ min: 1, max: 3 }).chain((rank) => fc.array(rawAxis, { minLength: rank, maxLength: rank }));

interface Frame {
  readonly axes: readonly RawAxis[];
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly channelsLast: boolean;
  readonly bias: boolean;
}

const frameArb: fc.Arbitrary<Frame> = fc.record({
  axes: axesArb,
  batch: fc.integer({ min: 1, max: 2 }),
  group: fc.integer({ min: 1, max: 3 }),
  inPerGroup: fc.integer({ min: 1, max: 2 }),
  outPerGroup: fc.integer({ min: 1, max: 2 }),
  channelsLast: fc.boolean(),
  bias: fc.boolean(),
});

/** The convention-independent part of a case. */
function baseCase(f: Frame, name = 'prop'): CaseSpec {
  const rank = f.axes.length as Rank;
  const channels = f.group * f.inPerGroup;
  const spatial = f.axes.map((a) => a.i);
  return {
    name,
    input: f.channelsLast ? [f.batch, ...spatial, channels] : [f.batch, channels, ...spatial],
    layout: layoutFor(rank, f.channelsLast),
    out_channels: f.group * f.outPerGroup,
    group: f.group,
    bias: f.bias,
    kernel: f.axes.map((a) => a.k),
    strides: f.axes.map((a) => a.s),
    dilations: f.axes.map((a) => a.d),
  };
}

/** Per axis, a value drawn by `pick` from the axis. */
function perAxis(f: Frame, pick: (a: RawAxis) => fc.Arbitrary<number>): fc.Arbitrary<number[]> {
  return fc.tuple(...f.axes.map(pick));
}

/**
 * Checks `check` (fast-check, RUNS) on random frames, each with the values `draws` picks for it
 * (`fc.tuple(fc.constant(f), ...draws(f))`).
 */
function forAllFrames<Ts extends unknown[]>(
  draws: (f: Frame) => { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  check: (f: Frame, ...values: Ts) => void,
): void {
  const arbitrary = frameArb.chain((f) => fc.tuple(fc.constant(f), ...draws(f)) as fc.Arbitrary<[Frame, ...Ts]>);
  fc.assert(
    fc.property(arbitrary, ([f, ...values]) => check(f, ...(values as Ts))),
    RUNS,
  );
}

/** An output_padding the ONNX/PyTorch rule accepts: < max(s, d). */
const validOutputPadding = (a: RawAxis): fc.Arbitrary<number> => fc.integer({ min: 0, max: Math.max(a.s, a.d) - 1 });

function resolved(spec: CaseSpec): ConvTransposeGeometry {
  const result = resolveGeometry(spec);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(spec)} to resolve: ${JSON.stringify(result.issues)}`);
  return result.geometry;
}

const crops = (g: ConvTransposeGeometry): { begin: number; o: number }[] =>
  g.axes.map((axis) => ({ begin: axis.beginCrop, o: axis.outputSize }));

/** Geometries from random cases of every convention (only the ones that resolve). */
const caseArb: fc.Arbitrary<CaseSpec> = frameArb.chain((f) => {
  const base = baseCase(f);
  const tf = fc.oneof(
    // tf.nn with an output_shape inside (or just outside) TF's range; Keras with or without output_padding.
    fc
      .tuple(
        fc.constantFrom<'SAME' | 'VALID'>('SAME', 'VALID'),
        perAxis(f, (a) => fc.integer({ min: Math.max(1, (a.i - 1) * a.s), max: fullOf(a) + a.s })),
      )
      .map(([padding, output_shape]): CaseSpec => ({ ...base, padding, output_shape })),
    fc
      .tuple(
        fc.constantFrom<'SAME' | 'VALID'>('SAME', 'VALID'),
        fc.option(
          perAxis(f, (a) => fc.integer({ min: 0, max: a.s - 1 })),
          { nil: undefined },
        ),
      )
      .map(([padding, output_padding]): CaseSpec => ({
        ...base,
        padding,
        ...(output_padding ? { output_padding } : {}),
      })),
  );
  const onnx = fc.oneof(
    fc
      .tuple(
        perAxis(f, (a) => fc.integer({ min: 0, max: kEff(a) })),
        perAxis(f, (a) => fc.integer({ min: 0, max: kEff(a) })),
        perAxis(f, validOutputPadding),
      )
      .map(([begins, ends, output_padding]): CaseSpec => ({
        ...base,
        padding: { pads: [...begins, ...ends] },
        output_padding,
      })),
    fc
      .tuple(
        fc.constantFrom('NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID') as fc.Arbitrary<
          NonNullable<OnnxPaddingSpec['auto_pad']>
        >,
        fc.option(
          perAxis(f, (a) => fc.integer({ min: 1, max: fullOf(a) + a.s + 1 })),
          { nil: undefined },
        ),
        perAxis(f, validOutputPadding),
      )
      .map(([auto_pad, output_shape, output_padding]): CaseSpec => ({
        ...base,
        padding: { auto_pad },
        output_padding,
        ...(output_shape ? { output_shape } : {}),
      })),
  );
  const torch = fc.oneof(
    fc
      .tuple(
        perAxis(f, (a) => fc.integer({ min: 0, max: kEff(a) })),
        perAxis(f, validOutputPadding),
      )
      .map(([padding, output_padding]): CaseSpec => ({ ...base, padding, output_padding })),
    perAxis(f, (a) => fc.integer({ min: 0, max: Math.floor((kEff(a) - 1) / 2) })).chain((padding) =>
      perAxis(f, (a) => fc.integer({ min: 0, max: a.s - 1 })).map((extra): CaseSpec => ({
        ...base,
        padding,
        output_shape: f.axes.map((a, n) => fullOf(a) - 2 * padding[n]! + extra[n]!),
      })),
    ),
  );
  return fc.oneof(tf, onnx, torch);
});

const validGeometryArb = caseArb
  .map((spec) => resolveGeometry(spec))
  .filter((result): result is Extract<ReturnType<typeof resolveGeometry>, { ok: true }> => result.ok)
  .map((result) => result.geometry);

// ---------------------------------------------------------------- formulas

describe('output size formulas', () => {
  it('ONNX explicit pads: o = s(i-1) + op + k_eff - pad_begin - pad_end, begin = pad_begin (rejected iff o <= 0)', () => {
    forAllFrames(
      (f) => [
        perAxis(f, (a) => fc.integer({ min: 0, max: fullOf(a) + 1 })),
        perAxis(f, (a) => fc.integer({ min: 0, max: fullOf(a) + 1 })),
        perAxis(f, validOutputPadding),
      ],
      (f, begins, ends, op) => {
        const result = resolveGeometry({
          ...baseCase(f),
          padding: { pads: [...begins, ...ends] },
          output_padding: op,
        });
        const sizes = f.axes.map((a, n) => a.s * (a.i - 1) + op[n]! + kEff(a) - begins[n]! - ends[n]!);
        expect(result.ok).toBe(sizes.every((o) => o > 0));
        if (result.ok) {
          expect(crops(result.geometry)).toEqual(f.axes.map((_, n) => ({ begin: begins[n]!, o: sizes[n]! })));
        } else {
          expect(result.issues.map((issue) => issue.field)).toContain('padding');
        }
      },
    );
  });

  it('PyTorch: o = (i-1)s - 2p + k_eff + op, begin = p (rejected iff o <= 0)', () => {
    forAllFrames(
      (f) => [perAxis(f, (a) => fc.integer({ min: 0, max: fullOf(a) })), perAxis(f, validOutputPadding)],
      (f, pads, op) => {
        const result = resolveGeometry({ ...baseCase(f), padding: pads, output_padding: op });
        const sizes = f.axes.map((a, n) => (a.i - 1) * a.s - 2 * pads[n]! + kEff(a) + op[n]!);
        expect(result.ok).toBe(sizes.every((o) => o > 0));
        if (result.ok)
          expect(crops(result.geometry)).toEqual(f.axes.map((_, n) => ({ begin: pads[n]!, o: sizes[n]! })));
      },
    );
  });

  it('PyTorch output_padding >= max(stride, dilation) is always rejected', () => {
    forAllFrames(
      (f) => [fc.integer({ min: 0, max: f.axes.length - 1 }), fc.integer({ min: 0, max: 3 })],
      (f, bad, extra) => {
        const op = f.axes.map((a, n) => (n === bad ? Math.max(a.s, a.d) + extra : 0));
        const result = resolveGeometry({ ...baseCase(f), padding: 0, output_padding: op });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.issues.map((issue) => issue.field)).toEqual(['output_padding']);
      },
    );
  });

  it('Keras without output_padding: SAME i*s, VALID i*s + max(k_eff - s, 0); with it (i-1)s + k_eff - 2pad + op', () => {
    forAllFrames(
      (f) => [
        fc.constantFrom<'SAME' | 'VALID'>('SAME', 'VALID'),
        fc.option(
          perAxis(f, (a) => fc.integer({ min: 0, max: a.s - 1 })),
          { nil: null },
        ),
      ],
      (f, padding, op) => {
        const result = resolveGeometry({ ...baseCase(f), padding, ...(op ? { output_padding: op } : {}) });
        const sizes = f.axes.map((a, n) => {
          if (op === null) return padding === 'SAME' ? a.i * a.s : a.i * a.s + Math.max(kEff(a) - a.s, 0);
          const pad = padding === 'SAME' ? Math.floor(kEff(a) / 2) : 0;
          return (a.i - 1) * a.s + kEff(a) - 2 * pad + op[n]!;
        });
        // TF then only accepts sizes whose forward size is i again.
        const tfAccepts = f.axes.every((a, n) =>
          padding === 'SAME' ? Math.ceil(sizes[n]! / a.s) === a.i : Math.floor((sizes[n]! - kEff(a)) / a.s) + 1 === a.i,
        );
        if (op === null) expect(tfAccepts).toBe(true); // Keras's own sizes always fit
        expect(result.ok).toBe(tfAccepts);
        if (result.ok) expect(result.geometry.axes.map((axis) => axis.outputSize)).toEqual(sizes);
      },
    );
  });

  it('TF output_shape: accepted iff ceil(o/s) = i (SAME) or floor((o - k_eff)/s) + 1 = i (VALID); SAME begin floor(total/2)', () => {
    forAllFrames(
      (f) => [
        fc.constantFrom<'SAME' | 'VALID'>('SAME', 'VALID'),
        perAxis(f, (a) => fc.integer({ min: 1, max: fullOf(a) + a.s + 1 })),
      ],
      (f, padding, o) => {
        const result = resolveGeometry({ ...baseCase(f), padding, output_shape: o });
        const accepted = f.axes.every((a, n) =>
          padding === 'SAME' ? Math.ceil(o[n]! / a.s) === a.i : Math.floor((o[n]! - kEff(a)) / a.s) + 1 === a.i,
        );
        expect(result.ok).toBe(accepted);
        if (!result.ok) {
          expect(result.issues[0]!.field).toBe('output_shape');
          expect(result.issues[0]!.message).toMatch(
            padding === 'SAME' ? /SAME needs ceil\(o\/s\) = i/ : /VALID needs floor/,
          );
          return;
        }
        const begins = f.axes.map((a, n) => (padding === 'SAME' ? Math.floor(Math.max(0, fullOf(a) - o[n]!) / 2) : 0));
        expect(crops(result.geometry)).toEqual(f.axes.map((_, n) => ({ begin: begins[n]!, o: o[n]! })));
      },
    );
  });

  it('ONNX auto_pad without output_shape: SAME_* gives i*s, VALID gives full + op with no crop', () => {
    forAllFrames(
      (f) => [
        fc.constantFrom('SAME_UPPER', 'SAME_LOWER', 'VALID') as fc.Arbitrary<'SAME_UPPER' | 'SAME_LOWER' | 'VALID'>,
        perAxis(f, validOutputPadding),
      ],
      (f, autoPad, op) => {
        const g = resolved({ ...baseCase(f), padding: { auto_pad: autoPad }, output_padding: op });
        g.axes.forEach((axis, n) => {
          const a = f.axes[n]!;
          if (autoPad === 'VALID') {
            expect({ begin: axis.beginCrop, o: axis.outputSize }).toEqual({ begin: 0, o: fullOf(a) + op[n]! });
          } else {
            const total = Math.max(0, fullOf(a) + op[n]! - a.i * a.s);
            const begin = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
            expect({ begin: axis.beginCrop, o: axis.outputSize }).toEqual({ begin, o: a.i * a.s });
          }
        });
      },
    );
  });
});

describe('the canonical struct', () => {
  it('endCrop = full - begin - o, full = (i-1)s + d(k-1) + 1, begin >= 0, o > 0, shapes in layout order', () => {
    fc.assert(
      fc.property(validGeometryArb, (g) => {
        for (const axis of g.axes) {
          const full = (axis.inputSize - 1) * axis.stride + axis.dilation * (axis.kernelSize - 1) + 1;
          expect(axis.effectiveKernelSize).toBe(axis.dilation * (axis.kernelSize - 1) + 1);
          expect(axis.fullSize).toBe(full);
          expect(axis.endCrop).toBe(full - axis.beginCrop - axis.outputSize);
          expect(axis.beginCrop).toBeGreaterThanOrEqual(0);
          expect(axis.outputSize).toBeGreaterThan(0);
        }
        const spatialOut = g.axes.map((axis) => axis.outputSize);
        expect(g.outputShape).toEqual(
          g.channelsLast ? [g.batch, ...spatialOut, g.outChannels] : [g.batch, g.outChannels, ...spatialOut],
        );
        expect(g.weightShape).toEqual([
          g.inChannels,
          g.outChannels / g.group,
          ...g.axes.map((axis) => axis.kernelSize),
        ]);
        expect(g.outputElements).toBe(g.outputShape.reduce((x, y) => x * y, 1));
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------- equivalences

describe('equivalences between conventions', () => {
  it('TF SAME with output_shape o == ONNX SAME_UPPER with output_shape o', () => {
    forAllFrames(
      (f) => [perAxis(f, (a) => fc.integer({ min: a.s * (a.i - 1) + 1, max: a.s * a.i }))],
      (f, o) => {
        const tf = resolved({ ...baseCase(f), padding: 'SAME', output_shape: o });
        const onnx = resolved({ ...baseCase(f), padding: { auto_pad: 'SAME_UPPER' }, output_shape: o });
        expect(crops(onnx)).toEqual(crops(tf));
        expect(onnx.axes.map((axis) => axis.endCrop)).toEqual(tf.axes.map((axis) => axis.endCrop));
      },
    );
  });

  it('PyTorch (padding p, output_padding op) == ONNX pads [p, p] with output_padding op (same acceptance too)', () => {
    forAllFrames(
      (f) => [perAxis(f, (a) => fc.integer({ min: 0, max: kEff(a) })), perAxis(f, validOutputPadding)],
      (f, p, op) => {
        const torch = resolveGeometry({ ...baseCase(f), padding: p, output_padding: op });
        const onnx = resolveGeometry({ ...baseCase(f), padding: { pads: [...p, ...p] }, output_padding: op });
        expect(onnx.ok).toBe(torch.ok);
        if (torch.ok && onnx.ok) expect(crops(onnx.geometry)).toEqual(crops(torch.geometry));
      },
    );
  });

  it('PyTorch output_size o == PyTorch output_padding o - min, for every o in [min, min + s - 1] (and nothing else)', () => {
    forAllFrames(
      (f) => [
        perAxis(f, (a) => fc.integer({ min: 0, max: Math.floor((kEff(a) - 1) / 2) })),
        perAxis(f, (a) => fc.integer({ min: 0, max: a.s - 1 })),
      ],
      (f, p, extra) => {
        const minimum = f.axes.map((a, n) => fullOf(a) - 2 * p[n]!);
        const withSize = resolved({ ...baseCase(f), padding: p, output_shape: minimum.map((m, n) => m + extra[n]!) });
        const withPadding = resolved({ ...baseCase(f), padding: p, output_padding: extra });
        expect(crops(withSize)).toEqual(crops(withPadding));
        expect(withSize.axes.map((axis) => axis.outputPadding)).toEqual(extra);
        // Just outside [min, min + s - 1] on the first axis: refused, blaming output_shape.
        for (const outside of [minimum[0]! - 1, minimum[0]! + f.axes[0]!.s]) {
          if (outside < 1) continue;
          const sizes = minimum.map((m, n) => (n === 0 ? outside : m));
          const refused = resolveGeometry({ ...baseCase(f), padding: p, output_shape: sizes });
          expect(refused.ok).toBe(false);
          if (!refused.ok) expect(refused.issues.map((issue) => issue.field)).toEqual(['output_shape']);
        }
      },
    );
  });

  it('but ONNX NOTSET + output_shape splits an odd total the other way from SAME_UPPER (begin larger by exactly 1)', () => {
    let oddAxes = 0;
    forAllFrames(
      (f) => [perAxis(f, (a) => fc.integer({ min: 1, max: fullOf(a) + a.s })), perAxis(f, validOutputPadding)],
      (f, o, op) => {
        const notset = resolved({
          ...baseCase(f),
          padding: { auto_pad: 'NOTSET' },
          output_shape: o,
          output_padding: op,
        });
        const lower = resolved({
          ...baseCase(f),
          padding: { auto_pad: 'SAME_LOWER' },
          output_shape: o,
          output_padding: op,
        });
        const upper = resolved({
          ...baseCase(f),
          padding: { auto_pad: 'SAME_UPPER' },
          output_shape: o,
          output_padding: op,
        });
        expect(crops(lower)).toEqual(crops(notset));
        f.axes.forEach((a, n) => {
          const total = fullOf(a) + op[n]! - o[n]!;
          const gap = notset.axes[n]!.beginCrop - upper.axes[n]!.beginCrop;
          if (total > 0 && total % 2 === 1) {
            oddAxes++;
            expect(gap).toBe(1);
          } else {
            expect(gap).toBe(0);
          }
        });
      },
    );
    expect(oddAxes).toBeGreaterThan(50);
  });
});

// ---------------------------------------------------------------- spellings round trip

type Expressible = Extract<Spelling, { expressible: true }>;

const INT_OR_TUPLE = String.raw`(\d+|\(\d+(?:, \d+)*\))`;

function pythonInts(code: string, name: string): number[] | undefined {
  const match = new RegExp(String.raw`[(\s]${name}=${INT_OR_TUPLE}`).exec(code);
  if (!match) return undefined;
  return match[1]!.replace(/[()]/g, '').split(', ').map(Number);
}

function pythonList(code: string, name: string): number[] | undefined {
  const match = new RegExp(String.raw`${name}=\[(\d+(?:, \d+)*)\]`).exec(code);
  return match ? match[1]!.split(', ').map(Number) : undefined;
}

/** An int spelled for every axis (`3`) or a tuple, as a per-axis list. */
function expand(values: number[] | undefined, rank: number): number[] | undefined {
  return values && values.length === 1 ? new Array<number>(rank).fill(values[0]!) : values;
}

/** The case a spelling stands for: the same tensors, the spelling's own parameters. */
function caseFromSpelling(g: ConvTransposeGeometry, spelling: Expressible): CaseSpec {
  const rank = g.rank;
  const shared = {
    name: 'round-trip',
    input: g.inputShape,
    layout: g.layout,
    out_channels: g.outChannels,
    bias: g.hasBias,
  };
  switch (spelling.framework) {
    case 'onnx': {
      const attributes = spelling.onnx!;
      if (attributes.pads && attributes.auto_pad) throw new Error(`pads with auto_pad in ${spelling.code}`);
      return {
        ...shared,
        kernel: attributes.kernel_shape,
        strides: attributes.strides,
        dilations: attributes.dilations,
        group: attributes.group,
        padding: attributes.pads ? { pads: attributes.pads } : { auto_pad: attributes.auto_pad ?? 'NOTSET' },
        ...(attributes.output_shape ? { output_shape: attributes.output_shape } : {}),
        ...(attributes.output_padding ? { output_padding: attributes.output_padding } : {}),
      };
    }
    case 'tensorflow': {
      if (spelling.tfExplicit) {
        // TF's explicit paddings crop [begin, end] like ONNX pads; an output longer than
        // full - begin - end (TF accepts up to s - 1 more) is ONNX's output_padding.
        const explicit = spelling.tfExplicit;
        expect(spelling.code).toContain(`padding=[[0, 0], `);
        return {
          ...shared,
          kernel: g.axes.map((axis) => axis.kernelSize),
          strides: explicit.strides,
          dilations: explicit.dilations,
          padding: { pads: [...explicit.paddings.map((pair) => pair[0]), ...explicit.paddings.map((pair) => pair[1])] },
          output_padding: g.axes.map(
            (axis, n) =>
              explicit.outputShape[n + 1]! + explicit.paddings[n]![0] + explicit.paddings[n]![1] - axis.fullSize,
          ),
        };
      }
      const call = spelling.tf!;
      expect(call.outputShape[0]).toBe(g.batch);
      expect(call.outputShape.at(-1)).toBe(g.outChannels);
      expect(spelling.code).toContain(`padding='${call.padding}'`);
      return {
        ...shared,
        kernel: g.axes.map((axis) => axis.kernelSize),
        strides: call.strides,
        dilations: call.dilations,
        padding: call.padding,
        output_shape: call.outputShape.slice(1, -1),
      };
    }
    case 'keras': {
      const padding = /padding='(same|valid)'/.exec(spelling.code)?.[1]?.toUpperCase() as 'SAME' | 'VALID' | undefined;
      if (!padding) throw new Error(`no padding in ${spelling.code}`);
      const outputPadding = expand(pythonInts(spelling.code, 'output_padding'), rank);
      expect(pythonInts(spelling.code, 'filters')).toEqual([g.outChannels]);
      return {
        ...shared,
        kernel: expand(pythonInts(spelling.code, 'kernel_size'), rank)!,
        strides: expand(pythonInts(spelling.code, 'strides'), rank)!,
        dilations: expand(pythonInts(spelling.code, 'dilation_rate'), rank) ?? 1,
        padding,
        ...(outputPadding ? { output_padding: outputPadding } : {}),
      };
    }
    case 'pytorch': {
      const outputSize = pythonList(spelling.code, 'output_size');
      const outputPadding = expand(pythonInts(spelling.code, 'output_padding'), rank);
      expect(pythonInts(spelling.code, 'in_channels')).toEqual([g.inChannels]);
      expect(pythonInts(spelling.code, 'out_channels')).toEqual([g.outChannels]);
      return {
        ...shared,
        kernel: expand(pythonInts(spelling.code, 'kernel_size'), rank)!,
        strides: expand(pythonInts(spelling.code, 'stride'), rank)!,
        dilations: expand(pythonInts(spelling.code, 'dilation'), rank) ?? 1,
        group: pythonInts(spelling.code, 'groups')?.[0] ?? 1,
        padding: expand(pythonInts(spelling.code, 'padding'), rank)!,
        ...(outputPadding ? { output_padding: outputPadding } : {}),
        ...(outputSize ? { output_shape: outputSize } : {}),
      };
    }
    case 'webnn': {
      const call = spelling.webnn!;
      expect(call.filterLayout).toBe('iohw');
      expect(call.inputLayout).toBe(g.channelsLast ? 'nhwc' : 'nchw');
      return {
        ...shared,
        kernel: g.axes.map((axis) => axis.kernelSize),
        strides: call.strides,
        dilations: call.dilations,
        group: call.groups,
        padding: { webnn: call.padding },
        ...(call.outputPadding ? { output_padding: call.outputPadding } : {}),
        ...(call.outputSizes ? { output_shape: call.outputSizes } : {}),
      };
    }
  }
}

function checkRoundTrip(g: ConvTransposeGeometry, seen: Map<string, number>): void {
  const spellings = allSpellings(g);
  for (const framework of ['tensorflow', 'keras', 'onnx', 'pytorch', 'webnn'] as const) {
    expect(spellings.some((spelling) => spelling.framework === framework)).toBe(true);
  }
  for (const spelling of spellings) {
    if (!spelling.expressible) {
      expect(spelling.reason.length).toBeGreaterThan(0);
      continue;
    }
    const spec = caseFromSpelling(g, spelling);
    const back = resolveGeometry(spec);
    const label = `${spelling.framework} ${spelling.form}: ${spelling.code}`;
    if (!back.ok)
      throw new Error(
        `${label} does not resolve: ${back.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
      );
    expect(crops(back.geometry), label).toEqual(crops(g));
    expect(back.geometry.group, label).toBe(g.group);
    expect(
      back.geometry.axes.map((axis) => [axis.kernelSize, axis.stride, axis.dilation]),
      label,
    ).toEqual(g.axes.map((axis) => [axis.kernelSize, axis.stride, axis.dilation]));
    const key = `${spelling.framework} ${spelling.form.replace(/ConvTranspose\dd|conv\dd_transpose|Conv\dDTranspose/, '*')}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
}

/** Any crop of the full output: begin in [0, full), o up to full - begin + max(s, d) - 1 (+1 to go past what ONNX allows). */
const arbitraryGeometryArb: fc.Arbitrary<ConvTransposeGeometry> = frameArb.chain((f) =>
  fc
    .tuple(
      ...f.axes.map((a) =>
        fc.integer({ min: 0, max: fullOf(a) - 1 }).chain((beginCrop) =>
          fc.record({
            beginCrop: fc.constant(beginCrop),
            outputSize: fc.integer({ min: 1, max: fullOf(a) - beginCrop + Math.max(a.s, a.d) }),
            outputPadding: validOutputPadding(a),
          }),
        ),
      ),
    )
    .map((chosen) => {
      const base = baseCase(f);
      return buildGeometry({
        layout: base.layout!,
        batch: f.batch,
        inChannels: f.group * f.inPerGroup,
        outChannels: f.group * f.outPerGroup,
        group: f.group,
        hasBias: f.bias,
        axes: f.axes.map((a, n) => ({ inputSize: a.i, kernelSize: a.k, stride: a.s, dilation: a.d, ...chosen[n]! })),
        convention: {
          kind: 'torch',
          padding: chosen.map((c) => c.beginCrop),
          outputPadding: chosen.map((c) => c.outputPadding),
          outputSize: null,
        },
      });
    }),
);

describe('spellings round trip (the invariant behind tconv explain)', () => {
  it('every expressible spelling of a case geometry resolves back to the same crop', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(validGeometryArb, (g) => checkRoundTrip(g, seen)),
      { ...RUNS, numRuns: 400 },
    );
    for (const form of [
      'tensorflow tf.nn.*',
      'keras keras.layers.*',
      'onnx pads',
      'onnx auto_pad=SAME_UPPER',
      'onnx auto_pad=VALID',
      'onnx output_shape',
      'onnx output_shape+SAME_UPPER',
      'pytorch torch.nn.*',
      'pytorch torch.nn.*+output_size',
      'webnn convTranspose2d',
      'webnn convTranspose2d+outputSizes',
    ]) {
      expect(seen.get(form) ?? 0, `round trips through ${form}: ${JSON.stringify([...seen])}`).toBeGreaterThan(10);
    }
  });

  it('every expressible spelling of an arbitrary crop resolves back to the same crop', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(arbitraryGeometryArb, (g) => checkRoundTrip(g, seen)),
      { ...RUNS, numRuns: 400 },
    );
    expect(seen.get('onnx pads') ?? 0).toBeGreaterThan(100);
    expect(seen.get('pytorch torch.nn.*') ?? 0).toBeGreaterThan(20);
  });

  it('is complete: TF and ONNX auto_pad / output_shape are called inexpressible only when no parameters reproduce the crop', () => {
    /** Every per-axis output_padding combination below max(s, d). */
    const paddingCombos = (g: ConvTransposeGeometry): number[][] =>
      g.axes.reduce<number[][]>(
        (combos, axis) =>
          combos.flatMap((combo) =>
            Array.from({ length: Math.max(axis.stride, axis.dilation) }, (_, op) => [...combo, op]),
          ),
        [[]],
      );
    const base = (g: ConvTransposeGeometry): CaseSpec => ({
      name: 'search',
      input: g.inputShape,
      layout: g.layout,
      out_channels: g.outChannels,
      group: g.group,
      kernel: g.axes.map((axis) => axis.kernelSize),
      strides: g.axes.map((axis) => axis.stride),
      dilations: g.axes.map((axis) => axis.dilation),
    });
    const reproduces = (g: ConvTransposeGeometry, spec: CaseSpec): boolean => {
      const result = resolveGeometry(spec);
      return result.ok && JSON.stringify(crops(result.geometry)) === JSON.stringify(crops(g));
    };
    // explain offers an ONNX form splitting a total padding (output_shape, auto_pad SAME_*) only
    // where every total is >= 0 (conventions.ts onnxTotalPadding: the spec has no split below 0).
    const portable = (g: ConvTransposeGeometry, spec: CaseSpec): boolean => {
      const padding = spec.padding as { auto_pad?: string };
      const splits = spec.output_shape !== undefined || /^SAME_/.test(padding.auto_pad ?? '');
      const outputPadding = (spec.output_padding ?? []) as readonly number[];
      return (
        !splits ||
        g.axes.every((axis, n) => {
          const size = spec.output_shape?.[n] ?? axis.inputSize * axis.stride;
          const a = {
            inputSize: axis.inputSize,
            kernelSize: axis.kernelSize,
            stride: axis.stride,
            dilation: axis.dilation,
          };
          return onnxTotalPadding(a, size, outputPadding[n] ?? 0) >= 0;
        })
      );
    };
    const reproducesPortably = (g: ConvTransposeGeometry, spec: CaseSpec): boolean =>
      reproduces(g, spec) && portable(g, spec);
    const found = { tensorflow: 0, shape: 0, auto: 0 };
    const check = (g: ConvTransposeGeometry): void => {
      const spellings = allSpellings(g);
      const expressible = (framework: string, form: RegExp): boolean =>
        spellings.some(
          (spelling) => spelling.framework === framework && spelling.expressible && form.test(spelling.form),
        );
      const outputShape = g.axes.map((axis) => axis.outputSize);
      // conv2d_transpose also takes explicit paddings: begin = the crop, any end TF accepts.
      const explicitFound =
        g.rank === 2 &&
        g.axes.every((axis) =>
          Array.from({ length: axis.fullSize + 1 }, (_, end) => end).some((end) =>
            tfExplicitPaddingAccepted(
              { inputSize: axis.inputSize, kernelSize: axis.kernelSize, stride: axis.stride, dilation: axis.dilation },
              axis.outputSize,
              axis.beginCrop,
              end,
            ),
          ),
        );
      const tfFound =
        g.group === 1 &&
        (explicitFound ||
          (['SAME', 'VALID'] as const).some((padding) =>
            reproduces(g, { ...base(g), padding, output_shape: outputShape }),
          ));
      expect(expressible('tensorflow', /./)).toBe(tfFound);
      const autoPads = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'] as const;
      const combos = paddingCombos(g);
      const shapeFound = autoPads.some((auto_pad) =>
        combos.some((output_padding) =>
          reproducesPortably(g, { ...base(g), padding: { auto_pad }, output_shape: outputShape, output_padding }),
        ),
      );
      expect(expressible('onnx', /^output_shape/)).toBe(shapeFound);
      const autoFound = autoPads
        .slice(1)
        .some((auto_pad) =>
          combos.some((output_padding) => reproducesPortably(g, { ...base(g), padding: { auto_pad }, output_padding })),
        );
      expect(expressible('onnx', /^auto_pad=/)).toBe(autoFound);
      found.tensorflow += Number(tfFound);
      found.shape += Number(shapeFound);
      found.auto += Number(autoFound);
    };
    fc.assert(fc.property(arbitraryGeometryArb, check), { ...RUNS, numRuns: 150 });
    fc.assert(fc.property(validGeometryArb, check), { ...RUNS, numRuns: 300 });
    // Both answers were exercised, not only "inexpressible".
    expect(found.tensorflow, JSON.stringify(found)).toBeGreaterThan(10);
    expect(found.shape, JSON.stringify(found)).toBeGreaterThan(20);
    expect(found.auto, JSON.stringify(found)).toBeGreaterThan(20);
  });

  it('spells a geometry in ONNX explicit pads whenever the output extends past full by less than max(s, d)', () => {
    fc.assert(
      fc.property(arbitraryGeometryArb, (g) => {
        const pads = allSpellings(g).find((spelling) => spelling.framework === 'onnx' && spelling.form === 'pads')!;
        const fits = g.axes.every((axis) => -axis.endCrop < Math.max(axis.stride, axis.dilation));
        expect(pads.expressible).toBe(fits);
      }),
      RUNS,
    );
  });

  it('spells a geometry in PyTorch exactly when the crop is symmetric up to a valid output_padding', () => {
    fc.assert(
      fc.property(arbitraryGeometryArb, (g) => {
        const torch = allSpellings(g).filter((spelling) => spelling.framework === 'pytorch');
        const fits = g.axes.every((axis) => {
          const op = axis.beginCrop - axis.endCrop;
          return op >= 0 && (op < axis.stride || op < axis.dilation);
        });
        expect(torch[0]!.expressible).toBe(fits);
        // forward(output_size=) only reaches output_padding < stride.
        const sizeForm = torch.find((spelling) => spelling.form.endsWith('+output_size'));
        const needsPadding = g.axes.some((axis) => axis.beginCrop !== axis.endCrop);
        const sizeFits = fits && g.axes.every((axis) => axis.beginCrop - axis.endCrop < axis.stride);
        expect(sizeForm !== undefined).toBe(needsPadding && sizeFits);
      }),
      RUNS,
    );
  });
});
