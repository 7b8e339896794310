/**
 * The tfjs-wasm runner against TensorFlow.js's real WebAssembly backend in Node (single-threaded,
 * the .wasm binary shipped in the npm package): every variant of each geometry must reproduce the
 * float64 reference within the float32 error bound. Its Conv2DBackpropInput reads the pads
 * through the same tfjs-core conv_util as the CPU backend, so the variants are tfjs-cpu's.
 * Where tfjs-wasm disagrees with the reference, the case is pinned in KNOWN_DIVERGENCES below with
 * the reason (tfjs source), never by a looser tolerance. Backend-independent checks of tconv's own
 * code (the pad mapping, validation before calling) are in runner-tfjs-cpu.test.ts.
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
import { planTfjsCalls } from '../runners/tfjs/calls.js';
import { tfjsForwardSize } from '../runners/tfjs/pads.js';
import { tfjsWasmRunner } from '../runners/tfjs-wasm.js';
import type { ExecuteResult, Expression } from '../runners/types.js';
import { geometryArbitrary, seedArbitrary, seededTensors } from './helpers/referenceArbitraries.js';

type Spec = Omit<CaseSpec, 'name'>;
const runner = tfjsWasmRunner;

function geometryOf(spec: Spec): ConvTransposeGeometry {
  const result = resolveGeometry({ name: 'tfjs-wasm', ...spec });
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

/** C++ integer division (truncation) and the kernel's DivCeil / DivFloor (conv3d_impl.h). */
const cDiv = (a: number, b: number): number => Math.trunc(a / b);
const divCeil = (a: number, b: number): number => cDiv(a, b) + (a % b !== 0 ? 1 : 0);

/**
 * The input positions y (along one axis) that contribute to output x, as wasm's
 * NDHWCConv3DBackpropInputV2Impl loops over them and as the CPU kernel (and the definition) do.
 * pad is tfjs's front/top/left pad (conv_util), k the kernel tfjs receives, i = x's size.
 */
function contributors(
  x: number,
  k: number,
  s: number,
  i: number,
  pad: number,
  axis: 'depth' | 'row',
): [number[], number[]] {
  const corner = x - (k - 1 - pad);
  const range = (low: number, high: number): number[] => {
    const ys: number[] = [];
    for (let y = low; y < high; y++) ys.push(y);
    return ys;
  };
  const wasmHigh = Math.min(i, axis === 'depth' ? cDiv(k, s) : cDiv(k + corner, s));
  return [
    range(Math.max(0, divCeil(corner, s)), wasmHigh),
    range(Math.max(0, Math.ceil(corner / s)), Math.min(i, (k + corner) / s)),
  ];
}

/** Whether wasm's 3-D loop bounds differ from the CPU kernel's on some axis of the planned call. */
function wasm3dBoundsDiffer(g: ConvTransposeGeometry, variant: string): boolean {
  const planned = planTfjsCalls(g);
  const call = 'plans' in planned ? planned.plans.find((plan) => plan.variant === variant) : undefined;
  if (call?.op !== 'conv3dTranspose') return false;
  return [0, 1, 2].some((a) => {
    const [i, k, s, o] = [call.xShape[a + 1]!, call.filterShape[a]!, call.strides[a]!, call.outputShape[a + 1]!];
    // conv_util get3DPadAndOutInfo: 'valid' is pad 0; 'same' floor(padAlong / 2), unclamped.
    const pad = call.pad === 'same' ? Math.floor(((Math.ceil(o / s) - 1) * s + k - o) / 2) : 0;
    // Only the outputs tconv keeps matter ('valid+crop' drops the rest of TF's full output).
    const first = call.crop?.begin[a] ?? 0;
    const count = Math.min(o - first, call.crop?.size[a] ?? o);
    return Array.from({ length: count }, (_, x) => first + x).some((x) => {
      const [wasm, cpu] = contributors(x, k, s, i, pad, a === 0 ? 'depth' : 'row');
      return wasm.join() !== cpu.join();
    });
  });
}

