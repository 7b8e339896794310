/**
 * The SIMD path (src/reference/simd/) against the readable scalar kernel, its specification:
 * every lane runs the scalar chain in the same order, so outputs and bounds must agree bit for
 * bit, for both entries, with and without bounds, on random geometries (any rank, groups,
 * dilations, crops with zero rows, both layouts, partial channel blocks, runs of 1-4 pixels).
 */
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import {
  convTransposeReference,
  convTransposeReferenceParallel,
  shutdownReferenceWorkers,
  type ReferenceResult,
} from '../src/reference/index.js';
import { signed, unsigned } from '../src/reference/simd/encoder.js';
import { kernelModule } from '../src/reference/simd/module.js';
import { selectedKernel } from '../src/reference/simd/run.js';
import { referenceWorkerTasks } from '../src/reference/workers.js';
import type { CaseTensors } from '../src/tensor.js';
import {
  geometryArbitrary,
  seedArbitrary,
  seededTensors,
  type GeometryLimits,
} from './helpers/referenceArbitraries.js';

const saved = process.env['TCONV_REFERENCE'];
afterEach(() => {
  if (saved === undefined) delete process.env['TCONV_REFERENCE'];
  else process.env['TCONV_REFERENCE'] = saved;
});
afterAll(() => shutdownReferenceWorkers());

/** Wider than the oracle tests: long enough W rows for runs of 4, several channel blocks. */
const WIDE_LIMITS: GeometryLimits = {
  maxInput: { 1: 14, 2: 9, 3: 4 },
  maxInChannelsPerGroup: 5,
  maxOutChannelsPerGroup: 10,
  maxGroup: 3,
};

const TIMEOUT_MS = 60_000;

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function withKernel<T>(kernel: 'scalar' | 'simd', compute: () => T): T {
  process.env['TCONV_REFERENCE'] = kernel;
  return compute();
}

function expectSameResult(actual: ReferenceResult, expected: ReferenceResult): void {
  expect(sameBits(actual.output, expected.output)).toBe(true);
  expect(sameBits(actual.absSum, expected.absSum)).toBe(true);
  expect(actual.termCount).toEqual(expected.termCount);
}

const cases = fc.tuple(fc.oneof(geometryArbitrary(), geometryArbitrary(WIDE_LIMITS)), seedArbitrary);

describe('SIMD reference == scalar reference, bit for bit', () => {
  it('has WebAssembly SIMD here (else every test below would compare scalar with scalar)', () => {
    expect(kernelModule()).not.toBeNull();
    expect(selectedKernel({})).toBe('simd');
  });

  it(
    'synchronous entry, with and without bounds',
    () => {
      fc.assert(
        fc.property(cases, ([geometry, seed]) => {
          const tensors = seededTensors(geometry, seed);
          const scalar = withKernel('scalar', () => convTransposeReference(geometry, tensors));
          const simd = withKernel('simd', () => convTransposeReference(geometry, tensors));
          expectSameResult(simd, scalar);
          const valuesOnly = withKernel('simd', () => convTransposeReference(geometry, tensors, { withBounds: false }));
          expect(sameBits(valuesOnly.output, scalar.output)).toBe(true);
        }),
        { numRuns: 400 },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'parallel entry on 1-3 workers (forced)',
    async () => {
      await fc.assert(
        fc.asyncProperty(cases, fc.integer({ min: 1, max: 3 }), async ([geometry, seed], threads) => {
          const tensors = seededTensors(geometry, seed);
          const scalar = withKernel('scalar', () => convTransposeReference(geometry, tensors));
          process.env['TCONV_REFERENCE'] = 'simd';
          const tasksBefore = referenceWorkerTasks();
          const simd = await convTransposeReferenceParallel(geometry, tensors, { minParallelWork: 0, threads });
          expect(referenceWorkerTasks()).toBe(tasksBefore + threads); // the workers ran
          expectSameResult(simd, scalar);
        }),
        { numRuns: 150 },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'concurrent parallel evaluations of different sizes each get their own memory',
    async () => {
      const draws = fc.sample(fc.tuple(geometryArbitrary(WIDE_LIMITS), seedArbitrary), { numRuns: 12, seed: 7 });
      const inputs: Array<[ConvTransposeGeometry, CaseTensors]> = draws.map(([geometry, seed]) => [
        geometry,
        seededTensors(geometry, seed),
      ]);
      const expected = inputs.map(([geometry, tensors]) =>
        withKernel('scalar', () => convTransposeReference(geometry, tensors)),
      );
      process.env['TCONV_REFERENCE'] = 'simd';
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all(
          inputs.map(([geometry, tensors]) =>
            convTransposeReferenceParallel(geometry, tensors, { minParallelWork: 0, threads: 2 }),
          ),
        );
        results.forEach((result, index) => expectSameResult(result, expected[index]!));
      }
    },
    TIMEOUT_MS,
  );
});

describe('kernel selection', () => {
  it('TCONV_REFERENCE picks the path: scalar forces the readable kernel, unset or auto takes SIMD', () => {
    expect(selectedKernel({ TCONV_REFERENCE: 'scalar' })).toBe('scalar');
    expect(selectedKernel({ TCONV_REFERENCE: 'simd' })).toBe('simd');
    expect(selectedKernel({ TCONV_REFERENCE: 'auto' })).toBe('simd');
    expect(() => selectedKernel({ TCONV_REFERENCE: 'fast' })).toThrow(/scalar, simd or auto/);
  });

  it('an unknown TCONV_REFERENCE is an error of the evaluation, not a silent choice', () => {
    process.env['TCONV_REFERENCE'] = 'fastest';
    const geometry = fc.sample(geometryArbitrary(), { numRuns: 1, seed: 1 })[0]!;
    expect(() => convTransposeReference(geometry, seededTensors(geometry, 1))).toThrow(/TCONV_REFERENCE/);
  });
});

describe('the LEB128 encoding of the module generator', () => {
  it('encodes unsigned and signed integers as the WebAssembly spec examples', () => {
    expect(unsigned(0)).toEqual([0]);
    expect(unsigned(127)).toEqual([127]);
    expect(unsigned(128)).toEqual([0x80, 0x01]);
    expect(unsigned(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(signed(-1)).toEqual([0x7f]);
    expect(signed(63)).toEqual([0x3f]);
    expect(signed(64)).toEqual([0xc0, 0x00]);
    expect(signed(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});
