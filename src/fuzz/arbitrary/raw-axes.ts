/**
 * The raw, independent draws of the spatial axes (axis.ts clamps them into valid axes) and the
 * arbitrary of a fixed number of them that shrinks by deleting axes.
 */
import fc from 'fast-check';
import { range } from './draws.js';
import { LIMITS } from './space.js';

/** The raw draws of one axis; `axisOf` clamps them into a valid axis. */
export interface RawAxis {
  readonly s: number;
  readonly d: number;
  readonly k: number;
  readonly i: number;
  /** TF output_shape: offset above the lowest accepted size. Keras output_padding: candidate index. */
  readonly tfOffset: number;
  /** ONNX / PyTorch output_padding (clamped below max(s, d)). */
  readonly op: number;
  /** ONNX pads. */
  readonly padBegin: number;
  readonly padEnd: number;
  /** ONNX output_shape: full + op - crop (negative: past full). */
  readonly crop: number;
  /** PyTorch padding. */
  readonly p: number;
  /** PyTorch output_size: offset above the minimum size. */
  readonly sizeOffset: number;
}

const rawAxis: fc.Arbitrary<RawAxis> = fc.record({
  s: fc.integer({ min: 1, max: LIMITS.stride }),
  d: fc.integer({ min: 1, max: LIMITS.dilation }),
  k: fc.integer({ min: 1, max: LIMITS.kernel }),
  i: fc.integer({ min: 1, max: LIMITS.input }),
  tfOffset: fc.integer({ min: 0, max: LIMITS.stride - 1 }),
  op: fc.integer({ min: 0, max: Math.max(LIMITS.stride, LIMITS.dilation) - 1 }),
  padBegin: fc.integer({ min: 0, max: 8 }),
  padEnd: fc.integer({ min: 0, max: 8 }),
  crop: fc.integer({ min: -LIMITS.stride, max: 12 }),
  p: fc.integer({ min: 0, max: 6 }),
  sizeOffset: fc.integer({ min: 0, max: LIMITS.stride - 1 }),
});

/** The smallest raw axis: i = k = s = d = 1, no padding. */
const TRIVIAL_AXIS: RawAxis = {
  s: 1,
  d: 1,
  k: 1,
  i: 1,
  tfOffset: 0,
  op: 0,
  padBegin: 0,
  padEnd: 0,
  crop: 0,
  p: 0,
  sizeOffset: 0,
};
const isTrivial = (axis: RawAxis): boolean =>
  (Object.keys(TRIVIAL_AXIS) as (keyof RawAxis)[]).every((key) => axis[key] === TRIVIAL_AXIS[key]);

/**
 * A fixed number of raw axes (rank r uses the first r) that shrinks like the tuple it wraps and,
 * first, by deleting any non-trivial axis (the later ones move forward, a trivial one is appended):
 * so the axis a failure depends on can reach the front and survive a smaller rank, wherever it was.
 * Each deletion replaces a non-trivial axis by a trivial one, so shrinking terminates.
 */
export class AxesArbitrary extends fc.Arbitrary<RawAxis[]> {
  private readonly inner: fc.Arbitrary<RawAxis[]>;

  constructor(private readonly count: number) {
    super();
    this.inner = fc.tuple(...range(count).map(() => rawAxis));
  }

  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<RawAxis[]> {
    return this.inner.generate(random, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is RawAxis[] {
    return this.inner.canShrinkWithoutContext(value);
  }

  shrink(value: RawAxis[], context: unknown): fc.Stream<fc.Value<RawAxis[]>> {
    const deletions = range(this.count)
      .filter((index) => !isTrivial(value[index]!))
      .map((index) => new fc.Value([...value.slice(0, index), ...value.slice(index + 1), TRIVIAL_AXIS], undefined));
    return fc.Stream.of(...deletions).join(this.inner.shrink(value, context));
  }
}
