import { afterAll, describe, expect, it } from 'vitest';
import { buildGeometry, type AxisCrop } from '../src/geometry/build.js';
import type { ConvTransposeGeometry, LayoutName } from '../src/geometry/types.js';
import {
  convTransposeReference,
  convTransposeReferenceParallel,
  DEFAULT_MIN_PARALLEL_WORK,
  DEFAULT_MIN_PARALLEL_WORK_SIMD,
  float32ErrorBound,
  float32Gamma,
  multiplyAddCount,
  shutdownReferenceWorkers,
} from '../src/reference/index.js';
import { channelsLastToFirst } from '../src/layout.js';
import { referenceWorkerTasks } from '../src/reference/workers.js';
import { seededTensors } from './helpers/referenceArbitraries.js';
import { zeroInsertionTransposedConvolution } from './helpers/transposeOracles.js';

afterAll(() => shutdownReferenceWorkers());

type SquareCrop = Omit<AxisCrop, 'outputPadding' | 'dilation'> & { readonly dilation?: number };

/** The same crop on both axes (dilation 1 unless given, no output_padding). */
function square(crop: SquareCrop): AxisCrop[] {
  return [0, 1].map(() => ({ dilation: 1, ...crop, outputPadding: 0 }));
}

/** One channel in and out, no bias, the same crop on both axes. */
function singleChannel(layout: LayoutName, crop: SquareCrop): ConvTransposeGeometry {
  return buildGeometry({
    layout,
    batch: 1,
    inChannels: 1,
    outChannels: 1,
    group: 1,
    hasBias: false,
    axes: square(crop),
    convention: {
      kind: 'tf',
      padding: 'SAME',
      outputShape: null,
      outputPadding: null,
    },
  });
}

describe('hand examples', () => {
  it('TF SAME, 2x2 input, 3x3 ones, stride 2, output 4x4 (begin 0, end crop 1)', () => {
    const geometry = singleChannel('NHWC', { inputSize: 2, kernelSize: 3, stride: 2, beginCrop: 0, outputSize: 4 });
    expect(geometry.axes[0]!.endCrop).toBe(1);
    const tensors = {
      input: Float32Array.of(1, 2, 3, 4),
      weight: new Float32Array(9).fill(1),
      bias: null,
    };
    const { output } = convTransposeReference(geometry, tensors);
    expect([...output]).toEqual([1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4]);
  });

  const torchInput = Float32Array.of(0, 1, 2, 3);
  const torchKernel = Float32Array.of(4, 7, 2, 2);

  it('PyTorch stride 1, padding 0', () => {
    const geometry = singleChannel('NCHW', { inputSize: 2, kernelSize: 2, stride: 1, beginCrop: 0, outputSize: 3 });
    const result = convTransposeReference(geometry, {
      input: torchInput,
      weight: torchKernel,
      bias: null,
    });
    expect([...result.output]).toEqual([0, 4, 7, 8, 28, 23, 4, 10, 6]);
    expect([...result.termCount]).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    expect([...result.absSum]).toEqual([0, 4, 7, 8, 28, 23, 4, 10, 6]);
  });

  it('PyTorch stride 1, padding 1', () => {
    const geometry = singleChannel('NCHW', { inputSize: 2, kernelSize: 2, stride: 1, beginCrop: 1, outputSize: 1 });
    const tensors = { input: torchInput, weight: torchKernel, bias: null };
    expect([...convTransposeReference(geometry, tensors).output]).toEqual([28]);
  });

  it('1-D, groups, dilation, bias, zero rows past the full output', () => {
    // x = [[1, 2], [3, 4]] (2 channels, 2 groups), k = 2, s = 3, d = 2: full length 6.
    const geometry = buildGeometry({
      layout: 'NCW',
      batch: 1,
      inChannels: 2,
      outChannels: 2,
      group: 2,
      hasBias: true,
      axes: [
        {
          inputSize: 2,
          kernelSize: 2,
          stride: 3,
          dilation: 2,
          beginCrop: 1,
          outputSize: 6,
          outputPadding: 1,
        },
      ],
      convention: {
        kind: 'torch',
        padding: [1],
        outputPadding: [1],
        outputSize: null,
      },
    });
    const tensors = {
      input: Float32Array.of(1, 2, 3, 4),
      weight: Float32Array.of(10, 100, -1, 1), // w[0, 0, :] = [10, 100], w[1, 0, :] = [-1, 1]
      bias: Float32Array.of(0.5, -0.5),
    };
    // full channel 0: t=0: 10, t=2: 100, t=3: 20, t=5: 200; channel 1: -3, 3, -4, 4 at the same t.
    const { output, termCount } = convTransposeReference(geometry, tensors);
    expect([...output]).toEqual([0.5, 100.5, 20.5, 0.5, 200.5, 0.5, -0.5, 2.5, -4.5, -0.5, 3.5, -0.5]);
    expect([...termCount]).toEqual([1, 2, 2, 1, 2, 1, 1, 2, 2, 1, 2, 1]);
  });
});

