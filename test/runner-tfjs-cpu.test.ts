/**
 * The tfjs-cpu runner against TensorFlow.js's real pure-JavaScript CPU backend: every variant of
 * each geometry must reproduce the float64 reference within the float32 error bound. Native
 * variants ('same' / 'valid') exercise tfjs's copy of TF's padding rule, 'explicit-pads' and
 * 'numeric-pad' tfjs's own pads (which tfjs-node rejects), 'valid+crop', groups and dilation
 * tconv's labelled emulations. Where tfjs-cpu disagrees with the reference, the case is pinned in
 * KNOWN_DIVERGENCES below with the reason (tfjs-core source), never by a looser tolerance.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseSpec } from '../src/case/types.js';
import { caseTensors } from '../src/data/tensors.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { convTransposeReference, float32ErrorBound } from '../src/reference/index.js';
import type { CaseTensors } from '../src/tensor.js';
import { tfjsCpuRunner } from '../runners/tfjs-cpu.js';
import { planTfjsCalls, type TfjsCallPlan } from '../runners/tfjs/calls.js';
import { runTfjsCalls } from '../runners/tfjs/execute.js';
import { tfjsForwardSize, tfjsPadSpelling } from '../runners/tfjs/pads.js';
import { RefusedCall, tfCallProblem, tfjsPadProblem } from '../runners/tfjs/validate.js';
import type { ExecuteResult, Expression } from '../runners/types.js';
import { geometryArbitrary, seedArbitrary, seededTensors } from './helpers/referenceArbitraries.js';

type Spec = Omit<CaseSpec, 'name'>;
const runner = tfjsCpuRunner;

function geometryOf(spec: Spec): ConvTransposeGeometry {
  const result = resolveGeometry({ name: 'tfjs-cpu', ...spec });
  if (!result.ok) throw new Error(result.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
  return result.geometry;
}

function expressionsOf(geometry: ConvTransposeGeometry): readonly Expression[] {
  const plan = runner.plan(geometry);
  if (!plan.supported) throw new Error(`unsupported: ${plan.reason}`);
  return plan.expressions;
}

/** Elements outside the float32 error bound, as readable strings (empty = all within). */
function outOfBound(geometry: ConvTransposeGeometry, tensors: CaseTensors, result: ExecuteResult): string[] {
  if (result.status !== 'ok') return [`error: ${result.message}`];
  if (result.shape.join(',') !== geometry.outputShape.join(',')) return [`shape [${result.shape.join(', ')}]`];
  const reference = convTransposeReference(geometry, tensors);
  const bad: string[] = [];
  reference.output.forEach((expected, index) => {
    const bound = float32ErrorBound(reference.termCount[index]!, reference.absSum[index]!, expected);
    const actual = result.output[index]!;
    if (!(Math.abs(actual - expected) <= bound))
      bad.push(`[${index}] tfjs ${actual} reference ${expected} bound ${bound}`);
  });
  return bad.slice(0, 5);
}

// ---------------------------------------------------------------- known divergences

interface KnownDivergence {
  readonly name: string;
  /** Whether the divergence applies to this variant of this geometry. */
  readonly applies: (geometry: ConvTransposeGeometry, variant: string) => boolean;
  readonly reason: string;
  readonly link: string;
}

/**
 * Where tfjs-cpu leaves the float32 bound. Both are tfjs-core shape/padding bugs, not arithmetic:
 * the reference is right by the definition (y[j] = full[j + begin]), TF computes it too, and the
 * same geometry through another tfjs variant matches (see the tests below).
 */
const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [
  {
    name: 'numeric pad with k_h != k_w or s_h != s_w',
    applies: (g, variant) => {
      if (variant !== 'numeric-pad') return false;
      const [h, w] = g.axes as [(typeof g.axes)[number], (typeof g.axes)[number]];
      // tfjs reads this many columns of x: the width computed with the HEIGHT's kernel and stride
      // (on the zero-inserted kernel tfjs receives, k_eff).
      return tfjsForwardSize(w.outputSize, h.effectiveKernelSize, h.stride, w.beginCrop, w.beginCrop) !== w.inputSize;
    },
    reason:
      'tfjs-core conv_util getPadAndOutInfo, numeric pad: computeOutputShape2D([inHeight, inWidth], filterHeight, strideHeight, pad) computes the forward WIDTH with the filter height and stride height, so Conv2DBackpropInput reads trunc((o_w + 2p - k_h)/s_h + 1) columns of x instead of i_w: extra columns wrap into the next row (NaN past the end of x), missing ones are ignored. Explicit pads with the same numbers are right.',
    link: 'https://github.com/tensorflow/tfjs/issues/649 (tfjs-core/src/ops/conv_util.ts, getPadAndOutInfo)',
  },
  {
    name: "3-D 'same' where the output runs past full (k_eff < s)",
    applies: (g, variant) =>
      variant === 'same' && g.rank === 3 && g.axes.some((axis) => axis.outputSize > axis.fullSize),
    reason:
      "tfjs-core conv_util get3DPadAndOutInfo, 'same': padAlong = (ceil(o/s) - 1)*s + k - o has no max(0, ...) (the 2-D getPadAndOutInfo and TF have it, tensorflow/tensorflow#1991), so for o > full the front/top/left pad is floor((full - o)/2) < 0 and Conv3DBackpropInputV2 returns y[j] = full[j + floor((full - o)/2)] (shifted towards the end) where TF and the reference give full[j].",
    link: 'tfjs-core/src/ops/conv_util.ts, get3DPadAndOutInfo',
  },
];

