/**
 * fast-check arbitraries of VALID case specs, built from the geometry module's rules
 * (conventions.ts). Every dependent value is placed inside the range its rule allows for the
 * values it depends on, so nothing is generated and then rejected: a generated spec always
 * resolves (`resolveGeometry(spec).ok`), its input, weight and output tensors each have at most
 * `maxElements` elements, and its dense work (arbitrary/channels.ts denseSpatialWork times the
 * channels and batch) is at most `maxWork` multiply-adds.
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
 *
 * Parts (arbitrary/): space.ts (space, limits, axis budget), raw-axes.ts and axis.ts (the axes),
 * tf.ts, onnx.ts, torch.ts (each convention's padding), channels.ts, draws.ts (small arbitraries).
 */
import fc from 'fast-check';
import type { CaseSpec, Distribution } from '../case/types.js';
import { layoutFor } from '../geometry/build.js';
import type { Rank } from '../geometry/types.js';
import { axisOf, type Axis, type Padding } from './arbitrary/axis.js';
import { channelsOf, denseSpatialWork, rawChannels } from './arbitrary/channels.js';
import { choice, compact, sometimes } from './arbitrary/draws.js';
import { ONNX_MODES, onnxPadding } from './arbitrary/onnx.js';
import { AxesArbitrary, type RawAxis } from './arbitrary/raw-axes.js';
import {
  CONVENTION_NAMES,
  DEFAULT_FUZZ_MAX_WORK,
  DEFAULT_SPACE,
  axisBudget,
  feasibleRanks,
  type ConventionName,
  type FuzzSpace,
} from './arbitrary/space.js';
import { TF_MODES, tfPadding } from './arbitrary/tf.js';
import { TORCH_MODES, torchPadding } from './arbitrary/torch.js';

export {
  CONVENTION_NAMES,
  DEFAULT_FUZZ_MAX_ELEMENTS,
  DEFAULT_FUZZ_MAX_WORK,
  DEFAULT_SPACE,
  LIMITS,
  RANKS,
  axisBudget,
  feasibleRanks,
  type ConventionName,
  type FuzzSpace,
} from './arbitrary/space.js';

/** Shrinks towards integers: exact float32 sums, readable literal data. */
const DISTRIBUTIONS: readonly Distribution[] = ['integers', 'uniform', 'normal'];
/**
 * With `--special`: the ordinary distributions and the special-value ones, one draw each (so about
 * half the cases hold NaN, infinities, signed zeros, subnormals or overflowing values).
 */
const SPECIAL_DISTRIBUTIONS: readonly Distribution[] = [...DISTRIBUTIONS, 'special', 'subnormal', 'large'];

/** A generated case: the spec and how it was drawn (for statistics). */
export interface FuzzCase {
  readonly spec: CaseSpec;
  readonly convention: ConventionName;
  readonly paddingKind: string;
}

/** The independent raw draws of a case, in the order fast-check draws them (the order is the seed's meaning). */
function rawCaseArbitrary(ranks: readonly Rank[], conventions: readonly ConventionName[], special: boolean) {
  return fc.record({
    rank: choice(ranks),
    axes: new AxesArbitrary(Math.max(...ranks)),
    convention: choice(conventions),
    // A quarter of the cases dilate (some axes of) the kernel.
    dilated: sometimes(3),
    tfPadding: choice<'SAME' | 'VALID'>(['SAME', 'VALID']),
    tfMode: choice(TF_MODES),
    onnxMode: choice(ONNX_MODES),
    onnxOutputPadding: fc.boolean(),
    autoPad: fc.integer({ min: 0, max: 11 }),
    torchMode: choice(TORCH_MODES),
    channels: rawChannels,
    channelsLast: fc.boolean(),
    bias: fc.boolean(),
    distribution: choice(special ? SPECIAL_DISTRIBUTIONS : DISTRIBUTIONS),
    seed: fc.noShrink(fc.integer({ min: 0, max: 0xffffffff })),
  });
}
type RawCase = ReturnType<typeof rawCaseArbitrary> extends fc.Arbitrary<infer Raw> ? Raw : never;

/** The padding fields of the raw case's convention. */
function paddingOf(raw: RawCase, axes: readonly Axis[], raws: readonly RawAxis[], budget: number): Padding {
  if (raw.convention === 'tf') return tfPadding(axes, raws, raw.tfPadding, raw.tfMode);
  if (raw.convention === 'onnx')
    return onnxPadding(axes, raws, budget, raw.onnxMode, raw.onnxOutputPadding, raw.autoPad);
  return torchPadding(axes, raws, raw.torchMode);
}

/**
 * Clamps the raw draws into a valid case, in the order of the file comment; null when the
 * spatial part alone exceeds the work budget (no channel count can bring it back in).
 */
function caseOf(raw: RawCase, space: FuzzSpace, name: string): FuzzCase | null {
  const { rank, convention } = raw;
  const budget = axisBudget(rank, space.maxElements);
  const raws = raw.axes.slice(0, rank);
  const axes = raws.map((rawOne) => axisOf(rawOne, budget, raw.dilated));
  const padding = paddingOf(raw, axes, raws, budget);
  const maxWork = space.maxWork ?? DEFAULT_FUZZ_MAX_WORK;
  if (denseSpatialWork(axes, padding.outputs) > maxWork) return null;
  const channels = channelsOf(raw.channels, axes, padding.outputs, { maxElements: space.maxElements, maxWork });
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
}

/** Valid case specs over `space` (see the file comment). Throws when no rank fits the budget. */
export function caseArbitrary(space: FuzzSpace = DEFAULT_SPACE, name = 'fuzz'): fc.Arbitrary<FuzzCase> {
  const ranks = feasibleRanks(space);
  if (ranks.length === 0) {
    throw new Error(`max elements ${space.maxElements} leaves no room for any of the ranks ${space.dims.join(', ')}`);
  }
  const conventions = CONVENTION_NAMES.filter((convention) => space.conventions.includes(convention));
  if (conventions.length === 0) throw new Error('no convention selected');
  // The filter drops the few draws over the work budget (space.ts): a rejection, not a clamp,
  // because no later value can repair them, and rare enough (<1 %) not to slow generation.
  return rawCaseArbitrary(ranks, conventions, space.special === true)
    .map((raw) => caseOf(raw, space, name))
    .filter((fuzzCase): fuzzCase is FuzzCase => fuzzCase !== null);
}

/** The convention a spec is written in (what its `padding` says). */
export function conventionOf(spec: CaseSpec): ConventionName {
  const padding = spec.padding;
  if (padding === 'SAME' || padding === 'VALID') return 'tf';
  if (typeof padding === 'object' && padding !== null && !Array.isArray(padding)) return 'onnx';
  return 'torch';
}
