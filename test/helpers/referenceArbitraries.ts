/** fast-check generators of valid transposed-convolution geometries and seeded tensors. */
import fc from 'fast-check';
import { buildGeometry, layoutFor, type AxisCrop } from '../../src/geometry/build.js';
import type { ConvTransposeGeometry, Rank } from '../../src/geometry/types.js';
import type { CaseTensors } from '../../src/tensor.js';

export interface GeometryLimits {
  /** Largest input size along an axis, per rank (3-D stays small: the oracles are naive). */
  readonly maxInput: Record<Rank, number>;
  readonly maxInChannelsPerGroup: number;
  /** Above 4 so that several blocks of 4 output channels (and a partial one) get exercised. */
  readonly maxOutChannelsPerGroup: number;
  readonly maxGroup: number;
}

export const SMALL_LIMITS: GeometryLimits = {
  maxInput: { 1: 6, 2: 4, 3: 3 },
  maxInChannelsPerGroup: 3,
  maxOutChannelsPerGroup: 6,
  maxGroup: 3,
};

/** One axis: begin in [0, full), output size in [1, full - begin + s) (up to s-1 zero rows). */
export function axisCropArbitrary(maxInput: number, maxDilation = 3): fc.Arbitrary<AxisCrop> {
  return fc
    .record({
      inputSize: fc.integer({ min: 1, max: maxInput }),
      kernelSize: fc.integer({ min: 1, max: 4 }),
      stride: fc.integer({ min: 1, max: 3 }),
      dilation: fc.integer({ min: 1, max: maxDilation }),
      beginFraction: fc.double({
        min: 0,
        max: 1,
        maxExcluded: true,
        noNaN: true,
      }),
      sizeFraction: fc.double({
        min: 0,
        max: 1,
        maxExcluded: true,
        noNaN: true,
      }),
    })
    .map(({ inputSize, kernelSize, stride, dilation, beginFraction, sizeFraction }) => {
      const full = (inputSize - 1) * stride + dilation * (kernelSize - 1) + 1;
      const beginCrop = Math.floor(beginFraction * full);
      const largest = full - beginCrop + stride - 1;
      const outputSize = 1 + Math.floor(sizeFraction * largest);
      return {
        inputSize,
        kernelSize,
        stride,
        dilation,
        beginCrop,
        outputSize,
        outputPadding: 0,
      };
    });
}

export function geometryArbitrary(limits: GeometryLimits = SMALL_LIMITS): fc.Arbitrary<ConvTransposeGeometry> {
  return fc
    .constantFrom<Rank>(1, 2, 3)
    .chain((rank) =>
      fc.record({
        rank: fc.constant(rank),
        axes: fc.array(axisCropArbitrary(limits.maxInput[rank]), {
          minLength: rank,
          maxLength: rank,
        }),
        batch: fc.integer({ min: 1, max: 2 }),
        group: fc.integer({ min: 1, max: limits.maxGroup }),
        inPerGroup: fc.integer({ min: 1, max: limits.maxInChannelsPerGroup }),
        outPerGroup: fc.integer({ min: 1, max: limits.maxOutChannelsPerGroup }),
        channelsLast: fc.boolean(),
        hasBias: fc.boolean(),
      }),
    )
    .map((parts) =>
      buildGeometry({
        layout: layoutFor(parts.rank, parts.channelsLast),
        batch: parts.batch,
        inChannels: parts.group * parts.inPerGroup,
        outChannels: parts.group * parts.outPerGroup,
        group: parts.group,
        hasBias: parts.hasBias,
        axes: parts.axes,
        convention: {
          kind: 'torch',
          padding: parts.axes.map((axis) => axis.beginCrop),
          outputPadding: parts.axes.map(() => 0),
          outputSize: parts.axes.map((axis) => axis.outputSize),
        },
      }),
    );
}

/** Deterministic float stream (mulberry32), so a failing seed reproduces. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values of mixed signs spanning 2^-8 .. 2^8 (cancellation and magnitude spread). */
function spreadValues(length: number, random: () => number): Float32Array {
  return Float32Array.from({ length }, () => {
    const magnitude = 2 ** Math.floor(random() * 17 - 8);
    return (random() * 2 - 1) * magnitude;
  });
}

/** Input (in the geometry's layout), weight and bias drawn from a seed. */
export function seededTensors(geometry: ConvTransposeGeometry, seed: number): CaseTensors {
  const random = seededRandom(seed);
  return {
    input: spreadValues(geometry.inputElements, random),
    weight: spreadValues(geometry.weightElements, random),
    bias: geometry.hasBias ? spreadValues(geometry.outChannels, random) : null,
  };
}

export const seedArbitrary = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** The same geometry in the other memory layout (channels-first <-> channels-last). */
export function withChannelsLast(geometry: ConvTransposeGeometry, channelsLast: boolean): ConvTransposeGeometry {
  return buildGeometry({
    layout: layoutFor(geometry.rank, channelsLast),
    batch: geometry.batch,
    inChannels: geometry.inChannels,
    outChannels: geometry.outChannels,
    group: geometry.group,
    hasBias: geometry.hasBias,
    axes: geometry.axes,
    convention: geometry.convention,
  });
}