/**
 * Where tfjs-wasm leaves the float32 bound: tfjs-cpu's two tfjs-core bugs (same conv_util), and
 * the wasm kernel of tf.conv3dTranspose. The reference is right by the definition
 * (y[j] = full[j + begin]); TF and tfjs-cpu compute it (see the tests below).
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
      'tfjs-core conv_util getPadAndOutInfo, numeric pad: computeOutputShape2D([inHeight, inWidth], filterHeight, strideHeight, pad) computes the forward WIDTH with the filter height and stride height, so Conv2DBackpropInput reads trunc((o_w + 2p - k_h)/s_h + 1) columns of x instead of i_w: extra columns wrap into the next row (other wasm heap data past the end of x), missing ones are ignored. Explicit pads with the same numbers are right.',
    link: 'https://github.com/tensorflow/tfjs/issues/649 (tfjs-core/src/ops/conv_util.ts, getPadAndOutInfo)',
  },
  {
    name: "3-D 'same' where the output runs past full (k_eff < s)",
    applies: (g, variant) =>
      variant === 'same' && g.rank === 3 && g.axes.some((axis) => axis.outputSize > axis.fullSize),
    reason:
      "tfjs-core conv_util get3DPadAndOutInfo, 'same': padAlong = (ceil(o/s) - 1)*s + k - o has no max(0, ...) (the 2-D getPadAndOutInfo and TF have it, tensorflow/tensorflow#1991), so for o > full the front/top/left pad is floor((full - o)/2) < 0 and the output is shifted towards the end (tfjs-cpu: y[j] = full[j + floor((full - o)/2)]).",
    link: 'tfjs-core/src/ops/conv_util.ts, get3DPadAndOutInfo',
  },
  {
    name: 'wasm tf.conv3dTranspose loop bounds (Conv3DBackpropInputV2)',
    applies: wasm3dBoundsDiffer,
    reason:
      "tfjs-backend-wasm src/cc/conv3d_impl.h, NDHWCConv3DBackpropInputV2Impl, which was meant to follow the CPU kernel: (1) the depth bound is yf_max = min(out_depth, DivFloor(filter_depth, stride_depth)), without the + xf_corner the row and column bounds have, so deeper slices get no input and shallow ones read filter taps outside the filter (filter_depth - 1 - wf < 0: other heap memory, so such an output can even come out right when that memory holds zeros); (2) rows/columns stop at DivFloor(k + corner, s) exclusive where the CPU kernel stops below the real (k + corner)/s, dropping the last input when (k + corner) % s != 0; (3) DivCeil(a, b) = a/b + (a % b != 0) is ceil only for a >= 0 (C++ truncates): for a in (-s, 0) it gives 1, dropping input 0. Only calls where these bounds agree with the CPU kernel's on every axis (e.g. depth 1 with k_d = 1 and stride 1 on H and W) are right.",
    link: 'https://github.com/tensorflow/tfjs/blob/master/tfjs-backend-wasm/src/cc/conv3d_impl.h',
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
  return checkAllVariants(geometry, caseTensors({ name: 'tfjs-wasm', ...spec }, geometry, seed));
}

async function runVariant(geometry: ConvTransposeGeometry, variant: string, tensors: CaseTensors): Promise<number[]> {
  const expression = expressionsOf(geometry).find((e) => e.variant === variant);
  if (!expression) throw new Error(`no variant ${variant}`);
  const result = await runner.execute(geometry, expression, tensors);
  if (result.status !== 'ok') throw new Error(result.message);
  return [...result.output];
}

/** tfjs-core as the runner loaded it (same module instance, 'wasm' backend). */
async function tfjs(): Promise<typeof tfc> {
  const module = await import('@tensorflow/tfjs-core');
  return (module.default as typeof tfc | undefined) ?? module;
}

let version = '';
beforeAll(async () => {
  version = await runner.load();
});

