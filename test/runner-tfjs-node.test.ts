/**
 * The tfjs-node runner against real TensorFlow (@tensorflow/tfjs-node on libtensorflow): every
 * variant of each geometry must reproduce the float64 reference within the float32 error bound.
 * Native variants ('same' / 'valid') exercise TF's own padding rule; 'valid+crop', groups and
 * dilation are tconv's labelled emulations around TF's full output.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseSpec } from '../src/case/types.js';
import { caseTensors } from '../src/data/tensors.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { convTransposeReference, float32ErrorBound } from '../src/reference/index.js';
import type { CaseTensors } from '../src/tensor.js';
import { tfjsNodeRunner } from '../runners/tfjs-node.js';
import type { ExecuteResult, Expression } from '../runners/types.js';
import { geometryArbitrary, seedArbitrary, seededTensors } from './helpers/referenceArbitraries.js';

type Spec = Omit<CaseSpec, 'name'>;

function geometryOf(spec: Spec): ConvTransposeGeometry {
  const result = resolveGeometry({ name: 'tfjs-node', ...spec });
  if (!result.ok) throw new Error(result.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
  return result.geometry;
}

function expressionsOf(geometry: ConvTransposeGeometry): readonly Expression[] {
  const plan = tfjsNodeRunner.plan(geometry);
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
      bad.push(`[${index}] tf ${actual} reference ${expected} bound ${bound}`);
  });
  return bad.slice(0, 5);
}

/** Runs every variant; returns the variant names after checking each against the reference. */
async function checkAllVariants(geometry: ConvTransposeGeometry, tensors: CaseTensors): Promise<string[]> {
  const expressions = expressionsOf(geometry);
  for (const expression of expressions) {
    const result = await tfjsNodeRunner.execute(geometry, expression, tensors);
    expect(outOfBound(geometry, tensors, result), expression.variant).toEqual([]);
  }
  return expressions.map((expression) => expression.variant);
}

async function checkSpec(spec: Spec, seed = 7): Promise<string[]> {
  const geometry = geometryOf(spec);
  return checkAllVariants(geometry, caseTensors({ name: 'tfjs-node', ...spec }, geometry, seed));
}

let version = '';
beforeAll(async () => {
  version = await tfjsNodeRunner.load();
});

describe('load', () => {
  it('reports the tfjs-node and libtensorflow versions', () => {
    expect(version).toMatch(/^tfjs-node 4\.22\.0 \(libtensorflow 2\.\d+\.\d+\)$/);
  });
});

