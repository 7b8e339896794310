/**
 * fast-check arbitraries of VALID case specs, built from the geometry module's rules
 * (conventions.ts). Every dependent value is placed inside the range its rule allows for the
 * values it depends on, so nothing is generated and then rejected: a generated spec always
 * resolves (`resolveGeometry(spec).ok`), and its input, weight and output tensors each have at most
 * `maxElements` elements.
 *
 * Dependencies, in order: rank, convention -> per axis stride s and dilation d -> kernel k (its
 * k_eff must leave room in the axis budget) -> input i (full = (i-1)s + k_eff within the budget)
 * -> the convention's padding parameters per axis (TF/Keras output_shape in
 * `tfAcceptedOutputRange`, Keras output_padding whose length TF accepts, ONNX pads with
 * o = full + op - begin - end >= 1, ONNX output_padding < max(s, d), ONNX output_shape up to
 * full + op + s, PyTorch padding with o >= 1, PyTorch output_size in [min, min + s - 1]) -> group,
 * channels per group and batch within the element budget the spatial sizes leave.
 *
 * How dependent values are drawn: not with `chain` but as independent raw values (one
 * `fc.record`) that the mapping CLAMPS into the allowed range, in the order above. The reason is
 * shrinking: when the source of a `chain` shrinks, everything chained on it is drawn again from
 * the random stream, so the configuration that failed (the padding mode, an odd total, ...) is
 * lost and the shrink step rejected; with clamping, shrinking one raw value keeps all the others,
 * and a dependent value only moves when its range no longer contains it. The axes of rank r are
 * the first r of a tuple that also shrinks by deleting an axis (AxesArbitrary), so the axis that
 * matters can move to the front and survive a smaller rank.
 *
 * Shrinking goes towards rank 1, the first convention and padding mode listed (the simplest:
 * PyTorch symmetric padding, Keras defaults, ONNX explicit pads), stride / dilation / kernel /
 * input 1, no crop, no output_padding, group 1, one channel, batch 1, channels-first, no bias,
 * integer data. The seed of the data is not shrunk (another seed is not a simpler case).
 */
import fc from 'fast-check';
import type { CaseSpec, Distribution, OnnxPaddingSpec } from '../case/types.js';
import { layoutFor } from '../geometry/build.js';
import { kerasOutputSize, tfAcceptedOutputRange, type AutoPad, type AxisParams } from '../geometry/conventions.js';
import type { Rank } from '../geometry/types.js';

export type ConventionName = 'tf' | 'onnx' | 'torch';
/** Shrinking goes towards the first: PyTorch's symmetric padding is the plainest crop. */
export const CONVENTION_NAMES: readonly ConventionName[] = ['torch', 'tf', 'onnx'];
export const RANKS: readonly Rank[] = [1, 2, 3];

export interface FuzzSpace {
  /** Conventions the cases are written in (default all). */
  readonly conventions: readonly ConventionName[];
  /** Spatial ranks (default 1, 2, 3). */
  readonly dims: readonly Rank[];
  /** Largest input, weight and output tensor, in elements (default 10^4). */
  readonly maxElements: number;
}

export const DEFAULT_FUZZ_MAX_ELEMENTS = 10_000;

export const DEFAULT_SPACE: FuzzSpace = {
  conventions: CONVENTION_NAMES,
  dims: RANKS,
  maxElements: DEFAULT_FUZZ_MAX_ELEMENTS,
};

/** Per-axis parameter caps (they keep cases small and varied; the element budget caps the rest). */
export const LIMITS = {
  stride: 4,
  dilation: 3,
  kernel: 5,
  input: 12,
  /** Largest output length of one axis, whatever the budget. */
  axis: 64,
  group: 3,
  channelsPerGroup: 4,
  batch: 3,
} as const;

/**
 * The largest output length per axis for a rank: A with A^rank <= maxElements (capped). Every
 * convention below keeps each axis's output (and input, and kernel) at most A long, so the spatial
 * part of every tensor fits the budget; the channel counts then take what is left.
 */