const knownDivergence = (geometry: ConvTransposeGeometry, variant: string): KnownDivergence | undefined =>
  KNOWN_DIVERGENCES.find((divergence) => divergence.applies(geometry, variant));

/**
 * Runs every variant; returns the variant names after checking each against the reference. A
 * variant with a known divergence must diverge ('expect'), or is left out ('skip', for random
 * geometries, where data could make it agree by chance).
 */
async function checkAllVariants(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  known: 'expect' | 'skip' = 'expect',
): Promise<string[]> {
  const expressions = expressionsOf(geometry);
  for (const expression of expressions) {
    const divergence = knownDivergence(geometry, expression.variant);
    if (divergence && known === 'skip') continue;
    const result = await runner.execute(geometry, expression, tensors);
    const bad = outOfBound(geometry, tensors, result);
    if (divergence) expect(bad, `${expression.variant}: ${divergence.name}`).not.toEqual([]);
    else expect(bad, expression.variant).toEqual([]);
  }
  return expressions.map((expression) => expression.variant);
}

async function checkSpec(spec: Spec, seed = 7): Promise<string[]> {
  const geometry = geometryOf(spec);
  return checkAllVariants(geometry, caseTensors({ name: 'tfjs-cpu', ...spec }, geometry, seed));
}

async function runVariant(geometry: ConvTransposeGeometry, variant: string, tensors: CaseTensors): Promise<number[]> {
  const expression = expressionsOf(geometry).find((e) => e.variant === variant);
  if (!expression) throw new Error(`no variant ${variant}`);
  const result = await runner.execute(geometry, expression, tensors);
  if (result.status !== 'ok') throw new Error(result.message);
  return [...result.output];
}

/** tfjs-core as the runner loaded it (same module instance, 'cpu' backend). */
async function tfjs(): Promise<typeof tfc> {
  const module = await import('@tensorflow/tfjs-core');
  return (module.default as typeof tfc | undefined) ?? module;
}

let version = '';
beforeAll(async () => {
  version = await runner.load();
});

describe('load', () => {
  it('reports the tfjs-cpu version and runs on the cpu backend', async () => {
    expect(version).toMatch(/^tfjs-cpu 4\.22\.0$/);
    expect(runner.isolated).toBe(true);
    expect((await tfjs()).getBackend()).toBe('cpu');
  });
});

