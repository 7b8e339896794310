/**
 * The `into` option: the result is written into caller-owned arrays (and those are returned), bit
 * for bit what a fresh evaluation gives, on every path (scalar/SIMD, synchronous/workers), even
 * when the arrays hold garbage from an earlier use; wrong sizes are refused.
 */
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  convTransposeReference,
  convTransposeReferenceParallel,
  shutdownReferenceWorkers,
  type ReferenceStorage,
} from '../src/reference/index.js';
import { geometryArbitrary, seedArbitrary, seededTensors } from './helpers/referenceArbitraries.js';

const saved = process.env['TCONV_REFERENCE'];
afterEach(() => {
  if (saved === undefined) delete process.env['TCONV_REFERENCE'];
  else process.env['TCONV_REFERENCE'] = saved;
});
afterAll(() => shutdownReferenceWorkers());

const sameBits = (a: Float64Array, b: Float64Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const dirtyStorage = (length: number): Required<ReferenceStorage> => ({
  output: new Float64Array(length).fill(Number.NaN),
  absSum: new Float64Array(length).fill(-1),
});

describe('reference into caller-owned arrays', () => {
  it('every path writes the same bits as a fresh evaluation, into the given arrays', async () => {
    await fc.assert(
      fc.asyncProperty(
        geometryArbitrary(),
        seedArbitrary,
        fc.constantFrom('scalar', 'simd'),
        fc.boolean(),
        async (geometry, seed, kernel, workers) => {
          process.env['TCONV_REFERENCE'] = kernel;
          const tensors = seededTensors(geometry, seed);
          const fresh = convTransposeReference(geometry, tensors);
          const into = dirtyStorage(geometry.outputElements);
          const options = { into, minParallelWork: workers ? 0 : Number.POSITIVE_INFINITY, threads: 2 };
          const result = await convTransposeReferenceParallel(geometry, tensors, options);
          expect(result.output).toBe(into.output);
          expect(result.absSum).toBe(into.absSum);
          expect(sameBits(result.output, fresh.output)).toBe(true);
          expect(sameBits(result.absSum, fresh.absSum)).toBe(true);
          expect(result.termCount).toEqual(fresh.termCount);
          const valuesInto = { output: new Float64Array(geometry.outputElements).fill(Number.NaN) };
          const values = convTransposeReference(geometry, tensors, { withBounds: false, into: valuesInto });
          expect(values.output).toBe(valuesInto.output);
          expect(sameBits(values.output, fresh.output)).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  }, 60_000);

  it('refuses arrays of the wrong size, and bounds without an absSum array', async () => {
    const geometry = fc.sample(geometryArbitrary(), { numRuns: 1, seed: 3 })[0]!;
    const tensors = seededTensors(geometry, 1);
    const length = geometry.outputElements;
    expect(() =>
      convTransposeReference(geometry, tensors, { withBounds: false, into: { output: new Float64Array(length + 1) } }),
    ).toThrow(/into\.output has \d+ elements, not \d+/);
    expect(() => convTransposeReference(geometry, tensors, { into: { output: new Float64Array(length) } })).toThrow(
      /into\.absSum is required/,
    );
    await expect(
      convTransposeReferenceParallel(geometry, tensors, {
        minParallelWork: 0,
        into: { output: new Float64Array(length), absSum: new Float64Array(length - 1 || 2) },
      }),
    ).rejects.toThrow(/into\.absSum has/);
  });
});