export function axisBudget(rank: Rank, maxElements: number): number {
  let size = 1;
  while (size < LIMITS.axis && (size + 1) ** rank <= maxElements) size++;
  return size;
}

/** Ranks a budget admits: an axis needs room for an output of 2 (full + one past it). */
export function feasibleRanks(space: FuzzSpace): Rank[] {
  return [...space.dims].sort((a, b) => a - b).filter((rank) => axisBudget(rank, space.maxElements) >= 2);
}

const clamp = (value: number, min: number, max: number): number => Math.max(min, Math.min(max, value));

/**
 * 1 with weight `plainWeight` against 1 for [2, max], shrinking towards 1: keeps the plain case
 * common while the rest still gets tested.
 */
const weighted = (max: number, plainWeight: number): fc.Arbitrary<number> =>
  fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(1), weight: plainWeight },
    { arbitrary: fc.integer({ min: 2, max }), weight: 1 },
  );
/** true with probability 1/(n+1), shrinking to false. */
const sometimes = (n: number): fc.Arbitrary<boolean> => fc.integer({ min: 0, max: n }).map((value) => value === n);
/**
 * One of `values`, shrinking towards the first through the ones in between (`fc.constantFrom`
 * only ever proposes the first value as a shrink: a rank 3 would never try rank 2).
 */
const choice = <T>(values: readonly T[]): fc.Arbitrary<T> =>
  fc.integer({ min: 0, max: values.length - 1 }).map((index) => values[index]!);
const product = (values: readonly number[]): number => values.reduce((total, value) => total * value, 1);
const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