describe("TF's own padding (native variants)", () => {
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
    const [expression] = expressionsOf(geometry);
    expect(expression?.variant).toBe('same');
    expect(expression?.emulation).toBeUndefined();
    const tensors = { input: Float32Array.of(1, 2, 3, 4), weight: new Float32Array(9).fill(1), bias: null };
    const result = await tfjsNodeRunner.execute(geometry, expression!, tensors);
    expect(result.status === 'ok' && [...result.output]).toEqual([1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4]);
  });

  // i = 3, k = 3, s = 2: full 7; TF SAME accepts o in [5, 6] (total 2: begin 1; total 1: begin 0).
  it.each([5, 6])('SAME, i=3 k=3 s=2, output_shape %i', async (o) => {
    expect(
      await checkSpec({
        input: [1, 2, 3, 3],
        out_channels: 2,
        kernel: [3, 3],
        strides: 2,
        padding: 'SAME',
        output_shape: [o, o],
      }),
    ).toEqual(['same']);
  });

  // i = 4, k = 4, s = 2: full 10, SAME accepts [7, 8]: total 3 (odd pixel cropped at the end) and 2.
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
    ).toEqual(['same']);
  });

  // k_eff = 1 < s = 2: full 5, SAME's o = i*s = 6 is one row past it (VALID's slack reads the same).
  it('SAME with k_eff < s: o = i*s runs one row past the full output', async () => {
    expect(
      await checkSpec({
        input: [1, 1, 3, 3],
        out_channels: 2,
        kernel: [1, 1],
        strides: 2,
        bias: true,
        padding: 'SAME',
      }),
    ).toEqual(['same', 'valid']);
  });

  // i = 3, k = 3, s = 3: full 9, VALID accepts [9, 11]; 10 and 11 are zero rows plus bias.
  // 9 = i*s is also SAME's largest output, with nothing cropped.
  it.each([
    [9, ['same', 'valid']],
    [10, ['valid']],
    [11, ['valid']],
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

  it('a geometry both SAME and VALID reproduce gets both variants', async () => {
    expect(
      await checkSpec({ input: [1, 3, 4, 4], out_channels: 2, kernel: [1, 1], strides: 1, padding: 'SAME' }),
    ).toEqual(['same', 'valid']);
  });

  it.each(['NCHW', 'NHWC'] as const)('%s, batch 2, bias', async (layout) => {
    const input = layout === 'NCHW' ? [2, 3, 4, 5] : [2, 4, 5, 3];
    expect(
      await checkSpec({ input, layout, out_channels: 4, kernel: [3, 2], strides: [2, 3], bias: true, padding: 'SAME' }),
    ).toEqual(['same']);
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
    expect(expressionsOf(geometry)[0]?.call.shapes).toMatchObject({
      x: [2, 1, 7, 3],
      filter: [1, 4, 2, 3],
      outputShape: [2, 1, 20, 2],
    });
    expect(
      await checkAllVariants(geometry, caseTensors({ name: 't', input, out_channels: 2, kernel: [4] }, geometry, 3)),
    ).toEqual(['same']);
  });

  it.each(['NCDHW', 'NDHWC'] as const)('3-D (%s) with tf.conv3dTranspose', async (layout) => {
    const input = layout === 'NCDHW' ? [1, 2, 3, 4, 3] : [1, 3, 4, 3, 2];
    const geometry = geometryOf({
      input,
      layout,
      out_channels: 3,
      kernel: [2, 3, 2],
      strides: [2, 1, 3],
      bias: true,
      padding: 'SAME',
    });
    expect(expressionsOf(geometry)[0]?.call.op).toBe('tf.conv3dTranspose');
    expect(
      await checkAllVariants(
        geometry,
        caseTensors({ name: 't', input, out_channels: 3, kernel: [2, 3, 2] }, geometry, 5),
      ),
    ).toEqual(['same']);
  });

  // full 5x6x5; VALID accepts [5, 7] x [6, 7] x [5, 6].
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

  it('a PyTorch case whose crop TF SAME reproduces runs natively', async () => {
    // i=3, k=3, s=2, padding 1: o = 5, begin 1 = floor((7 - 5) / 2).
    expect(await checkSpec({ input: [1, 2, 3, 3], out_channels: 2, kernel: [3, 3], strides: 2, padding: 1 })).toEqual([
      'same',
    ]);
  });

  it('describes the exact call', () => {
    const geometry = geometryOf({
      input: [2, 3, 4, 5],
      out_channels: 4,
      kernel: [3, 2],
      strides: [2, 3],
      bias: true,
      padding: 'SAME',
    });
    expect(expressionsOf(geometry)).toEqual([
      {
        variant: 'same',
        call: {
          op: 'tf.conv2dTranspose',
          attributes: { pad: 'same', strides: [2, 3], outputShape: [2, 8, 15, 4], bias: 'tf.add(y, bias)' },
          layouts: { x: 'NHWC', filter: 'HWOI (kh, kw, C_out, C_in)', output: 'NHWC' },
          shapes: { x: [2, 4, 5, 3], filter: [3, 2, 4, 3], outputShape: [2, 8, 15, 4], bias: [4] },
        },
      },
    ]);
  });
});

