/**
 * The tfjs-cpu runner against TensorFlow.js's real pure-JavaScript CPU backend: every variant of
 * each geometry must reproduce the float64 reference within the float32 error bound. Native
 * variants ('same' / 'valid') exercise tfjs's copy of TF's padding rule, 'explicit-pads' and
 * 'numeric-pad' tfjs's own pads (which tfjs-node rejects), 'valid+crop', groups and dilation
 * tconv's labelled emulations. Where tfjs-cpu disagrees with the reference, the case is pinned in
 * KNOWN_DIVERGENCES below with the reason (tfjs-core source), never by a looser tolerance.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseTensors } from '../src/data/tensors.js';
import { convTransposeReference } from '../src/reference/index.js';
import { tfjsCpuRunner } from '../runners/tfjs-cpu.js';
import { planTfjsCalls, type TfjsCallPlan } from '../runners/tfjs/calls.js';
import { runTfjsCalls } from '../runners/tfjs/execute.js';
import { tfjsForwardSize, tfjsPadSpelling } from '../runners/tfjs/pads.js';
import { RefusedCall, tfCallProblem, tfjsPadProblem } from '../runners/tfjs/validate.js';
import { resultOutOfBound, type Spec } from './helpers/runnerChecks.js';
import {
  conv3dPastFullSpec,
  conv3dSameDivergence,
  describeTfjsBackendRunner,
  numericPadDivergence,
  probeConv2dTranspose,
  REFUSAL_SPEC,
  TFJS_CROP_CASES,
  tfjsCore as tfjs,
  type KnownDivergence,
} from './helpers/tfjsRunnerSuite.js';

const runner = tfjsCpuRunner;

// ---------------------------------------------------------------- known divergences

/**
 * Where tfjs-cpu leaves the float32 bound. Both are tfjs-core shape/padding bugs, not arithmetic:
 * the reference is right by the definition (y[j] = full[j + begin]), TF computes it too, and the
 * same geometry through another tfjs variant matches (see the tests below).
 */
const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [
  numericPadDivergence('NaN'),
  conv3dSameDivergence(
    'Conv3DBackpropInputV2 returns y[j] = full[j + floor((full - o)/2)] (shifted towards the end) where TF and the reference give full[j]',
  ),
];

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

const { geometryOf, expressionsOf, knownDivergence, runVariant, runOneDimensional } = describeTfjsBackendRunner({
  runner,
  tfjsPads: true,
  divergences: KNOWN_DIVERGENCES,
  framework: 'tfjs',
});

describe("crops TF cannot express: 'valid+crop' emulation and tfjs's own pads", () => {
  const cases = TFJS_CROP_CASES;

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

describe('refusals', () => {
  const geometry = geometryOf(REFUSAL_SPEC);
  const tensors = caseTensors({ name: 't', ...REFUSAL_SPEC }, geometry, 1);

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
  const transpose = probeConv2dTranspose;

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
      const spec = conv3dPastFullSpec('NCDHW');
      const tfGeometry = geometryOf(spec);
      const tfTensors = caseTensors({ name: 't', ...spec }, tfGeometry, 5);
      expect(knownDivergence(tfGeometry, 'same')).toBe(KNOWN_DIVERGENCES[1]);
      const [same] = expressionsOf(tfGeometry);
      expect(resultOutOfBound(tfGeometry, tfTensors, await runner.execute(tfGeometry, same!, tfTensors))).not.toEqual(
        [],
      );
    });
  });
});

/** Where TF (tfjs-node) leaves the reference, the pure-JS kernel agrees with it. */
describe('agreement where TF diverges', () => {
  const run = runOneDimensional;

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