describe("TF's own padding (native variants) and tfjs's explicit pads", () => {
  it("TF's documented example: 2x2 [1,2,3,4], 3x3 ones, stride 2, SAME, output 4x4", async () => {
    const geometry = geometryOf({
      input: [1, 2, 2, 1],
      layout: 'NHWC',
      out_channels: 1,
      kernel: [3, 3],
      strides: 2,
      padding: 'SAME',
      output_shape: [4, 4],
    });
    const expressions = expressionsOf(geometry);
    expect(expressions.map((e) => e.variant)).toEqual(['same', 'explicit-pads']);
    expect(expressions.every((e) => e.emulation === undefined)).toBe(true);
    // full 5x5, total 1: begin 0, end 1 (TF's odd pixel at the end) = pads [0, 1].
    expect(expressions[1]?.call.attributes['pad']).toEqual([
      [0, 0],
      [0, 1],
      [0, 1],
      [0, 0],
    ]);
    const tensors = { input: Float32Array.of(1, 2, 3, 4), weight: new Float32Array(9).fill(1), bias: null };
    for (const expression of expressions) {
      const result = await runner.execute(geometry, expression, tensors);
      expect(result.status === 'ok' && [...result.output], expression.variant).toEqual([
        1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4,
      ]);
    }
  });

  // i = 3, k = 3, s = 2: full 7; TF SAME accepts o in [5, 6]: o = 5 crops 1 on each side (also
  // pad = 1), o = 6 crops the odd pixel at the end (pads [0, 1]).
  it.each([
    [5, ['same', 'explicit-pads', 'numeric-pad']],
    [6, ['same', 'explicit-pads']],
  ])('SAME, i=3 k=3 s=2, output_shape %i', async (o, variants) => {
    expect(
      await checkSpec({
        input: [1, 2, 3, 3],
        out_channels: 2,
        kernel: [3, 3],
        strides: 2,
        padding: 'SAME',
        output_shape: [o, o],
      }),
    ).toEqual(variants);
  });

  // i = 4, k = 4, s = 2: full 10, SAME accepts [7, 8]: total 3 (begin 1, end 2) and 2.
  it.each([
    [7, 8],
    [8, 7],
  ])('SAME with odd totals, i=4 k=4 s=2, output %ix%i', async (h, w) => {
    expect(
      await checkSpec({
        input: [1, 4, 4, 2],
        layout: 'NHWC',
        out_channels: 3,
        kernel: [4, 4],
        strides: 2,
        padding: 'SAME',
        output_shape: [h, w],
      }),
    ).toEqual(['same', 'explicit-pads']);
  });

  // k_eff = 1 < s = 2: full 5, SAME's o = 6 is one row past it: pads [0, 0] read trunc(5/2 + 1) = 3 rows.
  it('SAME with k_eff < s: o = i*s runs one row past the full output', async () => {
    const spec: Spec = {
      input: [1, 1, 3, 3],
      out_channels: 2,
      kernel: [1, 1],
      strides: 2,
      bias: true,
      padding: 'SAME',
    };
    expect(expressionsOf(geometryOf(spec))[2]?.call.attributes['pad']).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(await checkSpec(spec)).toEqual(['same', 'valid', 'explicit-pads']);
  });

  // i = 3, k = 3, s = 3: full 9, VALID accepts [9, 11]; 10 and 11 are zero rows plus bias.
  it.each([
    [9, ['same', 'valid', 'explicit-pads']],
    [10, ['valid', 'explicit-pads']],
    [11, ['valid', 'explicit-pads']],
  ])('VALID with slack, output %i', async (o, variants) => {
    expect(
      await checkSpec({
        input: [1, 2, 3, 3],
        out_channels: 2,
        kernel: [3, 3],
        strides: 3,
        bias: true,
        padding: 'VALID',
        output_shape: [o, o],
      }),
    ).toEqual(variants);
  });

  it.each(['NCHW', 'NHWC'] as const)('%s, batch 2, bias', async (layout) => {
    const input = layout === 'NCHW' ? [2, 3, 4, 5] : [2, 4, 5, 3];
    expect(
      await checkSpec({ input, layout, out_channels: 4, kernel: [3, 2], strides: [2, 3], bias: true, padding: 'SAME' }),
    ).toEqual(['same', 'explicit-pads']);
  });

  it.each(['NCW', 'NWC'] as const)('1-D (%s) as 2-D with height 1', async (layout) => {
    const input = layout === 'NCW' ? [2, 3, 7] : [2, 7, 3];
    const geometry = geometryOf({
      input,
      layout,
      out_channels: 2,
      kernel: [4],
      strides: 3,
      bias: true,
      padding: 'SAME',
      output_shape: [20],
    });
    const expressions = expressionsOf(geometry);
    expect(expressions[1]?.call).toMatchObject({
      attributes: {
        pad: [
          [0, 0],
          [0, 0],
          [1, 1],
          [0, 0],
        ],
      },
      shapes: { x: [2, 1, 7, 3], filter: [1, 4, 2, 3], outputShape: [2, 1, 20, 2] },
    });
    expect(
      await checkAllVariants(geometry, caseTensors({ name: 't', input, out_channels: 2, kernel: [4] }, geometry, 3)),
    ).toEqual(['same', 'explicit-pads']);
  });

  // k >= s on every axis (for k_eff < s, 3-D 'same' is a known divergence below).
  it.each(['NCDHW', 'NDHWC'] as const)('3-D (%s) with tf.conv3dTranspose', async (layout) => {
    const input = layout === 'NCDHW' ? [1, 2, 3, 4, 3] : [1, 3, 4, 3, 2];
    const geometry = geometryOf({
      input,
      layout,
      out_channels: 3,
      kernel: [2, 3, 3],
      strides: [2, 1, 3],
      bias: true,
      padding: 'SAME',
    });
    expect(expressionsOf(geometry)[0]?.call.op).toBe('tf.conv3dTranspose');
    expect(
      await checkAllVariants(
        geometry,
        caseTensors({ name: 't', input, out_channels: 3, kernel: [2, 3, 3] }, geometry, 5),
      ),
    ).toEqual(['same']);
  });

  // full 5x6x5; VALID accepts [5, 7] x [6, 7] x [5, 6]. tf.conv3dTranspose takes no explicit pads.
  it('3-D VALID with slack', async () => {
    expect(
      await checkSpec({
        input: [2, 2, 2, 3, 2],
        out_channels: 2,
        kernel: [2, 2, 3],
        strides: [3, 2, 2],
        bias: true,
        padding: 'VALID',
        output_shape: [7, 7, 6],
      }),
    ).toEqual(['valid']);
  });

  it('a PyTorch case whose crop TF SAME reproduces runs natively and as pad = 1', async () => {
    // i=3, k=3, s=2, padding 1: o = 5, begin 1 = floor((7 - 5) / 2).
    expect(await checkSpec({ input: [1, 2, 3, 3], out_channels: 2, kernel: [3, 3], strides: 2, padding: 1 })).toEqual([
      'same',
      'explicit-pads',
      'numeric-pad',
    ]);
  });

  it('describes the exact calls', () => {
    const geometry = geometryOf({
      input: [2, 3, 4, 5],
      out_channels: 4,
      kernel: [3, 2],
      strides: [2, 3],
      bias: true,
      padding: 'SAME',
    });
    const call = (pad: unknown): Expression['call'] => ({
      op: 'tf.conv2dTranspose',
      attributes: { pad, strides: [2, 3], outputShape: [2, 8, 15, 4], bias: 'tf.add(y, bias)' },
      layouts: { x: 'NHWC', filter: 'HWOI (kh, kw, C_out, C_in)', output: 'NHWC' },
      shapes: { x: [2, 4, 5, 3], filter: [3, 2, 4, 3], outputShape: [2, 8, 15, 4], bias: [4] },
    });
    // H: full 9, o 8 (begin 0, end 1); W: full 14, o 15 (one row past full: bottom 0).
    expect(expressionsOf(geometry)).toEqual([
      { variant: 'same', call: call('same') },
      {
        variant: 'explicit-pads',
        call: call([
          [0, 0],
          [0, 1],
          [0, 0],
          [0, 0],
        ]),
      },
    ]);
  });
});

