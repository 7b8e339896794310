/**
 * The suite every tfjs runner (tfjs-node, tfjs-cpu, tfjs-wasm) must pass: every variant of each
 * geometry reproduces the float64 reference within the float32 error bound, except where the
 * runner's own table of known divergences says the backend leaves it (and then it must). What
 * differs per backend comes in as options: whether the runner also spells crops as tfjs pads
 * ('explicit-pads', 'numeric-pad'; tfjs-node rejects them), and the known divergences. Each
 * runner's test file calls `describeTfjsBackendRunner` and adds its backend-specific tests.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseTensors } from '../../src/data/tensors.js';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { CaseTensors } from '../../src/tensor.js';
import { tfjsForwardSize } from '../../runners/tfjs/pads.js';
import type { Expression, Runner } from '../../runners/types.js';
import { geometryArbitrary, seedArbitrary, seededTensors } from './referenceArbitraries.js';
import {
  expressionsOf,
  geometryOf,
  resultOutOfBound,
  runVariant,
  unplannedExpression,
  type Spec,
} from './runnerChecks.js';

// ---------------------------------------------------------------- known divergences

export interface KnownDivergence {
  readonly name: string;
  /** Whether the divergence applies to this variant of this geometry. */
  readonly applies: (geometry: ConvTransposeGeometry, variant: string) => boolean;
  readonly reason: string;
  readonly link: string;
}

/**
 * tfjs-core's numeric pad bug (conv_util getPadAndOutInfo), shared by every backend that takes
 * numeric pads; `pastTheEnd` says what the backend reads past the end of x.
 */
export function numericPadDivergence(pastTheEnd: string): KnownDivergence {
  return {
    name: 'numeric pad with k_h != k_w or s_h != s_w',
    applies: (g, variant) => {
      if (variant !== 'numeric-pad') return false;
      const [h, w] = g.axes as [(typeof g.axes)[number], (typeof g.axes)[number]];
      // tfjs reads this many columns of x: the width computed with the HEIGHT's kernel and stride
      // (on the zero-inserted kernel tfjs receives, k_eff).
      return tfjsForwardSize(w.outputSize, h.effectiveKernelSize, h.stride, w.beginCrop, w.beginCrop) !== w.inputSize;
    },
    reason: `tfjs-core conv_util getPadAndOutInfo, numeric pad: computeOutputShape2D([inHeight, inWidth], filterHeight, strideHeight, pad) computes the forward WIDTH with the filter height and stride height, so Conv2DBackpropInput reads trunc((o_w + 2p - k_h)/s_h + 1) columns of x instead of i_w: extra columns wrap into the next row (${pastTheEnd} past the end of x), missing ones are ignored. Explicit pads with the same numbers are right.`,
    link: 'https://github.com/tensorflow/tfjs/issues/649 (tfjs-core/src/ops/conv_util.ts, getPadAndOutInfo)',
  };
}

/**
 * tfjs-core's 3-D 'same' pad bug (conv_util get3DPadAndOutInfo), shared by every backend;
 * `outcome` says what the backend's output then is.
 */
export function conv3dSameDivergence(outcome: string): KnownDivergence {
  return {
    name: "3-D 'same' where the output runs past full (k_eff < s)",
    applies: (g, variant) =>
      variant === 'same' && g.rank === 3 && g.axes.some((axis) => axis.outputSize > axis.fullSize),
    reason: `tfjs-core conv_util get3DPadAndOutInfo, 'same': padAlong = (ceil(o/s) - 1)*s + k - o has no max(0, ...) (the 2-D getPadAndOutInfo and TF have it, tensorflow/tensorflow#1991), so for o > full the front/top/left pad is floor((full - o)/2) < 0 and ${outcome}.`,
    link: 'tfjs-core/src/ops/conv_util.ts, get3DPadAndOutInfo',
  };
}

// ---------------------------------------------------------------- options and bound checks

