/**
 * The tfjs-wasm runner against TensorFlow.js's real WebAssembly backend in Node (single-threaded,
 * the .wasm binary shipped in the npm package): every variant of each geometry must reproduce the
 * float64 reference within the float32 error bound. Its Conv2DBackpropInput reads the pads
 * through the same tfjs-core conv_util as the CPU backend, so the variants are tfjs-cpu's.
 * Where tfjs-wasm disagrees with the reference, the case is pinned in KNOWN_DIVERGENCES below with
 * the reason (tfjs source), never by a looser tolerance. Backend-independent checks of tconv's own
 * code (the pad mapping, validation before calling) are in runner-tfjs-cpu.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { convTransposeReference } from '../src/reference/index.js';
import { planTfjsCalls } from '../runners/tfjs/calls.js';
import { tfjsWasmRunner } from '../runners/tfjs-wasm.js';
import type { Spec } from './helpers/runnerChecks.js';
import {
  conv3dDepthOneSpec,
  conv3dSameDivergence,
  conv3dSameSpec,
  describeTfjsBackendRunner,
  numericPadDivergence,
  probeConv2dTranspose,
  tfjsCore as tfjs,
  type KnownDivergence,
} from './helpers/tfjsRunnerSuite.js';

const runner = tfjsWasmRunner;

// ---------------------------------------------------------------- known divergences

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
  numericPadDivergence('other wasm heap data'),
  conv3dSameDivergence('the output is shifted towards the end (tfjs-cpu: y[j] = full[j + floor((full - o)/2)])'),
  {
    name: 'wasm tf.conv3dTranspose loop bounds (Conv3DBackpropInputV2)',
    applies: wasm3dBoundsDiffer,
    reason:
      "tfjs-backend-wasm src/cc/conv3d_impl.h, NDHWCConv3DBackpropInputV2Impl, which was meant to follow the CPU kernel: (1) the depth bound is yf_max = min(out_depth, DivFloor(filter_depth, stride_depth)), without the + xf_corner the row and column bounds have, so deeper slices get no input and shallow ones read filter taps outside the filter (filter_depth - 1 - wf < 0: other heap memory, so such an output can even come out right when that memory holds zeros); (2) rows/columns stop at DivFloor(k + corner, s) exclusive where the CPU kernel stops below the real (k + corner)/s, dropping the last input when (k + corner) % s != 0; (3) DivCeil(a, b) = a/b + (a % b != 0) is ceil only for a >= 0 (C++ truncates): for a in (-s, 0) it gives 1, dropping input 0. Only calls where these bounds agree with the CPU kernel's on every axis (e.g. depth 1 with k_d = 1 and stride 1 on H and W) are right.",
    link: 'https://github.com/tensorflow/tfjs/blob/master/tfjs-backend-wasm/src/cc/conv3d_impl.h',
  },
];

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

const { geometryOf, expressionsOf, knownDivergence, checkSpec, runVariant, runOneDimensional } =
  describeTfjsBackendRunner({ runner, tfjsPads: true, divergences: KNOWN_DIVERGENCES, framework: 'tfjs' });

describe("TF's own padding (native variants) and tfjs's explicit pads", () => {
  // Depth 1 with a 1-tap depth kernel and stride 1 on H and W: the only 3-D calls whose loop bounds
  // in the wasm kernel agree with the CPU kernel's (known divergences below for the rest).
  it.each(['NCDHW', 'NDHWC'] as const)(
    '3-D (%s) with tf.conv3dTranspose, where the wasm kernel is right',
    async (layout) => {
      const spec = conv3dDepthOneSpec(layout);
      const geometry = geometryOf(spec);
      expect(expressionsOf(geometry)[0]?.call.op).toBe('tf.conv3dTranspose');
      expect(knownDivergence(geometry, 'valid')).toBeUndefined();
      expect(await checkSpec(spec, 5)).toEqual(['valid']);
    },
  );

  it.each(['NCDHW', 'NDHWC'] as const)('3-D (%s) SAME with k >= s diverges (wasm conv3d kernel)', async (layout) => {
    const spec = conv3dSameSpec(layout);
    const geometry = geometryOf(spec);
    expect(knownDivergence(geometry, 'same')).toBe(KNOWN_DIVERGENCES[2]);
    expect(await checkSpec(spec, 5)).toEqual(['same']);
  });
});

/**
 * The trap, as on tfjs-cpu: tfjs's conv2dTranspose takes any outputShape (conv_util derives the
 * rows of x to read from it and never compares with x; TF rejects). Where tfjs-cpu reads past x's
 * JS array (NaN), the wasm kernel reads past x's buffer into the wasm heap: other tensors' data
 * or allocator words, different from call to call. Probed through the tfjs API.
 */
describe('tfjs-wasm does not check outputShape against x (probed through the tfjs API)', () => {
  const transpose = probeConv2dTranspose; // TF's doc example: 2x2 input, 3x3 ones, stride 2 (full 5x5)

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
  const run = runOneDimensional;

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