describe('a realistic layer (several channel blocks, long channel loops)', () => {
  for (const layout of ['NCHW', 'NHWC'] as const) {
    it(`matches the zero-insertion oracle, ${layout}, 2 groups of 16 -> 10`, () => {
      const geometry = buildGeometry({
        layout,
        batch: 1,
        inChannels: 32,
        outChannels: 20,
        group: 2,
        hasBias: true,
        axes: [
          { inputSize: 7, kernelSize: 4, stride: 2, dilation: 1, beginCrop: 1, outputSize: 15, outputPadding: 1 },
          { inputSize: 9, kernelSize: 3, stride: 3, dilation: 2, beginCrop: 2, outputSize: 26, outputPadding: 0 },
        ],
        convention: { kind: 'torch', padding: [1, 2], outputPadding: [1, 0], outputSize: null },
      });
      const tensors = seededTensors(geometry, 5);
      const input = layout === 'NHWC' ? channelsLastToFirst(tensors.input, 1, 32) : tensors.input;
      const expected = zeroInsertionTransposedConvolution(geometry, input, tensors.weight, tensors.bias);
      const result = convTransposeReference(geometry, tensors);
      const actual = layout === 'NHWC' ? channelsLastToFirst(result.output, 1, 20) : result.output;
      const absSum = layout === 'NHWC' ? channelsLastToFirst(result.absSum, 1, 20) : result.absSum;
      expected.forEach((value, index) => {
        expect(Math.abs(actual[index]! - value)).toBeLessThanOrEqual(1e-12 * absSum[index]!);
      });
    });
  }
});

describe('API', () => {
  const dcganLike = buildGeometry({
    layout: 'NCHW',
    batch: 1,
    inChannels: 64,
    outChannels: 64,
    group: 1,
    hasBias: true,
    axes: square({
      inputSize: 16,
      kernelSize: 4,
      stride: 2,
      beginCrop: 1,
      outputSize: 32,
    }),
    convention: {
      kind: 'torch',
      padding: [1, 1],
      outputPadding: [0, 0],
      outputSize: null,
    },
  });

  it('withBounds: false returns the output alone, equal to the full result', () => {
    const tensors = seededTensors(dcganLike, 7);
    const full = convTransposeReference(dcganLike, tensors);
    const bare = convTransposeReference(dcganLike, tensors, {
      withBounds: false,
    });
    expect(Object.keys(bare)).toEqual(['output']);
    expect(bare.output).toEqual(full.output);
  });

  it('the parallel entry takes the worker path above the default threshold, bit-identical', async () => {
    // Both passes (values and bounds) count; above the thresholds of both kernels.
    const threshold = Math.max(DEFAULT_MIN_PARALLEL_WORK, DEFAULT_MIN_PARALLEL_WORK_SIMD);
    expect(2 * multiplyAddCount(dcganLike)).toBeGreaterThan(threshold);
    const tensors = seededTensors(dcganLike, 11);
    const sync = convTransposeReference(dcganLike, tensors);
    const tasksBefore = referenceWorkerTasks();
    const parallel = await convTransposeReferenceParallel(dcganLike, tensors);
    expect(referenceWorkerTasks()).toBeGreaterThan(tasksBefore); // the workers ran
    expect(Buffer.from(parallel.output.buffer).equals(Buffer.from(sync.output.buffer))).toBe(true);
    expect(Buffer.from(parallel.absSum.buffer).equals(Buffer.from(sync.absSum.buffer))).toBe(true);
    expect(parallel.termCount).toEqual(sync.termCount);
  });

  it('rejects tensors of the wrong size', () => {
    const tensors = seededTensors(dcganLike, 3);
    expect(() =>
      convTransposeReference(dcganLike, {
        ...tensors,
        input: tensors.input.subarray(1),
      }),
    ).toThrow(/input has/);
    expect(() => convTransposeReference(dcganLike, { ...tensors, bias: null })).toThrow(/bias/);
  });

  it('float32ErrorBound grows with the term count and is infinite once n*u >= 1', () => {
    expect(float32Gamma(1)).toBe(2 ** -24 / (1 - 2 ** -24));
    expect(float32ErrorBound(10, 1, 0)).toBeGreaterThan(float32ErrorBound(1, 1, 0));
    expect(float32Gamma(2 ** 24)).toBe(Number.POSITIVE_INFINITY);
  });
});
