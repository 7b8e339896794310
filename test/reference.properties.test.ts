/**
 * Properties of the reference over random valid geometries (rank 1-3, batch, groups with
 * M/group > 1, kernel 1-4, stride 1-3, dilation 1-3, any crop incl. zero rows, both layouts,
 * with and without bias), each checked against an oracle written independently in test/helpers.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import {
  convTransposeReference,
  convTransposeReferenceParallel,
  float32ErrorBound,
  shutdownReferenceWorkers,
  type ReferenceResult,
} from '../src/reference/index.js';
import { referenceWorkerTasks } from '../src/reference/workers.js';
import type { CaseTensors } from '../src/tensor.js';
import { channelsFirstToLast, channelsLastToFirst } from '../src/layout.js';
import {
  geometryArbitrary,
  seedArbitrary,
  seededRandom,
  seededTensors,
  withChannelsLast,
} from './helpers/referenceArbitraries.js';
import {
  naiveFloat32Scatter,
  naiveForwardConvolution,
  zeroInsertionTransposedConvolution,
} from './helpers/transposeOracles.js';

afterAll(() => shutdownReferenceWorkers());

const RUNS = 300;
const TIMEOUT_MS = 20_000;
/** Two float64 summations of the same <= ~1e4 terms differ by far less than this * sum|terms|. */
const FLOAT64_RELATIVE = 1e-12;

const cases = fc.tuple(geometryArbitrary(), seedArbitrary);

/** The case's input as channels-first, whatever its layout. */
function inputChannelsFirst(geometry: ConvTransposeGeometry, tensors: CaseTensors): Float32Array {
  if (!geometry.channelsLast) return tensors.input;
  return channelsLastToFirst(tensors.input, geometry.batch, geometry.inChannels);
}

/** A reference result array (layout order) as channels-first. */
function outputChannelsFirst<T extends Float64Array | Uint32Array>(geometry: ConvTransposeGeometry, data: T): T {
  if (!geometry.channelsLast) return data;
  return channelsLastToFirst(data, geometry.batch, geometry.outChannels);
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('reference properties', () => {
  it(
    'is the adjoint of an independent naive forward convolution: <conv_t(x), y> = <x, conv(y)>',
    () => {
      fc.assert(
        fc.property(cases, ([geometry, seed]) => {
          const tensors = seededTensors(geometry, seed);
          const zeroBias = geometry.hasBias ? new Float32Array(geometry.outChannels) : null;
          const result = convTransposeReference(geometry, {
            ...tensors,
            bias: zeroBias,
          });
          const random = seededRandom(seed ^ 0x5bd1e995);
          const y = Float64Array.from({ length: geometry.outputElements }, () => random() - 0.5);
          const convT = outputChannelsFirst(geometry, result.output);
          const absSum = outputChannelsFirst(geometry, result.absSum);
          const x = inputChannelsFirst(geometry, tensors);
          const convY = naiveForwardConvolution(geometry, y, tensors.weight);
          let lhs = 0;
          let rhs = 0;
          let magnitude = 0;
          y.forEach((value, index) => {
            lhs += convT[index]! * value;
            magnitude += absSum[index]! * Math.abs(value);
          });
          x.forEach((value, index) => (rhs += value * convY[index]!));
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(FLOAT64_RELATIVE * magnitude);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'equals zero insertion + padding + rotated kernel + stride-1 dilated correlation',
    () => {
      fc.assert(
        fc.property(cases, ([geometry, seed]) => {
          const tensors = seededTensors(geometry, seed);
          const result = convTransposeReference(geometry, tensors);
          const expected = zeroInsertionTransposedConvolution(
            geometry,
            inputChannelsFirst(geometry, tensors),
            tensors.weight,
            tensors.bias,
          );
          const actual = outputChannelsFirst(geometry, result.output);
          const absSum = outputChannelsFirst(geometry, result.absSum);
          expected.forEach((value, index) => {
            const tolerance = FLOAT64_RELATIVE * absSum[index]!;
            expect(Math.abs(actual[index]! - value)).toBeLessThanOrEqual(tolerance);
          });
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'sync and parallel (workers forced, 2 or 3 threads) entries are bit-identical',
    async () => {
      await fc.assert(
        fc.asyncProperty(cases, fc.integer({ min: 2, max: 3 }), async ([geometry, seed], threads) => {
          const tensors = seededTensors(geometry, seed);
          const sync = convTransposeReference(geometry, tensors);
          const tasksBefore = referenceWorkerTasks();
          const parallel: ReferenceResult = await convTransposeReferenceParallel(geometry, tensors, {
            minParallelWork: 0,
            threads,
          });
          expect(referenceWorkerTasks()).toBe(tasksBefore + threads); // the workers ran
          expect(sameBits(parallel.output, sync.output)).toBe(true);
          expect(sameBits(parallel.absSum, sync.absSum)).toBe(true);
          expect(parallel.termCount).toEqual(sync.termCount);
        }),
        { numRuns: 60 },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'channels-first and channels-last give the same values, transposed',
    () => {
      fc.assert(
        fc.property(cases, ([geometry, seed]) => {
          const first = withChannelsLast(geometry, false);
          const last = withChannelsLast(geometry, true);
          const tensors = seededTensors(first, seed);
          const lastInput = channelsFirstToLast(tensors.input, first.batch, first.inChannels);
          const fromFirst = convTransposeReference(first, tensors);
          const fromLast = convTransposeReference(last, {
            ...tensors,
            input: lastInput,
          });
          const { batch, outChannels } = first;
          const transposed = channelsLastToFirst(fromLast.output, batch, outChannels);
          expect(sameBits(transposed, fromFirst.output)).toBe(true);
          const transposedAbs = channelsLastToFirst(fromLast.absSum, batch, outChannels);
          expect(sameBits(transposedAbs, fromFirst.absSum)).toBe(true);
          const counts = channelsLastToFirst(fromLast.termCount, batch, outChannels);
          expect(counts).toEqual(fromFirst.termCount);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'termCount matches a brute-force count and float32 accumulation stays within the bound',
    () => {
      fc.assert(
        fc.property(cases, ([geometry, seed]) => {
          const tensors = seededTensors(geometry, seed);
          const result = convTransposeReference(geometry, tensors);
          const naive = naiveFloat32Scatter(
            geometry,
            inputChannelsFirst(geometry, tensors),
            tensors.weight,
            tensors.bias,
          );
          const output = outputChannelsFirst(geometry, result.output);
          const absSum = outputChannelsFirst(geometry, result.absSum);
          const termCount = outputChannelsFirst(geometry, result.termCount);
          expect(termCount).toEqual(naive.termCount);
          naive.output.forEach((float32Value, index) => {
            const bound = float32ErrorBound(termCount[index]!, absSum[index]!, output[index]!);
            expect(Math.abs(float32Value - output[index]!)).toBeLessThanOrEqual(bound);
          });
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