describe('load', () => {
  it('reports the tfjs-wasm version, one thread, and runs on the wasm backend', async () => {
    expect(version).toMatch(/^tfjs-wasm 4\.22\.0 \(1 thread(, SIMD)?\)$/);
    expect(runner.isolated).toBe(true);
    expect((await tfjs()).getBackend()).toBe('wasm');
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

  // Depth 1 with a 1-tap depth kernel and stride 1 on H and W: the only 3-D calls whose loop bounds
  // in the wasm kernel agree with the CPU kernel's (known divergences below for the rest).
  it.each(['NCDHW', 'NDHWC'] as const)(
    '3-D (%s) with tf.conv3dTranspose, where the wasm kernel is right',
    async (layout) => {
      const input = layout === 'NCDHW' ? [2, 2, 1, 4, 3] : [2, 1, 4, 3, 2];
      const spec: Spec = {
        input,
        layout,
        out_channels: 3,
        kernel: [1, 3, 2],
        strides: 1,
        bias: true,
        padding: 'VALID',
      };
      const geometry = geometryOf(spec);
      expect(expressionsOf(geometry)[0]?.call.op).toBe('tf.conv3dTranspose');
      expect(knownDivergence(geometry, 'valid')).toBeUndefined();
      expect(await checkAllVariants(geometry, caseTensors({ name: 't', ...spec }, geometry, 5))).toEqual(['valid']);
    },
  );

  it.each(['NCDHW', 'NDHWC'] as const)('3-D (%s) SAME with k >= s diverges (wasm conv3d kernel)', async (layout) => {
    const input = layout === 'NCDHW' ? [1, 2, 3, 4, 3] : [1, 3, 4, 3, 2];
    const spec: Spec = {
      input,
      layout,
      out_channels: 3,
      kernel: [2, 3, 3],
      strides: [2, 1, 3],
      bias: true,
      padding: 'SAME',
    };
    const geometry = geometryOf(spec);
    expect(knownDivergence(geometry, 'same')).toBe(KNOWN_DIVERGENCES[2]);
    expect(await checkAllVariants(geometry, caseTensors({ name: 't', ...spec }, geometry, 5))).toEqual(['same']);
  });

  it('3-D VALID with slack diverges (wasm conv3d kernel)', async () => {
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
});

/**
 * The trap, as on tfjs-cpu: tfjs's conv2dTranspose takes any outputShape (conv_util derives the
 * rows of x to read from it and never compares with x; TF rejects). Where tfjs-cpu reads past x's
 * JS array (NaN), the wasm kernel reads past x's buffer into the wasm heap: other tensors' data
 * or allocator words, different from call to call. Probed through the tfjs API.
 */
describe('tfjs-wasm does not check outputShape against x (probed through the tfjs API)', () => {
  const x = [1, 2, 3, 4]; // TF's doc example: 2x2 input, 3x3 ones, stride 2 (full 5x5)
  async function transpose(outputSize: number, pad: 'same' | 'valid'): Promise<number[]> {
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

  it('SAME, o = 2 and VALID, o = 3 (TF rejects): no error; only x[0][0] is read', async () => {
    expect(await transpose(2, 'same')).toEqual([1, 1, 1, 1]);
    expect(await transpose(3, 'valid')).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('SAME, o = 7 (TF rejects): no error; rows wrap, then heap contents past x (not NaN)', async () => {
    const y = await transpose(7, 'same');
    expect(y).toHaveLength(49);
    expect(y.slice(0, 7)).toEqual([1, 3, 2, 5, 3, 7, 4]); // as tfjs-cpu: x "[0][2]" is x[1][0], ...
    expect(y.some(Number.isNaN)).toBe(false);
  });
});

describe('known divergences (tfjs bugs, not arithmetic; the reference is right)', () => {
  it('every entry names a source and a reason', () => {
    for (const divergence of KNOWN_DIVERGENCES) {
      expect(divergence.reason.length, divergence.name).toBeGreaterThan(80);
      expect(divergence.link, divergence.name).toMatch(/conv_util|conv3d_impl/);
    }
  });

  // As on tfjs-cpu: x 4x3 = [1..12], kernel 1x3 of ones, PyTorch padding 1, o = 2x3. tfjs reads
  // trunc((3 + 2 - 1)/1 + 1) = 5 columns (k_h = 1 used for the width), all inside x here.
  describe(KNOWN_DIVERGENCES[0]!.name, () => {
    const geometry = geometryOf({
      input: [1, 4, 3, 1],
      layout: 'NHWC',
      out_channels: 1,
      kernel: [1, 3],
      strides: 1,
      padding: 1,
    });
    const tensors = {
      input: Float32Array.from({ length: 12 }, (_, i) => i + 1),
      weight: new Float32Array(3).fill(1),
      bias: null,
    };

    it('pad = 1 reads 5 columns of a 3-column x; explicit pads are right', async () => {
      expect(knownDivergence(geometry, 'numeric-pad')).toBe(KNOWN_DIVERGENCES[0]);
      expect(await runVariant(geometry, 'numeric-pad', tensors)).toEqual([9, 15, 18, 15, 24, 27]);
      expect([...convTransposeReference(geometry, tensors).output]).toEqual([9, 15, 11, 15, 24, 17]);
      expect(await runVariant(geometry, 'explicit-pads', tensors)).toEqual([9, 15, 11, 15, 24, 17]);
    });
  });

  describe(KNOWN_DIVERGENCES[2]!.name, () => {
    async function conv3d(
      x: number[],
      xShape: [number, number, number, number, number],
      w: number[],
      wShape: [number, number, number, number, number],
      outputShape: [number, number, number, number, number],
      strides: [number, number, number],
    ): Promise<number[]> {
      const tf = await tfjs();
      const y = tf.conv3dTranspose(tf.tensor5d(x, xShape), tf.tensor5d(w, wShape), outputShape, strides, 'valid');
      try {
        return [...y.dataSync()];
      } finally {
        y.dispose();
      }
    }

    it('(1) depth: x [1, 2] along D, 1-tap kernel, stride 1: the second slice gets nothing', async () => {
      // yf_max = min(2, DivFloor(1, 1)) = 1 for every output slice; output slice 1 needs yf = 1.
      expect(await conv3d([1, 2], [1, 2, 1, 1, 1], [1], [1, 1, 1, 1, 1], [1, 2, 1, 1, 1], [1, 1, 1])).toEqual([1, 0]);
    });

    it('(2, 3) rows and columns: x [1, 2], kernel [1, 2, 3], stride 2 (full [1, 2, 5, 4, 6])', async () => {
      // y[0], y[1]: DivCeil(-2, 2) = -1 but DivCeil(-1, 2) = 1 and DivFloor(1, 2) = 0: no input;
      // y[2]: DivFloor(3, 2) = 1 stops before x[1]. Same along H (and D has bug 1 on top).
      const expected = [1, 2, 5, 4, 6];
      const wrong = [0, 0, 3, 4, 6];
      expect(await conv3d([1, 2], [1, 1, 1, 2, 1], [1, 2, 3], [1, 1, 3, 1, 1], [1, 1, 1, 5, 1], [1, 1, 2])).toEqual(
        wrong,
      );
      expect(await conv3d([1, 2], [1, 1, 2, 1, 1], [1, 2, 3], [1, 3, 1, 1, 1], [1, 1, 5, 1, 1], [1, 2, 1])).toEqual(
        wrong,
      );
      // tfjs-cpu's kernel and stride 1 (no remainder) give the definition.
      expect(await conv3d([1, 2], [1, 1, 1, 2, 1], [1, 2, 3], [1, 1, 3, 1, 1], [1, 1, 1, 4, 1], [1, 1, 1])).toEqual([
        1, 4, 7, 6,
      ]);
      expect(expected).toEqual([1, 1 * 2, 1 * 3 + 2 * 1, 2 * 2, 2 * 3]);
    });

    it('the model of the bounds picks out every bundled-style 3-D geometry', () => {
      const specs: Spec[] = [
        { input: [1, 2, 3, 4, 3], out_channels: 3, kernel: [2, 3, 2], strides: [2, 1, 3], padding: 'SAME' },
        { input: [1, 2, 2, 3, 2], out_channels: 2, kernel: [2, 2, 3], strides: [3, 2, 2], padding: 'VALID' },
        {
          input: [1, 3, 3, 4, 2],
          layout: 'NDHWC',
          out_channels: 2,
          kernel: [3, 3, 2],
          strides: [2, 2, 1],
          padding: [1, 2, 0],
        },
      ];
      for (const spec of specs) {
        const geometry = geometryOf(spec);
        for (const expression of expressionsOf(geometry))
          expect(knownDivergence(geometry, expression.variant)).toBeDefined();
      }
    });
  });
});

/** Where TF (tfjs-node) leaves the reference, the wasm kernel (float32, IEEE subnormals) agrees with it. */
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
    const output = await run([1e10, 1e10, 1], [1e-40, 1]);
    expect(output).toEqual([expect.any(Number), 1e10, expect.any(Number), 1e10, w0, 1]);
    // float32 multiply in wasm: within one rounding of the exact product (reference-bound).
    expect(Math.abs(output[0]! - 1e10 * w0)).toBeLessThanOrEqual(1e10 * w0 * 2 ** -23);
    expect(output[2]).toBe(output[0]);
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