describe("crops TF cannot express: 'valid+crop' emulation and tfjs's own pads", () => {
  const cases: Readonly<Record<string, [Spec, readonly string[]]>> = {
    // H: begin 1, end 2; W: begin 0, end 1.
    'ONNX asymmetric pads': [
      {
        input: [1, 2, 4, 4],
        out_channels: 3,
        kernel: [3, 3],
        strides: 2,
        bias: true,
        padding: { pads: [1, 0, 2, 1] },
      },
      ['valid+crop', 'explicit-pads'],
    ],
    // total 3, NOTSET puts the odd pixel at the start (begin 2); TF would crop 1.
    'ONNX NOTSET output_shape, odd total': [
      {
        input: [1, 1, 4, 4],
        out_channels: 1,
        kernel: [3, 3],
        strides: 2,
        padding: { auto_pad: 'NOTSET' },
        output_shape: [6, 7],
      },
      ['valid+crop', 'explicit-pads'],
    ],
    'ONNX SAME_LOWER': [
      {
        input: [1, 1, 3, 3],
        out_channels: 2,
        kernel: [3, 4],
        strides: [2, 1],
        padding: { auto_pad: 'SAME_LOWER' },
      },
      ['valid+crop', 'explicit-pads'],
    ],
    // begin 4 and 0, end 0 and 4: deeper than the kernel (k - 1 = 2); tfjs's loop handles it.
    'ONNX pads deeper than the kernel': [
      { input: [1, 2, 4, 4], out_channels: 2, kernel: [3, 3], strides: 2, padding: { pads: [4, 0, 0, 4] } },
      ['valid+crop', 'explicit-pads'],
    ],
    // full 9; o = 11 is s = 2 rows past it: it would need a bottom pad of -2 (not a tfjs pad).
    'ONNX output_shape = full + s (past TF VALID range)': [
      {
        input: [1, 1, 4, 4],
        out_channels: 2,
        kernel: [3, 3],
        strides: 2,
        bias: true,
        padding: { auto_pad: 'NOTSET' },
        output_shape: [11, 10],
      },
      ['valid+crop'],
    ],
    // full 12; H runs 2 rows past full, W 1: bottom pads 0 (2 and 1 < s = 3 rows of slack).
    'ONNX pads with output_padding past full': [
      {
        input: [1, 2, 4, 4],
        out_channels: 3,
        kernel: [3, 3],
        strides: 3,
        bias: true,
        padding: { pads: [1, 1, 0, 0] },
        output_padding: [2, 1],
      },
      ['valid+crop', 'explicit-pads'],
    ],
    'PyTorch padding 1, output_padding 1': [
      { input: [1, 2, 3, 3], out_channels: 2, kernel: [3, 3], strides: 2, padding: 1, output_padding: 1 },
      ['valid+crop', 'explicit-pads', 'numeric-pad'],
    ],
    // padding [2, 1] differs per axis: explicit pads only.
    'PyTorch NHWC batch 2 bias': [
      {
        input: [2, 5, 4, 3],
        layout: 'NHWC',
        out_channels: 2,
        kernel: [4, 3],
        strides: [3, 2],
        bias: true,
        padding: [2, 1],
      },
      ['valid+crop', 'explicit-pads'],
    ],
    // o = 6 + 4 - 4 = 6, below TF SAME's [7, 8]: crop 2 on every side, i.e. pad = 2.
    'PyTorch padding 2 on a square kernel and stride (pad = 2)': [
      { input: [2, 3, 4, 4], out_channels: 2, kernel: [4, 4], strides: 2, bias: true, padding: 2 },
      ['valid+crop', 'explicit-pads', 'numeric-pad'],
    ],
    'PyTorch 1-D': [
      { input: [2, 2, 6], out_channels: 3, kernel: [5], strides: 2, bias: true, padding: 2, output_padding: 1 },
      ['valid+crop', 'explicit-pads'],
    ],
    'PyTorch 3-D NDHWC': [
      {
        input: [1, 3, 3, 4, 2],
        layout: 'NDHWC',
        out_channels: 2,
        kernel: [3, 3, 2],
        strides: [2, 2, 1],
        bias: true,
        padding: [1, 2, 0],
      },
      ['valid+crop'],
    ],
  };

  it.each(Object.entries(cases))('%s', async (_name, [spec, variants]) => {
    const geometry = geometryOf(spec);
    const [expression] = expressionsOf(geometry);
    expect(expression?.variant).toBe('valid+crop');
    expect(expression?.emulation).toMatch(/^TF 'valid' computes the full output .*; tconv crops/);
    expect(
      expressionsOf(geometry)
        .slice(1)
        .map((e) => e.emulation),
    ).toEqual(variants.slice(1).map(() => undefined));
    expect(await checkAllVariants(geometry, caseTensors({ name: 't', ...spec }, geometry, 11))).toEqual(variants);
  });

  it('maps the geometry to tfjs pads: top = begin crop, bottom = max(0, end crop)', () => {
    const pads = (spec: Spec): unknown => tfjsPadSpelling(geometryOf(spec));
    expect(pads(cases['ONNX asymmetric pads']![0])).toEqual({
      explicit: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
      numeric: null,
      numericReason: 'the begin crops differ (1, 0)',
    });
    expect(pads(cases['ONNX pads with output_padding past full']![0])).toMatchObject({
      explicit: [
        [0, 0],
        [1, 0],
        [1, 0],
        [0, 0],
      ],
    });
    expect(pads(cases['PyTorch padding 1, output_padding 1']![0])).toMatchObject({ numeric: 1 });
    expect(pads(cases['ONNX output_shape = full + s (past TF VALID range)']![0])).toEqual({
      reason:
        'the output runs 2 rows past the full size (9), at least the stride 2: tfjs would need a negative bottom pad',
    });
    expect(pads(cases['PyTorch 3-D NDHWC']![0])).toEqual({
      reason: "tf.conv3dTranspose takes only 'same' or 'valid'",
    });
    // conv_util's read count: trunc((o + top + bottom - k) / s + 1), e.g. o 6, pads [1, 0], k 3, s 2 -> 3;
    // a numerator in (-s, 0) reads 0 rows (conv_util truncates after adding 1).
    expect(tfjsForwardSize(6, 3, 2, 1, 0)).toBe(3);
    expect(tfjsForwardSize(11, 3, 2, 0, 0)).toBe(5);
    expect(tfjsForwardSize(4, 7, 2, 1, 1)).toBe(0);
  });
});