export interface TfjsBackendOptions {
  readonly runner: Runner;
  /** Whether the runner also spells crops as tfjs pads ('explicit-pads', 'numeric-pad'). */
  readonly tfjsPads: boolean;
  /** Where the backend leaves the float32 bound (empty: nowhere). */
  readonly divergences: readonly KnownDivergence[];
  /** Who the refusal tests say is not blamed ('TF', 'tfjs'). */
  readonly framework: string;
}

export interface TfjsChecks {
  readonly geometryOf: (spec: Spec) => ConvTransposeGeometry;
  readonly expressionsOf: (geometry: ConvTransposeGeometry) => readonly Expression[];
  readonly knownDivergence: (geometry: ConvTransposeGeometry, variant: string) => KnownDivergence | undefined;
  /**
   * Runs every variant; returns the variant names after checking each against the reference. A
   * variant with a known divergence must diverge ('expect'), or is left out ('skip', for random
   * geometries, where data could make it agree by chance).
   */
  readonly checkAllVariants: (
    geometry: ConvTransposeGeometry,
    tensors: CaseTensors,
    known?: 'expect' | 'skip',
  ) => Promise<string[]>;
  /** `checkAllVariants` on a spec with its seeded tensors. */
  readonly checkSpec: (spec: Spec, seed?: number) => Promise<string[]>;
  readonly runVariant: (geometry: ConvTransposeGeometry, variant: string, tensors: CaseTensors) => Promise<number[]>;
  /**
   * The 'valid' variant of x [1, 1, 3] through a 2-tap kernel, stride 2, VALID (`extra` changes
   * the spec), on literal data: the agreement and runtime-divergence probes.
   */
  readonly runOneDimensional: (input: number[], weight: number[], extra?: Partial<Spec>) => Promise<number[]>;
  /** The variants the runner plans out of a tfjs-cpu list (tfjs-node lacks the tfjs pads). */
  readonly variants: (all: readonly string[]) => string[];
}

const TFJS_PAD_VARIANTS: readonly string[] = ['explicit-pads', 'numeric-pad'];

export function tfjsChecks(options: TfjsBackendOptions): TfjsChecks {
  const { runner, divergences } = options;
  const knownDivergence = (geometry: ConvTransposeGeometry, variant: string): KnownDivergence | undefined =>
    divergences.find((divergence) => divergence.applies(geometry, variant));
  const checkAllVariants = async (
    geometry: ConvTransposeGeometry,
    tensors: CaseTensors,
    known: 'expect' | 'skip' = 'expect',
  ): Promise<string[]> => {
    const expressions = expressionsOf(runner, geometry);
    for (const expression of expressions) {
      const divergence = knownDivergence(geometry, expression.variant);
      if (divergence && known === 'skip') continue;
      const bad = resultOutOfBound(geometry, tensors, await runner.execute(geometry, expression, tensors));
      if (divergence) expect(bad, `${expression.variant}: ${divergence.name}`).not.toEqual([]);
      else expect(bad, expression.variant).toEqual([]);
    }
    return expressions.map((expression) => expression.variant);
  };
  return {
    geometryOf: (spec) => geometryOf(spec, runner.name),
    expressionsOf: (geometry) => expressionsOf(runner, geometry),
    knownDivergence,
    checkAllVariants,
    checkSpec: async (spec, seed = 7) => {
      const geometry = geometryOf(spec, runner.name);
      return checkAllVariants(geometry, caseTensors({ name: runner.name, ...spec }, geometry, seed));
    },
    runVariant: (geometry, variant, tensors) => runVariant(runner, geometry, variant, tensors),
    runOneDimensional: (input, weight, extra = {}) => {
      const spec: Spec = { input: [1, 1, 3], out_channels: 1, kernel: [2], strides: 2, padding: 'VALID', ...extra };
      return runVariant(runner, geometryOf(spec, runner.name), 'valid', {
        input: Float32Array.from(input),
        weight: Float32Array.from(weight),
        bias: null,
      });
    },
    variants: (all) => (options.tfjsPads ? [...all] : all.filter((variant) => !TFJS_PAD_VARIANTS.includes(variant))),
  };
}