describe("crops TF cannot express ('valid+crop' emulation)", () => {
  const cases: Readonly<Record<string, Spec>> = {
    'ONNX asymmetric pads': {
      input: [1, 2, 4, 4],
      out_channels: 3,
      kernel: [3, 3],
      strides: 2,
      bias: true,
      padding: { pads: [1, 0, 2, 1] },
    },
    // total 3, NOTSET puts the odd pixel at the start (begin 2); TF would crop 1.
    'ONNX NOTSET output_shape, odd total': {
      input: [1, 1, 4, 4],
      out_channels: 1,
      kernel: [3, 3],
      strides: 2,
      padding: { auto_pad: 'NOTSET' },
      output_shape: [6, 7],
    },
    'ONNX SAME_LOWER': {
      input: [1, 1, 3, 3],
      out_channels: 2,
      kernel: [3, 4],
      strides: [2, 1],
      padding: { auto_pad: 'SAME_LOWER' },
    },
    'ONNX output_shape = full + s (past TF VALID range)': {
      input: [1, 1, 4, 4],
      out_channels: 2,
      kernel: [3, 3],
      strides: 2,
      bias: true,
      padding: { auto_pad: 'NOTSET' },
      output_shape: [11, 10],
    },
    'ONNX pads with output_padding past full': {
      input: [1, 2, 4, 4],
      out_channels: 3,
      kernel: [3, 3],
      strides: 3,
      bias: true,
      padding: { pads: [1, 1, 0, 0] },
      output_padding: [2, 1],
    },
    'PyTorch padding 1, output_padding 1': {
      input: [1, 2, 3, 3],
      out_channels: 2,
      kernel: [3, 3],
      strides: 2,
      padding: 1,
      output_padding: 1,
    },
    'PyTorch NHWC batch 2 bias': {
      input: [2, 5, 4, 3],
      layout: 'NHWC',
      out_channels: 2,
      kernel: [4, 3],
      strides: [3, 2],
      bias: true,
      padding: [2, 1],
    },
    'PyTorch 1-D': {
      input: [2, 2, 6],
      out_channels: 3,
      kernel: [5],
      strides: 2,
      bias: true,
      padding: 2,
      output_padding: 1,
    },
    'PyTorch 3-D NDHWC': {
      input: [1, 3, 3, 4, 2],
      layout: 'NDHWC',
      out_channels: 2,
      kernel: [3, 3, 2],
      strides: [2, 2, 1],
      bias: true,
      padding: [1, 2, 0],
    },
  };

  it.each(Object.entries(cases))('%s', async (_name, spec) => {
    const geometry = geometryOf(spec);
    const [expression, ...rest] = expressionsOf(geometry);
    expect(rest).toEqual([]);
    expect(expression?.variant).toBe('valid+crop');
    expect(expression?.emulation).toMatch(/^TF 'valid' computes the full output .*; tconv crops/);
    expect(expression?.call.attributes['pad']).toBe('valid');
    expect(await checkAllVariants(geometry, caseTensors({ name: 't', ...spec }, geometry, 11))).toEqual(['valid+crop']);
  });

  it('says when it appends bias-only rows', () => {
    const [expression] = expressionsOf(geometryOf(cases['ONNX output_shape = full + s (past TF VALID range)']!));
    expect(expression?.emulation).toContain('appends bias-only rows past the full size');
    expect(expression?.call.attributes['crop']).toEqual({ begin: [0, 0], size: [11, 10] });
    expect(expression?.call.attributes['outputShape']).toEqual([1, 9, 9, 2]);
  });
});

describe('groups and dilation (emulations TF lacks)', () => {
  it.each([
    [
      'groups 2, SAME',
      { input: [2, 4, 4, 5], out_channels: 6, group: 2, kernel: [3, 3], strides: 2, bias: true, padding: 'SAME' },
      'same',
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
      'valid+crop',
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
      'valid',
    ],
  ] as const)('%s', async (_name, spec, variant) => {
    const geometry = geometryOf(spec);
    const [expression] = expressionsOf(geometry);
    expect(expression?.emulation).toContain(`per-group emulation: ${geometry.group} TF calls`);
    expect(expression?.call.attributes['calls']).toBe(geometry.group);
    expect(await checkAllVariants(geometry, caseTensors({ name: 't', ...spec }, geometry, 13))).toEqual([variant]);
  });

  it.each([
    [
      'dilation 2, SAME',
      { input: [1, 2, 5, 5], out_channels: 2, kernel: [3, 3], strides: 2, dilations: 2, padding: 'SAME' },
      'same',
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
      'valid+crop',
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
      'valid+crop',
    ],
  ] as const)('%s', async (_name, spec, variant) => {
    const geometry = geometryOf(spec);
    const [expression] = expressionsOf(geometry);
    expect(expression?.emulation).toContain('dilation emulation: d-1 zeros inserted between kernel taps');
    expect(await checkAllVariants(geometry, caseTensors({ name: 't', ...spec }, geometry, 17))).toEqual([variant]);
  });
});