describe('groups and dilation (emulations TF lacks)', () => {
  it.each([
    [
      'groups 2, SAME',
      { input: [2, 4, 4, 5], out_channels: 6, group: 2, kernel: [3, 3], strides: 2, bias: true, padding: 'SAME' },
      ['same', 'explicit-pads'],
    ],
    [
      'depthwise NHWC, ONNX pads',
      {
        input: [1, 4, 5, 3],
        layout: 'NHWC',
        out_channels: 3,
        group: 3,
        kernel: [3, 2],
        strides: [2, 3],
        bias: true,
        padding: { pads: [1, 0, 0, 1] },
      },
      ['valid+crop', 'explicit-pads'],
    ],
    [
      'groups 2, 3-D',
      {
        input: [1, 4, 2, 3, 3],
        out_channels: 4,
        group: 2,
        kernel: [2, 2, 2],
        strides: [1, 2, 2],
        bias: true,
        padding: 'VALID',
      },
      ['valid'],
    ],
  ] as const)('%s', async (_name, spec, variants) => {
    const geometry = geometryOf(spec);
    for (const expression of expressionsOf(geometry)) {
      expect(expression.emulation).toContain(`per-group emulation: ${geometry.group} TF calls`);
      expect(expression.call.attributes['calls']).toBe(geometry.group);
    }
    expect(await checkAllVariants(geometry, caseTensors({ name: 't', ...spec }, geometry, 13))).toEqual(variants);
  });

  it.each([
    [
      'dilation 2, SAME',
      { input: [1, 2, 5, 5], out_channels: 2, kernel: [3, 3], strides: 2, dilations: 2, padding: 'SAME' },
      ['same', 'explicit-pads'],
    ],
    [
      'dilations [2, 3], ONNX pads',
      {
        input: [1, 2, 5, 5],
        out_channels: 2,
        kernel: [3, 3],
        strides: 2,
        dilations: [2, 3],
        padding: { pads: [2, 1, 3, 2] },
      },
      ['valid+crop', 'explicit-pads'],
    ],
    [
      '1-D dilation 2 with groups, bias',
      {
        input: [2, 4, 7],
        out_channels: 4,
        group: 2,
        kernel: [4],
        strides: 3,
        dilations: 2,
        bias: true,
        padding: { pads: [2, 1] },
      },
      ['valid+crop', 'explicit-pads'],
    ],
    [
      'PyTorch dilation 2, padding 2 (pad = 2 on the zero-inserted kernel)',
      { input: [1, 2, 4, 4], out_channels: 2, kernel: [3, 3], strides: 2, dilations: 2, padding: 2, output_padding: 1 },
      ['valid+crop', 'explicit-pads', 'numeric-pad'],
    ],
  ] as const)('%s', async (_name, spec, variants) => {
    const geometry = geometryOf(spec);
    for (const expression of expressionsOf(geometry))
      expect(expression.emulation).toContain('dilation emulation: d-1 zeros inserted between kernel taps');
    expect(await checkAllVariants(geometry, caseTensors({ name: 't', ...spec }, geometry, 17))).toEqual(variants);
  });
});

describe('refusals', () => {
  const geometry = geometryOf({
    input: [1, 1, 3, 3],
    out_channels: 1,
    kernel: [3, 3],
    strides: 2,
    padding: { pads: [1, 0, 0, 1] },
  });
  const tensors = caseTensors({ name: 't', input: [1, 1, 3, 3], out_channels: 1, kernel: [3, 3] }, geometry, 1);

  it('throws (does not blame tfjs) for a variant the geometry does not have', async () => {
    for (const variant of ['same', 'numeric-pad']) {
      const expression: Expression = {
        variant,
        call: { op: 'tf.conv2dTranspose', attributes: {}, layouts: {}, shapes: {} },
      };
      await expect(runner.execute(geometry, expression, tensors)).rejects.toThrow(`no variant '${variant}'`);
    }
  });

  it('throws on tensors that do not fit the geometry', async () => {
    const [expression] = expressionsOf(geometry);
    const bad = { input: new Float32Array(8), weight: new Float32Array(9), bias: null };
    await expect(runner.execute(geometry, expression!, bad)).rejects.toThrow(/input has 8 elements/);
  });

  /** The planned explicit-pads call, with `pad` replaced. */
  function explicitCall(pad: TfjsCallPlan['pad'], overrides: Partial<TfjsCallPlan> = {}): TfjsCallPlan {
    const planned = planTfjsCalls(geometry);
    if (!('plans' in planned)) throw new Error(planned.reason);
    return { ...planned.plans.find((plan) => plan.variant === 'explicit-pads')!, pad, ...overrides };
  }

  it('checks numeric and explicit pads against x before calling tfjs (tfjs does not)', () => {
    // x 3x3, k 3, s 2, o 6x6 (full 7): pads [1, 0] / [0, 1] read 3 rows and 3 columns.
    expect(
      tfjsPadProblem(
        explicitCall([
          [0, 0],
          [1, 0],
          [0, 1],
          [0, 0],
        ]),
      ),
    ).toBeNull();
    expect(
      tfjsPadProblem(
        explicitCall([
          [0, 0],
          [1, 2],
          [0, 1],
          [0, 0],
        ]),
      ),
    ).toBe('with pads [1, 2] tfjs would read 4 rows of x on spatial axis 0, which has 3 (tfjs does not check this)');
    expect(tfjsPadProblem(explicitCall(0))).toBe(
      'with pads [0, 0] tfjs would read 2 rows of x on spatial axis 0, which has 3 (tfjs does not check this)',
    );
    expect(
      tfjsPadProblem(
        explicitCall([
          [0, 0],
          [1, -1],
          [0, 1],
          [0, 0],
        ]),
      ),
    ).toMatch(/must be non-negative integers/);
    expect(
      tfjsPadProblem(
        explicitCall([
          [1, 0],
          [1, 0],
          [0, 1],
          [0, 0],
        ] as unknown as TfjsCallPlan['pad']),
      ),
    ).toMatch(/must be \[\[0, 0\], \[top, bottom\], \[left, right\], \[0, 0\]\]/);
    expect(tfjsPadProblem(explicitCall(1, { op: 'conv3dTranspose' }))).toMatch(/takes only 'same' or 'valid'/);
    // 'same' / 'valid' keep TF's own checks: o = 4 is outside SAME's [5, 6].
    expect(tfCallProblem(explicitCall('same', { outputShape: [1, 4, 4, 1] }))).toBe(
      "TF rejects output size 4 on spatial axis 0 with 'same' (accepted [5, 6])",
    );
  });

  it('refuses such a call (RefusedCall) without reaching tfjs', async () => {
    const tf = await tfjs();
    const call = explicitCall([
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ]);
    expect(() => runTfjsCalls(tf, call, [tensors.input], [Float32Array.from(tensors.weight)], null)).toThrow(
      RefusedCall,
    );
  });
});