/** The raw draws of one axis; `axisOf` clamps them into a valid axis. */
interface RawAxis {
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
class AxesArbitrary extends fc.Arbitrary<RawAxis[]> {
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

interface Axis {
  readonly i: number;
  readonly k: number;
  readonly s: number;
  readonly d: number;
}

const params = (a: Axis): AxisParams => ({ inputSize: a.i, kernelSize: a.k, stride: a.s, dilation: a.d });
const effective = (a: Axis): number => a.d * (a.k - 1) + 1;
const fullOf = (a: Axis): number => (a.i - 1) * a.s + effective(a);

/**
 * A valid axis with full + max(s, d) <= budget, so every output a convention can produce from it
 * (at most full + max(s, d) - 1, or full + op + s for an ONNX output_shape, clamped) fits.
 */
function axisOf(raw: RawAxis, budget: number, dilated: boolean): Axis {
  const s = clamp(raw.s, 1, budget - 1);
  const d = dilated ? clamp(raw.d, 1, budget - 1) : 1;
  const room = budget - Math.max(s, d); // >= 1: what the full size may use
  const k = clamp(raw.k, 1, Math.floor((room - 1) / d) + 1);
  const i = clamp(raw.i, 1, Math.floor((room - d * (k - 1) - 1) / s) + 1);
  return { i, k, s, d };
}

/** What a convention chose: the case fields and the output length per axis they give. */
interface Padding {
  readonly fields: Pick<CaseSpec, 'padding' | 'output_padding' | 'output_shape'>;
  readonly outputs: readonly number[];
  /** For statistics, e.g. 'onnx output_shape+SAME_LOWER', 'keras VALID+output_padding'. */
  readonly kind: string;
}

/** ONNX and PyTorch accept output_padding below the stride OR the dilation. */
const outputPaddingOf = (raw: RawAxis, a: Axis): number => clamp(raw.op, 0, Math.max(a.s, a.d) - 1);

/** A single value when all axes agree (as a person would write it), else one per axis. */
const compact = (values: readonly number[]): number | number[] =>
  values.every((value) => value === values[0]) ? values[0]! : [...values];

// ---------------------------------------------------------------- TensorFlow / Keras

const TF_MODES = ['keras', 'output_shape', 'keras_output_padding'] as const;
type TfMode = (typeof TF_MODES)[number];

/** Keras output_padding values (< stride) whose length TF accepts for this axis. */
function kerasPaddings(a: Axis, padding: 'SAME' | 'VALID'): number[] {
  const [low, high] = tfAcceptedOutputRange(params(a), padding);
  return range(a.s).filter((op) => {
    const size = kerasOutputSize(params(a), padding, op);
    return size >= low && size <= high;
  });
}

function tfPadding(
  axes: readonly Axis[],
  raws: readonly RawAxis[],
  padding: 'SAME' | 'VALID',
  wanted: TfMode,
): Padding {
  const mode =
    wanted === 'keras_output_padding' && axes.some((a) => kerasPaddings(a, padding).length === 0) ? 'keras' : wanted;
  switch (mode) {
    case 'keras':
      return {
        fields: { padding },
        outputs: axes.map((a) => kerasOutputSize(params(a), padding, null)),
        kind: `keras ${padding}`,
      };
    case 'output_shape': {
      const sizes = axes.map((a, index) => {
        const [low, high] = tfAcceptedOutputRange(params(a), padding);
        return clamp(low + raws[index]!.tfOffset, low, high);
      });
      return { fields: { padding, output_shape: sizes }, outputs: sizes, kind: `tf ${padding}+output_shape` };
    }
    case 'keras_output_padding': {
      const ops = axes.map((a, index) => {
        const candidates = kerasPaddings(a, padding);
        return candidates[clamp(raws[index]!.tfOffset, 0, candidates.length - 1)]!;
      });
      return {
        fields: { padding, output_padding: ops },
        outputs: axes.map((a, index) => kerasOutputSize(params(a), padding, ops[index]!)),
        kind: `keras ${padding}+output_padding`,
      };
    }
  }
}

// ---------------------------------------------------------------- ONNX

const ONNX_MODES = ['pads', 'auto_pad', 'output_shape'] as const;
type OnnxMode = (typeof ONNX_MODES)[number];
/** auto_pad without output_shape (NOTSET without pads is the 'pads' mode with zeros). */
const AUTO_PADS: readonly AutoPad[] = ['SAME_UPPER', 'SAME_LOWER', 'VALID'];
const SHAPE_AUTO_PADS: readonly AutoPad[] = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

function onnxPadding(
  axes: readonly Axis[],
  raws: readonly RawAxis[],
  budget: number,
  mode: OnnxMode,
  withOutputPadding: boolean,
  autoPadIndex: number,
): Padding {
  const ops = axes.map((a, index) => (withOutputPadding ? outputPaddingOf(raws[index]!, a) : 0));
  const opField = withOutputPadding ? { output_padding: ops } : {};
  const suffix = withOutputPadding ? '+output_padding' : '';
  const extended = axes.map((a, index) => fullOf(a) + ops[index]!);
  switch (mode) {
    case 'pads': {
      // o = full + op - begin - end >= 1.
      const begins = axes.map((_, index) => clamp(raws[index]!.padBegin, 0, extended[index]! - 1));
      const ends = axes.map((_, index) => clamp(raws[index]!.padEnd, 0, extended[index]! - 1 - begins[index]!));
      return {
        fields: { padding: { pads: [...begins, ...ends] }, ...opField },
        outputs: axes.map((_, index) => extended[index]! - begins[index]! - ends[index]!),
        kind: `onnx pads${suffix}`,
      };
    }
    case 'auto_pad': {
      const autoPad = AUTO_PADS[autoPadIndex % AUTO_PADS.length]!;
      return {
        fields: { padding: { auto_pad: autoPad }, ...opField },
        outputs: axes.map((a, index) => (autoPad === 'VALID' ? extended[index]! : a.i * a.s)),
        kind: `onnx auto_pad=${autoPad}${suffix}`,
      };
    }
    case 'output_shape': {
      // Any o >= 1: a crop (smaller than full + op), no crop, or past full (zeros plus bias) up to full + op + s.
      const autoPad = SHAPE_AUTO_PADS[autoPadIndex % SHAPE_AUTO_PADS.length]!;
      const sizes = axes.map((a, index) =>
        clamp(extended[index]! - raws[index]!.crop, 1, Math.min(budget, extended[index]! + a.s)),
      );
      const padding: OnnxPaddingSpec = { auto_pad: autoPad };
      return {
        fields: { padding, output_shape: sizes, ...opField },
        outputs: sizes,
        kind: `onnx output_shape+${autoPad}${suffix}`,
      };
    }
  }
}

// ---------------------------------------------------------------- PyTorch

const TORCH_MODES = ['padding', 'output_padding', 'output_size'] as const;
type TorchMode = (typeof TORCH_MODES)[number];

function torchPadding(axes: readonly Axis[], raws: readonly RawAxis[], mode: TorchMode): Padding {
  switch (mode) {
    case 'padding': {
      // o = full - 2p >= 1.
      const pads = axes.map((a, index) => clamp(raws[index]!.p, 0, Math.floor((fullOf(a) - 1) / 2)));
      return {
        fields: { padding: compact(pads) },
        outputs: axes.map((a, index) => fullOf(a) - 2 * pads[index]!),
        kind: 'torch padding',
      };
    }
    case 'output_padding': {
      const ops = axes.map((a, index) => outputPaddingOf(raws[index]!, a));
      const pads = axes.map((a, index) => clamp(raws[index]!.p, 0, Math.floor((fullOf(a) + ops[index]! - 1) / 2)));
      return {
        fields: { padding: compact(pads), output_padding: ops },
        outputs: axes.map((a, index) => fullOf(a) - 2 * pads[index]! + ops[index]!),
        kind: 'torch padding+output_padding',
      };
    }
    case 'output_size': {
      // forward(x, output_size=o): o in [min, min + s - 1] with min = full - 2p, and o >= 1.
      const pads = axes.map((a, index) => clamp(raws[index]!.p, 0, Math.floor((fullOf(a) + a.s - 2) / 2)));
      const sizes = axes.map((a, index) => {
        const minimum = fullOf(a) - 2 * pads[index]!;
        return clamp(minimum + raws[index]!.sizeOffset, Math.max(1, minimum), minimum + a.s - 1);
      });
      return { fields: { padding: compact(pads), output_shape: sizes }, outputs: sizes, kind: 'torch output_size' };
    }
  }
}

// ---------------------------------------------------------------- channels

interface Channels {
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly batch: number;
}

/**
 * group, C/group, M/group and batch such that input (N*C*prod(i)), weight (C*(M/g)*prod(k)) and
 * output (N*M*prod(o)) stay within the budget. Each bound is >= 1 because every spatial product is
 * at most maxElements (each axis's i, k and o are at most the axis budget).
 */
function channelsOf(raw: Channels, axes: readonly Axis[], outputs: readonly number[], maxElements: number): Channels {
  const inputPixels = product(axes.map((a) => a.i));
  const kernelTaps = product(axes.map((a) => a.k));
  const outputPixels = product(outputs);
  const fit = (unit: number): number => Math.floor(maxElements / unit);
  const group = clamp(raw.group, 1, Math.min(fit(inputPixels), fit(outputPixels), fit(kernelTaps)));
  const inPerGroup = clamp(raw.inPerGroup, 1, Math.min(fit(group * inputPixels), fit(group * kernelTaps)));
  const outPerGroup = clamp(
    raw.outPerGroup,
    1,
    Math.min(fit(group * outputPixels), fit(group * inPerGroup * kernelTaps)),
  );
  const batch = clamp(
    raw.batch,
    1,
    Math.min(fit(group * outPerGroup * outputPixels), fit(group * inPerGroup * inputPixels)),
  );
  return { group, inPerGroup, outPerGroup, batch };
}

/** Shrinks towards integers: exact float32 sums, readable literal data. */
const DISTRIBUTIONS: readonly Distribution[] = ['integers', 'uniform', 'normal'];

/** A generated case: the spec and how it was drawn (for statistics). */
export interface FuzzCase {
  readonly spec: CaseSpec;
  readonly convention: ConventionName;
  readonly paddingKind: string;
}

/** Valid case specs over `space` (see the file comment). Throws when no rank fits the budget. */
export function caseArbitrary(space: FuzzSpace = DEFAULT_SPACE, name = 'fuzz'): fc.Arbitrary<FuzzCase> {
  const ranks = feasibleRanks(space);
  if (ranks.length === 0) {
    throw new Error(`max elements ${space.maxElements} leaves no room for any of the ranks ${space.dims.join(', ')}`);
  }
  const conventions = CONVENTION_NAMES.filter((convention) => space.conventions.includes(convention));
  if (conventions.length === 0) throw new Error('no convention selected');
  const maxRank = Math.max(...ranks);
  return fc
    .record({
      rank: choice(ranks),
      axes: new AxesArbitrary(maxRank),
      convention: choice(conventions),
      // A quarter of the cases dilate (some axes of) the kernel.
      dilated: sometimes(3),
      tfPadding: choice<'SAME' | 'VALID'>(['SAME', 'VALID']),
      tfMode: choice(TF_MODES),
      onnxMode: choice(ONNX_MODES),
      onnxOutputPadding: fc.boolean(),
      autoPad: fc.integer({ min: 0, max: 11 }),
      torchMode: choice(TORCH_MODES),
      channels: fc.record({
        // Two cases in three have one group.
        group: weighted(LIMITS.group, 4),
        inPerGroup: fc.integer({ min: 1, max: LIMITS.channelsPerGroup }),
        outPerGroup: fc.integer({ min: 1, max: LIMITS.channelsPerGroup }),
        batch: fc.integer({ min: 1, max: LIMITS.batch }),
      }),
      channelsLast: fc.boolean(),
      bias: fc.boolean(),
      distribution: choice(DISTRIBUTIONS),
      seed: fc.noShrink(fc.integer({ min: 0, max: 0xffffffff })),
    })
    .map((raw): FuzzCase => {
      const { rank, convention } = raw;
      const budget = axisBudget(rank, space.maxElements);
      const raws = raw.axes.slice(0, rank);
      const axes = raws.map((rawOne) => axisOf(rawOne, budget, raw.dilated));
      const padding =
        convention === 'tf'
          ? tfPadding(axes, raws, raw.tfPadding, raw.tfMode)
          : convention === 'onnx'
            ? onnxPadding(axes, raws, budget, raw.onnxMode, raw.onnxOutputPadding, raw.autoPad)
            : torchPadding(axes, raws, raw.torchMode);
      const channels = channelsOf(raw.channels, axes, padding.outputs, space.maxElements);
      const inChannels = channels.group * channels.inPerGroup;
      const spatial = axes.map((a) => a.i);
      const strides = axes.map((a) => a.s);
      const dilations = axes.map((a) => a.d);
      const spec: CaseSpec = {
        name,
        input: raw.channelsLast ? [channels.batch, ...spatial, inChannels] : [channels.batch, inChannels, ...spatial],
        ...(raw.channelsLast ? { layout: layoutFor(rank, true) } : {}),
        out_channels: channels.group * channels.outPerGroup,
        kernel: axes.map((a) => a.k),
        ...(strides.some((s) => s > 1) ? { strides: compact(strides) } : {}),
        ...(dilations.some((d) => d > 1) ? { dilations: compact(dilations) } : {}),
        ...(channels.group > 1 ? { group: channels.group } : {}),
        ...(raw.bias ? { bias: true } : {}),
        ...padding.fields,
        distribution: raw.distribution,
        seed: raw.seed,
      };
      return { spec, convention, paddingKind: padding.kind };
    });
}

/** The convention a spec is written in (what its `padding` says). */
export function conventionOf(spec: CaseSpec): ConventionName {
  const padding = spec.padding;
  if (padding === 'SAME' || padding === 'VALID') return 'tf';
  if (typeof padding === 'object' && padding !== null && !Array.isArray(padding)) return 'onnx';
  return 'torch';
}