describe('refusals', () => {
  it('throws (does not blame TF) for a variant the geometry does not have', async () => {
    const geometry = geometryOf({
      input: [1, 1, 3, 3],
      out_channels: 1,
      kernel: [3, 3],
      strides: 2,
      padding: { pads: [1, 0, 0, 1] },
    });
    const expression: Expression = {
      variant: 'same',
      call: { op: 'tf.conv2dTranspose', attributes: {}, layouts: {}, shapes: {} },
    };
    await expect(
      tfjsNodeRunner.execute(
        geometry,
        expression,
        caseTensors({ name: 't', input: [1, 1, 3, 3], out_channels: 1, kernel: [3, 3] }, geometry, 1),
      ),
    ).rejects.toThrow(/no variant 'same'/);
  });

  it('throws on tensors that do not fit the geometry', async () => {
    const geometry = geometryOf({ input: [1, 1, 3, 3], out_channels: 1, kernel: [3, 3], strides: 2, padding: 'SAME' });
    const [expression] = expressionsOf(geometry);
    const tensors = { input: new Float32Array(8), weight: new Float32Array(9), bias: null };
    await expect(tfjsNodeRunner.execute(geometry, expression!, tensors)).rejects.toThrow(/input has 8 elements/);
  });
});

/**
 * Where TF's results leave the float32 bound, pinned so a change shows up. Both are TF runtime
 * behaviour, not padding: the reference is right by the definition (sum of x[p]*w[q] over the
 * pairs with t = p*s + q*d, in IEEE float arithmetic).
 */
describe('known divergences (TF runtime, not padding)', () => {
  const spec: Spec = { input: [1, 1, 3], out_channels: 1, kernel: [2], strides: 2, padding: 'VALID' };

  async function run(
    input: number[],
    weight: number[],
    variant = 'valid',
    extra: Partial<Spec> = {},
  ): Promise<number[]> {
    const geometry = geometryOf({ ...spec, ...extra });
    const expression = expressionsOf(geometry).find((e) => e.variant === variant)!;
    const result = await tfjsNodeRunner.execute(geometry, expression, {
      input: Float32Array.from(input),
      weight: Float32Array.from(weight),
      bias: null,
    });
    if (result.status !== 'ok') throw new Error(result.message);
    return [...result.output];
  }

  // tensorflow/core/common_runtime/eager/kernel_and_device.cc, KernelAndDeviceOp::Run:
  // `port::ScopedFlushDenormal flush;` around every eager kernel (FTZ + DAZ on x86).
  it('TF flushes subnormal inputs to zero (DAZ): w = 1e-40 times x = 1e10 gives 0, not 1e-30', async () => {
    expect(await run([1e10, 1e10, 1], [1e-40, 1])).toEqual([0, 1e10, 0, 1e10, 0, 1]);
  });

  // With oneDNN (TF's default on x86), a non-finite weight tap meets an implicit zero (the stride
  // gap or the border) and gives NaN where the definition has no such product; TF's Eigen kernel
  // (TF_ENABLE_ONEDNN_OPTS=0) gives 3.
  it('oneDNN: an Inf weight makes NaN at an output no finite pair makes non-finite', async () => {
    const output = await run([1, 2, 3], [Infinity, 1, 1], 'valid', { kernel: [3] });
    expect(output.slice(0, 6)).toEqual([Infinity, 1, Infinity, 2, Infinity, 3]);
    expect(output[6]).toBe(process.env['TF_ENABLE_ONEDNN_OPTS'] === '0' ? 3 : Number.NaN);
  });

  it('the dilation emulation is exact for finite inputs only (labelled): Inf x inserted zero = NaN', async () => {
    const output = await run([Infinity, 2, 3], [1, 1], 'valid', { strides: 1, dilations: 3 });
    expect(output).toEqual([Infinity, Number.NaN, Number.NaN, Infinity, 2, 3]);
  });
});

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

describe('random geometries', () => {
  it('every variant of any crop matches the reference', async () => {
    await fc.assert(
      fc.asyncProperty(geometryArbitrary(), seedArbitrary, async (geometry, seed) => {
        await checkAllVariants(geometry, seededTensors(geometry, seed));
      }),
      { numRuns: 300 },
    );
  });

  it("TF-convention cases run natively ('same' / 'valid') and match the reference", async () => {
    await fc.assert(
      fc.asyncProperty(tfSpecArbitrary, seedArbitrary, async (spec, seed) => {
        const geometry = geometryOf(spec);
        const variants = await checkAllVariants(geometry, seededTensors(geometry, seed));
        expect(variants).toContain((spec.padding as string).toLowerCase());
        expect(variants).not.toContain('valid+crop');
      }),
      { numRuns: 300 },
    );
  });
});