/**
 * The trap: tfjs's conv2dTranspose takes any outputShape. TF's Conv2DBackpropInput recomputes the
 * forward size from it and rejects a mismatch ("Size of out_backprop doesn't match computed");
 * tfjs-core's conv_util derives how many rows of x to read from outputShape and never compares
 * that with x. tconv's case files cannot state such a geometry and the runner never makes such a
 * call (previous tests), so it is probed here through the tfjs API directly.
 */
describe('tfjs-cpu does not check outputShape against x (probed through the tfjs API)', () => {
  const x = [1, 2, 3, 4]; // TF's doc example: 2x2 input, 3x3 ones, stride 2 (full 5x5)
  async function transpose(outputSize: number, pad: 'same' | 'valid' | number): Promise<number[]> {
    const tf = await tfjs();
    const y = tf.conv2dTranspose(
      tf.tensor4d(x, [1, 2, 2, 1]),
      tf.ones([3, 3, 1, 1]) as tfc.Tensor4D,
      [1, outputSize, outputSize, 1],
      2,
      pad,
    );
    try {
      return [...y.dataSync()];
    } finally {
      y.dispose();
    }
  }

  it("SAME, o = 4 (TF accepts [3, 4]): TF's documented output", async () => {
    expect(await transpose(4, 'same')).toEqual([1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4]);
  });

  it('SAME, o = 2 (TF rejects): no error; ceil(2/2) = 1 row and column of x read, the rest ignored', async () => {
    // TF SAME's crop for o = 2 would be full[1:3] = [[1, 3], [4, 10]]; tfjs returns x[0][0] * 1.
    expect(await transpose(2, 'same')).toEqual([1, 1, 1, 1]);
  });

  it('VALID, o = 3 (TF rejects; VALID needs [5, 6]): no error; one row of x read', async () => {
    expect(await transpose(3, 'valid')).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('SAME, o = 7 (TF rejects): no error; rows read past x wrap into other rows, then NaN past its end', async () => {
    const y = await transpose(7, 'same');
    // ceil(7/2) = 4 rows and columns of a 2x2 x (row stride 2): x "[0][2]" is x[1][0], ...
    expect(y.slice(0, 7)).toEqual([1, 3, 2, 5, 3, 7, 4]);
    // ... and every output reading a flat index >= 4 of x's 4 values is NaN (undefined * 1).
    expect(y.filter(Number.isNaN)).toHaveLength(36);
  });

  it('VALID, o = 8 (TF rejects): NaN, and wrong finite values elsewhere', async () => {
    const y = await transpose(8, 'valid');
    expect(y.slice(0, 8)).toEqual([1, 1, 3, 2, 5, 3, 3, 0]);
    expect(y.some(Number.isNaN)).toBe(true);
  });

  // With pads [2, 2] the geometry's output is 5 - 4 = 1; o = 4 makes tfjs read trunc(5/2 + 1) = 3.
  it('explicit pads are not checked either: pads [2, 2] on o = 4 read 3 rows of the 2', async () => {
    const tf = await tfjs();
    const y = tf.conv2dTranspose(tf.tensor4d(x, [1, 2, 2, 1]), tf.ones([3, 3, 1, 1]) as tfc.Tensor4D, [1, 4, 4, 1], 2, [
      [0, 0],
      [2, 2],
      [2, 2],
      [0, 0],
    ]);
    expect([...y.dataSync()].some(Number.isNaN)).toBe(true);
    y.dispose();
  });
});

describe('known divergences (tfjs-core bugs, not arithmetic; the reference is right)', () => {
  it('every entry names a tfjs-core source and a reason', () => {
    for (const divergence of KNOWN_DIVERGENCES) {
      expect(divergence.reason.length, divergence.name).toBeGreaterThan(80);
      expect(divergence.link, divergence.name).toMatch(/conv_util/);
    }
  });

  // x 4x3 = [1..12], kernel 1x3 of ones, stride 1, PyTorch padding 1: o = 2x3,
  // y[r][c] = x[r+1][c-1] + x[r+1][c] + x[r+1][c+1]. tfjs reads trunc((3 + 2 - 1)/1 + 1) = 5
  // columns (k_h = 1 used for the width) of 3: column 3 of row r is x[r+1][0].
  describe(KNOWN_DIVERGENCES[0]!.name, () => {
    const spec: Spec = { input: [1, 4, 3, 1], layout: 'NHWC', out_channels: 1, kernel: [1, 3], strides: 1, padding: 1 };
    const geometry = geometryOf(spec);
    const tensors = {
      input: Float32Array.from({ length: 12 }, (_, i) => i + 1),
      weight: new Float32Array(3).fill(1),
      bias: null,
    };

    it('pad = 1 reads 5 columns of a 3-column x: the last column sums across rows', async () => {
      expect(knownDivergence(geometry, 'numeric-pad')).toBe(KNOWN_DIVERGENCES[0]);
      expect(await runVariant(geometry, 'numeric-pad', tensors)).toEqual([9, 15, 18, 15, 24, 27]);
      expect([...convTransposeReference(geometry, tensors).output]).toEqual([9, 15, 11, 15, 24, 17]);
    });

    it('the same pads spelled explicitly ([[0,0],[1,1],[1,1],[0,0]]) are right', async () => {
      expect(await runVariant(geometry, 'explicit-pads', tensors)).toEqual([9, 15, 11, 15, 24, 17]);
      expect(await runVariant(geometry, 'valid+crop', tensors)).toEqual([9, 15, 11, 15, 24, 17]);
    });

    it('square kernels and strides are unaffected', () => {
      const square = geometryOf({ ...spec, kernel: [3, 3], input: [1, 4, 3, 1] });
      expect(expressionsOf(square).map((e) => e.variant)).toContain('numeric-pad');
      expect(knownDivergence(square, 'numeric-pad')).toBeUndefined();
    });
  });

  // x [1, 2, 3] along W, 1x1x1 kernel of 1, stride 2 on W, SAME: o = i*s = 6, full 5.
  // TF and the reference: [1, 0, 2, 0, 3, 0]; tfjs: left pad floor((5 - 6)/2) = -1.
  describe(KNOWN_DIVERGENCES[1]!.name, () => {
    const geometry = geometryOf({
      input: [1, 1, 1, 3, 1],
      layout: 'NDHWC',
      out_channels: 1,
      kernel: [1, 1, 1],
      strides: [1, 1, 2],
      padding: 'SAME',
    });
    const tensors = { input: Float32Array.of(1, 2, 3), weight: Float32Array.of(1), bias: null };

    it("'same' is shifted one element towards the end", async () => {
      expect(knownDivergence(geometry, 'same')).toBe(KNOWN_DIVERGENCES[1]);
      expect([...convTransposeReference(geometry, tensors).output]).toEqual([1, 0, 2, 0, 3, 0]);
      expect(await runVariant(geometry, 'same', tensors)).toEqual([0, 1, 0, 2, 0, 3]);
    });

    it("the same geometry through 'valid' (o = full + 1, in TF VALID's slack) is right", async () => {
      expect(expressionsOf(geometry).map((e) => e.variant)).toEqual(['same', 'valid']);
      expect(await runVariant(geometry, 'valid', tensors)).toEqual([1, 0, 2, 0, 3, 0]);
    });

    it("2-D 'same' clamps the pad at 0 and is right", async () => {
      const flat = geometryOf({
        input: [1, 1, 3, 1],
        layout: 'NHWC',
        out_channels: 1,
        kernel: [1, 1],
        strides: [1, 2],
        padding: 'SAME',
      });
      expect(await runVariant(flat, 'same', tensors)).toEqual([1, 0, 2, 0, 3, 0]);
    });

    it("the tfjs-node suite's 3-D case (k 2 < s 3 on W, o 9 > full 8) diverges the same way", async () => {
      const spec: Spec = {
        input: [1, 2, 3, 4, 3],
        out_channels: 3,
        kernel: [2, 3, 2],
        strides: [2, 1, 3],
        bias: true,
        padding: 'SAME',
      };
      const tfGeometry = geometryOf(spec);
      const tfTensors = caseTensors({ name: 't', ...spec }, tfGeometry, 5);
      expect(knownDivergence(tfGeometry, 'same')).toBe(KNOWN_DIVERGENCES[1]);
      const [same] = expressionsOf(tfGeometry);
      expect(outOfBound(tfGeometry, tfTensors, await runner.execute(tfGeometry, same!, tfTensors))).not.toEqual([]);
    });
  });
});

/** Where TF (tfjs-node) leaves the reference, the pure-JS kernel agrees with it. */
describe('agreement where TF diverges', () => {
  const spec: Spec = { input: [1, 1, 3], out_channels: 1, kernel: [2], strides: 2, padding: 'VALID' };
  async function run(input: number[], weight: number[], extra: Partial<Spec> = {}): Promise<number[]> {
    const geometry = geometryOf({ ...spec, ...extra });
    return runVariant(geometry, 'valid', {
      input: Float32Array.from(input),
      weight: Float32Array.from(weight),
      bias: null,
    });
  }

  // TF flushes subnormals (tfjs-node suite: [0, 1e10, 0, 1e10, 0, 1]).
  it('keeps subnormal inputs (no DAZ): w = 1e-40 times x = 1e10 gives 1e-30, as the reference', async () => {
    const w0 = Math.fround(1e-40); // subnormal in float32
    const product = Math.fround(1e10 * w0);
    expect(product).toBeGreaterThan(9.9e-31);
    expect(await run([1e10, 1e10, 1], [1e-40, 1])).toEqual([product, 1e10, product, 1e10, w0, 1]);
  });

  // TF with oneDNN gives NaN at the last output (tfjs-node suite).
  it('multiplies only real taps: an Inf weight makes no NaN where no finite pair is non-finite', async () => {
    const output = await run([1, 2, 3], [Infinity, 1, 1], { kernel: [3] });
    expect(output).toEqual([Infinity, 1, Infinity, 2, Infinity, 3, 3]);
  });
});

// ---------------------------------------------------------------- random geometries

/** A TF-convention case with an output_shape TF accepts: every variant is native TF padding. */
const tfSpecArbitrary: fc.Arbitrary<Spec> = fc
  .record({
    rank: fc.constantFrom(1, 2, 3),
    padding: fc.constantFrom('SAME' as const, 'VALID' as const),
    channelsLast: fc.boolean(),
    batch: fc.integer({ min: 1, max: 2 }),
    group: fc.integer({ min: 1, max: 2 }),
    inPerGroup: fc.integer({ min: 1, max: 3 }),
    outPerGroup: fc.integer({ min: 1, max: 3 }),
    bias: fc.boolean(),
    axes: fc.array(
      fc.record({
        i: fc.integer({ min: 1, max: 5 }),
        k: fc.integer({ min: 1, max: 5 }),
        s: fc.integer({ min: 1, max: 4 }),
        d: fc.integer({ min: 1, max: 2 }),
        slack: fc.nat(3),
      }),
      { minLength: 3, maxLength: 3 },
    ),
  })
  .map((p): Spec => {
    const axes = p.axes.slice(0, p.rank);
    const channels = p.group * p.inPerGroup;
    // TF's accepted range (CONVENTIONS.md): SAME [s(i-1)+1, s*i], VALID [full, full+s-1].
    const low = (a: (typeof axes)[number]): number =>
      p.padding === 'SAME' ? a.s * (a.i - 1) + 1 : (a.i - 1) * a.s + a.d * (a.k - 1) + 1;
    const spatial = axes.map((a) => a.i);
    return {
      input: p.channelsLast ? [p.batch, ...spatial, channels] : [p.batch, channels, ...spatial],
      layout: (p.channelsLast ? ['NWC', 'NHWC', 'NDHWC'] : ['NCW', 'NCHW', 'NCDHW'])[p.rank - 1] as Spec['layout'],
      out_channels: p.group * p.outPerGroup,
      group: p.group,
      kernel: axes.map((a) => a.k),
      strides: axes.map((a) => a.s),
      dilations: axes.map((a) => a.d),
      bias: p.bias,
      padding: p.padding,
      output_shape: axes.map((a) => low(a) + (a.slack % a.s)),
    };
  });

/** A 2-D PyTorch case: one padding p for both axes, output_padding < s (numeric-pad territory). */
const torchSpecArbitrary: fc.Arbitrary<Spec> = fc
  .record({
    channelsLast: fc.boolean(),
    batch: fc.integer({ min: 1, max: 2 }),
    inChannels: fc.integer({ min: 1, max: 3 }),
    outChannels: fc.integer({ min: 1, max: 3 }),
    bias: fc.boolean(),
    padding: fc.integer({ min: 0, max: 3 }),
    axes: fc.array(
      fc.record({
        i: fc.integer({ min: 1, max: 5 }),
        k: fc.integer({ min: 1, max: 5 }),
        s: fc.integer({ min: 1, max: 3 }),
        d: fc.integer({ min: 1, max: 2 }),
        op: fc.nat(2),
      }),
      { minLength: 2, maxLength: 2 },
    ),
  })
  .filter((p) => p.axes.every((a) => (a.i - 1) * a.s + a.d * (a.k - 1) + 1 - 2 * p.padding + (a.op % a.s) >= 1))
  .map((p): Spec => ({
    input: p.channelsLast
      ? [p.batch, p.axes[0]!.i, p.axes[1]!.i, p.inChannels]
      : [p.batch, p.inChannels, p.axes[0]!.i, p.axes[1]!.i],
    layout: p.channelsLast ? 'NHWC' : 'NCHW',
    out_channels: p.outChannels,
    kernel: p.axes.map((a) => a.k),
    strides: p.axes.map((a) => a.s),
    dilations: p.axes.map((a) => a.d),
    bias: p.bias,
    padding: p.padding,
    output_padding: p.axes.map((a) => a.op % a.s),
  }));

describe('random geometries (known divergences skipped; they are pinned above)', () => {
  it('every variant of any crop matches the reference', async () => {
    await fc.assert(
      fc.asyncProperty(geometryArbitrary(), seedArbitrary, async (geometry, seed) => {
        await checkAllVariants(geometry, seededTensors(geometry, seed), 'skip');
      }),
      { numRuns: 300 },
    );
  });

  it("TF-convention cases run natively ('same' / 'valid') and match the reference", async () => {
    await fc.assert(
      fc.asyncProperty(tfSpecArbitrary, seedArbitrary, async (spec, seed) => {
        const geometry = geometryOf(spec);
        const variants = await checkAllVariants(geometry, seededTensors(geometry, seed), 'skip');
        expect(variants).toContain((spec.padding as string).toLowerCase());
        expect(variants).not.toContain('valid+crop');
        expect(variants.includes('explicit-pads')).toBe(geometry.rank !== 3);
      }),
      { numRuns: 300 },
    );
  });

  it('PyTorch-convention 2-D cases run as explicit pads and, with p >= 1, as pad = p', async () => {
    await fc.assert(
      fc.asyncProperty(torchSpecArbitrary, seedArbitrary, async (spec, seed) => {
        const geometry = geometryOf(spec);
        const variants = await checkAllVariants(geometry, seededTensors(geometry, seed), 'skip');
        expect(variants).toContain('explicit-pads');
        expect(variants.includes('numeric-pad')).toBe(spec.padding !== 0);
      }),
      { numRuns: 300 },
    );
  });
});