/** tfjs-core as the runner loaded it (the same module instance, on the runner's backend). */
export async function tfjsCore(): Promise<typeof tfc> {
  const module = await import('@tensorflow/tfjs-core');
  return (module.default as typeof tfc | undefined) ?? module;
}

/**
 * TF's documented example (2x2 x = [1, 2, 3, 4], 3x3 ones, stride 2) through tf.conv2dTranspose
 * directly with any output size and pad: tfjs checks neither against x.
 */
export async function probeConv2dTranspose(outputSize: number, pad: 'same' | 'valid' | number): Promise<number[]> {
  const tf = await tfjsCore();
  const y = tf.conv2dTranspose(
    tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]),
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

// ---------------------------------------------------------------- shared geometries

/** Crops TF cannot express, with the variants tfjs-cpu plans ('valid+crop' first). */
export const TFJS_CROP_CASES: Readonly<Record<string, readonly [Spec, readonly string[]]>> = {
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

/** 3-D SAME, k >= s on every axis (tfjs-cpu's pad is right; the wasm kernel's loop bounds are not). */
export const conv3dSameSpec = (layout: 'NCDHW' | 'NDHWC'): Spec => ({
  input: layout === 'NCDHW' ? [1, 2, 3, 4, 3] : [1, 3, 4, 3, 2],
  layout,
  out_channels: 3,
  kernel: [2, 3, 3],
  strides: [2, 1, 3],
  bias: true,
  padding: 'SAME',
});

/** 3-D SAME with k 2 < s 3 on W: o 9 runs past full 8 (tfjs-core's 3-D 'same' pad goes negative). */
export const conv3dPastFullSpec = (layout: 'NCDHW' | 'NDHWC'): Spec => ({
  ...conv3dSameSpec(layout),
  kernel: [2, 3, 2],
});

/**
 * Depth 1 with a 1-tap depth kernel and stride 1 on H and W: the only 3-D calls whose loop bounds
 * in the wasm kernel agree with the CPU kernel's.
 */
export const conv3dDepthOneSpec = (layout: 'NCDHW' | 'NDHWC'): Spec => ({
  input: layout === 'NCDHW' ? [2, 2, 1, 4, 3] : [2, 1, 4, 3, 2],
  layout,
  out_channels: 3,
  kernel: [1, 3, 2],
  strides: 1,
  bias: true,
  padding: 'VALID',
});

/** The geometry of the refusal tests: ONNX pads TF cannot spell, so no 'same' variant. */
export const REFUSAL_SPEC: Spec = {
  input: [1, 1, 3, 3],
  out_channels: 1,
  kernel: [3, 3],
  strides: 2,
  padding: { pads: [1, 0, 0, 1] },
};

// ---------------------------------------------------------------- random geometries

/** A TF-convention case with an output_shape TF accepts: every variant is native TF padding. */
export const tfSpecArbitrary: fc.Arbitrary<Spec> = fc
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
export const torchSpecArbitrary: fc.Arbitrary<Spec> = fc
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

// ---------------------------------------------------------------- the suite

const DOC_OUTPUT = [1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4];

/**
 * Registers the shared describe blocks (native padding, crops TF cannot express, groups and
 * dilation, refusals, random geometries) for one tfjs runner. The runner must be loaded by the
 * caller's beforeAll. Returns the runner's bound checks for the backend-specific tests.
 */
export function describeTfjsBackendRunner(options: TfjsBackendOptions): TfjsChecks {
  const checks = tfjsChecks(options);
  const { runner, tfjsPads, framework } = options;
  const { checkAllVariants, checkSpec, expressionsOf: plan, variants } = checks;
  const geometryOf = checks.geometryOf;
  const tensorsOf = (spec: Spec, geometry: ConvTransposeGeometry, seed: number): CaseTensors =>
    caseTensors({ name: 't', ...spec }, geometry, seed);
  const padOf = (geometry: ConvTransposeGeometry): unknown =>
    plan(geometry).find((e) => e.variant === 'explicit-pads')?.call.attributes['pad'];
  const layouts3d = ['NCDHW', 'NDHWC'] as const;

  describe(`TF's own padding (native variants)${tfjsPads ? " and tfjs's explicit pads" : ''}`, () => {
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
      const expressions = plan(geometry);
      expect(expressions.map((e) => e.variant)).toEqual(variants(['same', 'explicit-pads']));
      expect(expressions.every((e) => e.emulation === undefined)).toBe(true);
      // full 5x5, total 1: begin 0, end 1 (TF's odd pixel at the end) = pads [0, 1].
      if (tfjsPads)
        expect(padOf(geometry)).toEqual([
          [0, 0],
          [0, 1],
          [0, 1],
          [0, 0],
        ]);
      const tensors = { input: Float32Array.of(1, 2, 3, 4), weight: new Float32Array(9).fill(1), bias: null };
      for (const expression of expressions) {
        const result = await runner.execute(geometry, expression, tensors);
        expect(result.status === 'ok' && [...result.output], expression.variant).toEqual(DOC_OUTPUT);
      }
    });

    // i = 3, k = 3, s = 2: full 7; TF SAME accepts o in [5, 6]: o = 5 crops 1 on each side (also
    // pad = 1), o = 6 crops the odd pixel at the end (pads [0, 1]).
    it.each([
      [5, ['same', 'explicit-pads', 'numeric-pad']],
      [6, ['same', 'explicit-pads']],
    ])('SAME, i=3 k=3 s=2, output_shape %i', async (o, all) => {
      expect(
        await checkSpec({
          input: [1, 2, 3, 3],
          out_channels: 2,
          kernel: [3, 3],
          strides: 2,
          padding: 'SAME',
          output_shape: [o, o],
        }),
      ).toEqual(variants(all));
    });

    // i = 4, k = 4, s = 2: full 10, SAME accepts [7, 8]: total 3 (begin 1, end 2: the odd pixel
    // cropped at the end) and 2.
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
      ).toEqual(variants(['same', 'explicit-pads']));
    });

    // k_eff = 1 < s = 2: full 5, SAME's o = i*s = 6 is one row past it (VALID's slack reads the
    // same): pads [0, 0] read trunc(5/2 + 1) = 3 rows.
    it('SAME with k_eff < s: o = i*s runs one row past the full output', async () => {
      const spec: Spec = {
        input: [1, 1, 3, 3],
        out_channels: 2,
        kernel: [1, 1],
        strides: 2,
        bias: true,
        padding: 'SAME',
      };
      if (tfjsPads)
        expect(padOf(geometryOf(spec))).toEqual([
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 0],
        ]);
      expect(await checkSpec(spec)).toEqual(variants(['same', 'valid', 'explicit-pads']));
    });

    // i = 3, k = 3, s = 3: full 9, VALID accepts [9, 11]; 10 and 11 are zero rows plus bias.
    // 9 = i*s is also SAME's largest output, with nothing cropped.
    it.each([
      [9, ['same', 'valid', 'explicit-pads']],
      [10, ['valid', 'explicit-pads']],
      [11, ['valid', 'explicit-pads']],
    ])('VALID with slack, output %i', async (o, all) => {
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
      ).toEqual(variants(all));
    });

    it('a geometry both SAME and VALID reproduce gets both variants', async () => {
      expect(
        await checkSpec({ input: [1, 3, 4, 4], out_channels: 2, kernel: [1, 1], strides: 1, padding: 'SAME' }),
      ).toEqual(variants(['same', 'valid', 'explicit-pads']));
    });

    it.each(['NCHW', 'NHWC'] as const)('%s, batch 2, bias', async (layout) => {
      const input = layout === 'NCHW' ? [2, 3, 4, 5] : [2, 4, 5, 3];
      expect(
        await checkSpec({
          input,
          layout,
          out_channels: 4,
          kernel: [3, 2],
          strides: [2, 3],
          bias: true,
          padding: 'SAME',
        }),
      ).toEqual(variants(['same', 'explicit-pads']));
    });

    it.each(['NCW', 'NWC'] as const)('1-D (%s) as 2-D with height 1', async (layout) => {
      const input = layout === 'NCW' ? [2, 3, 7] : [2, 7, 3];
      const spec: Spec = {
        input,
        layout,
        out_channels: 2,
        kernel: [4],
        strides: 3,
        bias: true,
        padding: 'SAME',
        output_shape: [20],
      };
      const geometry = geometryOf(spec);
      for (const expression of plan(geometry))
        expect(expression.call.shapes, expression.variant).toMatchObject({
          x: [2, 1, 7, 3],
          filter: [1, 4, 2, 3],
          outputShape: [2, 1, 20, 2],
        });
      if (tfjsPads)
        expect(padOf(geometry)).toEqual([
          [0, 0],
          [0, 0],
          [1, 1],
          [0, 0],
        ]);
      expect(await checkAllVariants(geometry, tensorsOf(spec, geometry, 3))).toEqual(
        variants(['same', 'explicit-pads']),
      );
    });

    // Each 3-D geometry runs on every backend; where one leaves the reference (tfjs-core's 3-D
    // 'same' pad, the wasm kernel's loop bounds) its known divergences say so and it must.
    it.each(layouts3d)('3-D (%s) with tf.conv3dTranspose', async (layout) => {
      const spec = conv3dSameSpec(layout);
      const geometry = geometryOf(spec);
      expect(plan(geometry)[0]?.call.op).toBe('tf.conv3dTranspose');
      expect(await checkAllVariants(geometry, tensorsOf(spec, geometry, 5))).toEqual(['same']);
    });

    it.each(layouts3d)('3-D (%s) SAME where the output runs past full (k_eff < s on W)', async (layout) => {
      const spec = conv3dPastFullSpec(layout);
      const geometry = geometryOf(spec);
      expect(plan(geometry)[0]?.call.op).toBe('tf.conv3dTranspose');
      expect(await checkAllVariants(geometry, tensorsOf(spec, geometry, 5))).toEqual(['same']);
    });

    it.each(layouts3d)('3-D (%s) VALID, depth 1, 1-tap depth kernel, stride 1', async (layout) => {
      const spec = conv3dDepthOneSpec(layout);
      const geometry = geometryOf(spec);
      expect(plan(geometry)[0]?.call.op).toBe('tf.conv3dTranspose');
      expect(await checkAllVariants(geometry, tensorsOf(spec, geometry, 5))).toEqual(['valid']);
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

    it(`a PyTorch case whose crop TF SAME reproduces runs natively${tfjsPads ? ' and as pad = 1' : ''}`, async () => {
      // i=3, k=3, s=2, padding 1: o = 5, begin 1 = floor((7 - 5) / 2).
      expect(await checkSpec({ input: [1, 2, 3, 3], out_channels: 2, kernel: [3, 3], strides: 2, padding: 1 })).toEqual(
        variants(['same', 'explicit-pads', 'numeric-pad']),
      );
    });

    it(`describes the exact call${tfjsPads ? 's' : ''}`, () => {
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
      const explicit: Expression = {
        variant: 'explicit-pads',
        call: call([
          [0, 0],
          [0, 1],
          [0, 0],
          [0, 0],
        ]),
      };
      expect(plan(geometry)).toEqual([{ variant: 'same', call: call('same') }, ...(tfjsPads ? [explicit] : [])]);
    });
  });

  describe(
    tfjsPads
      ? "crops TF cannot express: 'valid+crop' emulation and tfjs's own pads"
      : "crops TF cannot express ('valid+crop' emulation)",
    () => {
      it.each(Object.entries(TFJS_CROP_CASES))('%s', async (_name, [spec, all]) => {
        const geometry = geometryOf(spec);
        const [expression, ...rest] = plan(geometry);
        expect(expression?.variant).toBe('valid+crop');
        expect(expression?.emulation).toMatch(/^TF 'valid' computes the full output .*; tconv crops/);
        expect(expression?.call.attributes['pad']).toBe('valid');
        expect(rest.map((e) => e.emulation)).toEqual(rest.map(() => undefined));
        expect(await checkAllVariants(geometry, tensorsOf(spec, geometry, 11))).toEqual(variants(all));
      });

      it('says when it appends bias-only rows', () => {
        const [spec] = TFJS_CROP_CASES['ONNX output_shape = full + s (past TF VALID range)']!;
        const [expression] = plan(geometryOf(spec));
        expect(expression?.emulation).toContain('appends bias-only rows past the full size');
        expect(expression?.call.attributes['crop']).toEqual({ begin: [0, 0], size: [11, 10] });
        expect(expression?.call.attributes['outputShape']).toEqual([1, 9, 9, 2]);
      });
    },
  );

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
    ] as const)('%s', async (_name, spec, all) => {
      const geometry = geometryOf(spec);
      for (const expression of plan(geometry)) {
        expect(expression.emulation).toContain(`per-group emulation: ${geometry.group} TF calls`);
        expect(expression.call.attributes['calls']).toBe(geometry.group);
      }
      expect(await checkAllVariants(geometry, tensorsOf(spec, geometry, 13))).toEqual(variants(all));
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
        {
          input: [1, 2, 4, 4],
          out_channels: 2,
          kernel: [3, 3],
          strides: 2,
          dilations: 2,
          padding: 2,
          output_padding: 1,
        },
        ['valid+crop', 'explicit-pads', 'numeric-pad'],
      ],
    ] as const)('%s', async (_name, spec, all) => {
      const geometry = geometryOf(spec);
      for (const expression of plan(geometry))
        expect(expression.emulation).toContain('dilation emulation: d-1 zeros inserted between kernel taps');
      expect(await checkAllVariants(geometry, tensorsOf(spec, geometry, 17))).toEqual(variants(all));
    });
  });

  describe('refusals', () => {
    const geometry = geometryOf(REFUSAL_SPEC);
    const tensors = tensorsOf(REFUSAL_SPEC, geometry, 1);

    it(`throws (does not blame ${framework}) for a variant the geometry does not have`, async () => {
      for (const variant of ['same', 'numeric-pad']) {
        const expression = unplannedExpression(variant, 'tf.conv2dTranspose');
        await expect(runner.execute(geometry, expression, tensors)).rejects.toThrow(`no variant '${variant}'`);
      }
    });

    it('throws on tensors that do not fit the geometry', async () => {
      const same = geometryOf({ ...REFUSAL_SPEC, padding: 'SAME' });
      const bad = { input: new Float32Array(8), weight: new Float32Array(9), bias: null };
      for (const g of [geometry, same]) {
        const [expression] = plan(g);
        await expect(runner.execute(g, expression!, bad)).rejects.toThrow(/input has 8 elements/);
      }
    });
  });

  const skipping = options.divergences.length > 0;
  describe(
    skipping ? 'random geometries (known divergences skipped; they are pinned above)' : 'random geometries',
    () => {
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
            const planned = await checkAllVariants(geometry, seededTensors(geometry, seed), 'skip');
            expect(planned).toContain((spec.padding as string).toLowerCase());
            expect(planned).not.toContain('valid+crop');
            expect(planned.includes('explicit-pads')).toBe(tfjsPads && geometry.rank !== 3);
          }),
          { numRuns: 300 },
        );
      });

      if (tfjsPads)
        it('PyTorch-convention 2-D cases run as explicit pads and, with p >= 1, as pad = p', async () => {
          await fc.assert(
            fc.asyncProperty(torchSpecArbitrary, seedArbitrary, async (spec, seed) => {
              const geometry = geometryOf(spec);
              const planned = await checkAllVariants(geometry, seededTensors(geometry, seed), 'skip');
              expect(planned).toContain('explicit-pads');
              expect(planned.includes('numeric-pad')).toBe(spec.padding !== 0);
            }),
            { numRuns: 300 },
          );
        });
    },
  );

  return checks;
}
