/**
 * Diagnosis of a value mismatch: known explanations, each tested by building the expectation it
 * implies (from the reference output, or by re-running the float64 reference with modified
 * inputs / geometry) and checking the runner's output against it under the same tolerance. The
 * first that fits is named; otherwise the location of the mismatches is described.
 *
 * Order: float32 rounding (non-auto tolerances) -> (a) shift (beginCrop +-1 per axis and
 * combinations, then +-2, +-3 on one axis) -> (b) kernel rotated 180 degrees -> (c) kernel in/out
 * channel axes swapped -> (d) spatial axes transposed (output, kernel, input) -> (e) layout
 * confusion (output, input) -> (f) bias missing / doubled -> (g) location pattern (borders,
 * stride phase, channels, batch) -> reduced precision (float16/TF32, bfloat16 error bounds; last,
 * because those bounds are loose) -> 'none' ("no known pattern").
 */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import { layoutFor } from '../geometry/build.js';
import { convTransposeReference } from '../reference/index.js';
import type { CaseTensors } from '../tensor.js';
import { spatialAxisNames, type OutputIndexer } from './coords.js';
import { AUTO_TOLERANCE, BFLOAT16_UNIT_ROUNDOFF, FLOAT16_UNIT_ROUNDOFF, type Tolerance } from './tolerance.js';
import {
  flipKernel,
  misreadLayout,
  shiftedGeometry,
  swapDims,
  swapKernelChannels,
  toOtherLayout,
} from './transform.js';
import type { AxisShift, Diagnosis, Explanation, LocationSummary, TriedHypothesis } from './types.js';
import { allowedDifference, isClose, type ErrorBudget } from './values.js';

export interface ReferenceValues {
  readonly output: Float64Array;
  readonly termCount: Uint32Array;
  readonly absSum: Float64Array;
}

export interface DiagnosisInput {
  readonly actual: ArrayLike<number>;
  readonly reference: ReferenceValues;
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  readonly tolerance: Tolerance;
  readonly nanEqual: boolean;
  /** 1 where the output is not close to the reference. */
  readonly mismatchMask: Uint8Array;
  readonly indexer: OutputIndexer;
  /** Skip the hypotheses, describe only where the mismatches are (non-finite mismatches). */
  readonly locationOnly?: boolean;
  /** Largest single-axis beginCrop offset tried (default 3). */
  readonly maxShift?: number;
}

type Allowed = (expected: number, index: number) => number;

const budgetAllowed =
  (budget: ErrorBudget): Allowed =>
  (expected, index) =>
    allowedDifference(budget, expected, index);

/** Mismatches of `actual` against a candidate expectation; stops counting past `limit`. */
function countMismatches(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  allowed: Allowed,
  nanEqual: boolean,
  limit = Number.POSITIVE_INFINITY,
): number {
  let count = 0;
  for (let index = 0; index < expected.length; index++) {
    const e = expected[index]!;
    if (!isClose(actual[index]!, e, allowed(e, index), nanEqual) && ++count > limit) return count;
  }
  return count;
}

/** A candidate expectation with its own float32 budget (auto tolerance needs per-element bounds). */
interface Candidate {
  readonly output: ArrayLike<number>;
  readonly termCount: ArrayLike<number>;
  readonly absSum: ArrayLike<number>;
}

interface Hypothesis {
  readonly kind: Explanation['kind'];
  readonly axis?: string;
  readonly label: string;
  /** Returns null when the hypothesis does not apply (identity or impossible for this geometry). */
  readonly candidate: () => Candidate | null;
  readonly detail: string;
}

const AXIS_WORDS: Record<string, [string, string]> = {
  D: ['plane', 'planes'],
  H: ['row', 'rows'],
  W: ['column', 'columns'],
};

function rowWord(axis: string, count: number): string {
  const words = AXIS_WORDS[axis] ?? ['element', 'elements'];
  return count === 1 ? words[0] : words[1];
}

/** Words for one shifted axis: the crop the runner used, and the convention slip it suggests. */
function describeAxisShift(geometry: ConvTransposeGeometry, axisIndex: number, delta: number, name: string) {
  const axis = geometry.axes[axisIndex]!;
  const begin = axis.beginCrop;
  const end = axis.endCrop;
  // The crop total the SAME rules split (ONNX counts output_padding in it).
  const total = begin + end + (geometry.convention.kind === 'onnx' ? axis.outputPadding : 0);
  const crop = `beginCrop ${begin + delta} instead of ${begin} on axis ${name}`;
  let side: string;
  let hint: string | null = null;
  if (axis.outputPadding > 0 && delta === -axis.outputPadding) {
    side = `the output_padding ${axis.outputPadding} were added at the start`;
    hint = 'output_padding belongs at the end (ONNX / PyTorch)';
  } else if (delta === 1 && total > 0 && total % 2 === 1 && begin === Math.floor(total / 2)) {
    side = `the extra pad ${rowWord(name, 1)} were at the start`;
    hint = 'TF SAME / SAME_UPPER vs SAME_LOWER / NOTSET+output_shape';
  } else if (delta === -1 && total > 0 && total % 2 === 1 && begin === Math.ceil(total / 2)) {
    side = `the extra pad ${rowWord(name, 1)} were at the end`;
    hint = 'SAME_LOWER / NOTSET+output_shape vs TF SAME / SAME_UPPER';
  } else {
    const moved = Math.abs(delta);
    side = `the output started ${moved} ${rowWord(name, moved)} ${delta > 0 ? 'later' : 'earlier'}`;
    hint = 'pads / output_padding / output_shape split between start and end differently';
  }
  return { crop, side, hint };
}

function shiftExplanation(geometry: ConvTransposeGeometry, deltas: readonly number[]): Explanation {
  const names = spatialAxisNames(geometry.rank);
  const parts = deltas
    .map((delta, index) => ({ delta, index }))
    .filter((entry) => entry.delta !== 0)
    .map((entry) => ({
      ...entry,
      name: names[entry.index]!,
      ...describeAxisShift(geometry, entry.index, entry.delta, names[entry.index]!),
    }));
  const shifts: AxisShift[] = parts.map((part) => ({
    axis: part.name,
    delta: part.delta,
    expectedBeginCrop: geometry.axes[part.index]!.beginCrop,
    actualBeginCrop: geometry.axes[part.index]!.beginCrop + part.delta,
  }));
  const sides = [...new Set(parts.map((part) => part.side))];
  const hints = [...new Set(parts.map((part) => part.hint).filter((hint): hint is string => hint !== null))];
  const axis = parts.map((part) => part.name).join(',');
  const sideText =
    sides.length === 1 && parts.length > 1
      ? `${sides[0]} on ${parts.map((part) => part.name).join(' and ')}`
      : sides.join(' and ');
  const detail = `output shifted along ${axis}: matches if ${sideText} (${parts.map((part) => part.crop).join(', ')})${hints.length ? `: ${hints.join('; ')}` : ''}`;
  return { kind: 'shift', axis, detail, shifts };
}

/** Offsets to try, in order: one axis +-1, several axes +-1, one axis +-2..+-maxShift. */
function shiftVectors(geometry: ConvTransposeGeometry, maxShift: number): number[][] {
  const rank = geometry.rank;
  const vectors: number[][] = [];
  for (let axis = 0; axis < rank; axis++) {
    for (const delta of [1, -1]) vectors.push(Array.from({ length: rank }, (_, a) => (a === axis ? delta : 0)));
  }
  if (rank > 1) {
    const combos: number[][] = [];
    const total = 3 ** rank;
    for (let code = 0; code < total; code++) {
      const vector: number[] = [];
      let rest = code;
      for (let a = 0; a < rank; a++) {
        vector.push((rest % 3) - 1);
        rest = Math.floor(rest / 3);
      }
      if (vector.filter((delta) => delta !== 0).length >= 2) combos.push(vector);
    }
    // All axes the same way first (the usual SAME_UPPER/SAME_LOWER slip), then mixed.
    const uniform = (v: number[]): boolean => v.every((d) => d === v[0]);
    combos.sort((a, b) => Number(uniform(b)) - Number(uniform(a)));
    vectors.push(...combos);
  }
  for (let magnitude = 2; magnitude <= maxShift; magnitude++) {
    for (let axis = 0; axis < rank; axis++) {
      if (geometry.axes[axis]!.outputSize <= magnitude) continue;
      for (const delta of [magnitude, -magnitude]) {
        vectors.push(Array.from({ length: rank }, (_, a) => (a === axis ? delta : 0)));
      }
    }
  }
  return vectors;
}

/**
 * Cheap test of a shift: output element j should equal reference element j + delta wherever that
 * is inside the output. Stops at the first mismatch.
 */
function interiorFits(input: DiagnosisInput, deltas: readonly number[], allowed: Allowed): boolean {
  const { actual, reference, indexer, nanEqual } = input;
  const dims = indexer.spatialDims;
  const strides = dims.map((dim) => indexer.strides[dim]!);
  const sizes = dims.map((dim) => indexer.shape[dim]!);
  let offset = 0;
  deltas.forEach((delta, axis) => (offset += delta * strides[axis]!));
  const expected = reference.output;
  for (let index = 0; index < expected.length; index++) {
    let inside = true;
    for (let axis = 0; axis < deltas.length; axis++) {
      const delta = deltas[axis]!;
      if (delta === 0) continue;
      const j = (Math.floor(index / strides[axis]!) % sizes[axis]!) + delta;
      if (j < 0 || j >= sizes[axis]!) {
        inside = false;
        break;
      }
    }
    if (!inside) continue;
    const source = index + offset;
    const e = expected[source]!;
    if (!isClose(actual[index]!, e, allowed(e, source), nanEqual)) return false;
  }
  return true;
}

function referenceCandidate(geometry: ConvTransposeGeometry, tensors: CaseTensors): Candidate {
  return convTransposeReference(geometry, tensors, { withBounds: true });
}

function allowedFor(tolerance: Tolerance, candidate: Candidate): Allowed {
  return budgetAllowed({ tolerance, termCount: candidate.termCount, absSum: candidate.absSum });
}

/** The bound of an implementation with unit roundoff u (float32's bound with another u). */
function reducedPrecisionAllowed(unitRoundoff: number, reference: ReferenceValues): Allowed {
  return (expected, index) => {
    const terms = reference.termCount[index]! + 1;
    const nu = terms * unitRoundoff;
    const gamma = nu < 1 ? nu / (1 - nu) : Number.POSITIVE_INFINITY;
    return gamma * reference.absSum[index]! + unitRoundoff * Math.abs(expected) + terms * 2 ** -24;
  };
}

function hypotheses(input: DiagnosisInput): Hypothesis[] {
  const { geometry, tensors, reference } = input;
  const names = spatialAxisNames(geometry.rank);
  const list: Hypothesis[] = [];
  const taps = geometry.axes.reduce((total, axis) => total * axis.kernelSize, 1);

  // (b) kernel rotated 180 degrees
  if (taps > 1) {
    list.push({
      kind: 'kernel-flipped',
      label: 'kernel rotated 180 degrees',
      candidate: () => referenceCandidate(geometry, { ...tensors, weight: flipKernel(tensors.weight, geometry) }),
      detail:
        'matches with the kernel rotated 180 degrees (every spatial kernel axis flipped): the runner computes a ' +
        'correlation where a transposed convolution is expected, or flips the kernel once too often / too few ' +
        'times when lowering to a forward convolution',
    });
  }
  // (c) kernel in/out channel axes swapped
  if (geometry.inChannelsPerGroup === geometry.outChannelsPerGroup && geometry.inChannelsPerGroup > 1) {
    list.push({
      kind: 'kernel-channels-swapped',
      label: 'kernel channel axes swapped',
      candidate: () =>
        referenceCandidate(geometry, { ...tensors, weight: swapKernelChannels(tensors.weight, geometry) }),
      detail:
        "matches with the kernel's input and output channel axes swapped: the weight was read as [M/group, C, k...] " +
        '(the forward-convolution / TF [k..., out, in] order) instead of [C, M/group, k...]',
    });
  }
  // (d) spatial axes transposed
  const spatialFirst = geometry.channelsLast ? 1 : 2;
  for (let a = 0; a < geometry.rank; a++) {
    for (let b = a + 1; b < geometry.rank; b++) {
      const pair = `${names[a]},${names[b]}`;
      const both = `${names[a]} and ${names[b]}`;
      const axisA = geometry.axes[a]!;
      const axisB = geometry.axes[b]!;
      if (axisA.outputSize === axisB.outputSize && axisA.outputSize > 1) {
        const shape = geometry.outputShape;
        list.push({
          kind: 'spatial-transposed',
          axis: pair,
          label: `output ${both} transposed`,
          candidate: () => ({
            output: swapDims(reference.output, shape, spatialFirst + a, spatialFirst + b),
            termCount: swapDims(reference.termCount, shape, spatialFirst + a, spatialFirst + b),
            absSum: swapDims(reference.absSum, shape, spatialFirst + a, spatialFirst + b),
          }),
          detail: `matches with the output's spatial axes ${both} transposed (the whole problem computed with ${both} swapped, or the result transposed)`,
        });
      }
      if (axisA.kernelSize === axisB.kernelSize && axisA.kernelSize > 1) {
        list.push({
          kind: 'spatial-transposed',
          axis: pair,
          label: `kernel ${both} transposed`,
          candidate: () =>
            referenceCandidate(geometry, {
              ...tensors,
              weight: swapDims(tensors.weight, geometry.weightShape, 2 + a, 2 + b),
            }),
          detail: `matches with the kernel's spatial axes ${both} transposed (the weight's k${names[a]} and k${names[b]} swapped)`,
        });
      }
      if (axisA.inputSize === axisB.inputSize && axisA.inputSize > 1) {
        list.push({
          kind: 'spatial-transposed',
          axis: pair,
          label: `input ${both} transposed`,
          candidate: () =>
            referenceCandidate(geometry, {
              ...tensors,
              input: swapDims(tensors.input, geometry.inputShape, spatialFirst + a, spatialFirst + b),
            }),
          detail: `matches with the input's spatial axes ${both} transposed`,
        });
      }
    }
  }
  // (e) layout confusion
  const outputPixels = geometry.axes.reduce((total, axis) => total * axis.outputSize, 1);
  const inputPixels = geometry.axes.reduce((total, axis) => total * axis.inputSize, 1);
  const otherLayout = layoutFor(geometry.rank, !geometry.channelsLast);
  if (geometry.outChannels > 1 && outputPixels > 1) {
    const relayout = <T extends Float64Array | Uint32Array>(data: T): T =>
      toOtherLayout(data, geometry.batch, geometry.outChannels, geometry.channelsLast);
    list.push({
      kind: 'layout',
      label: `output in ${otherLayout}`,
      candidate: () => ({
        output: relayout(reference.output),
        termCount: relayout(reference.termCount),
        absSum: relayout(reference.absSum),
      }),
      detail: `matches the reference laid out ${otherLayout} while the output is declared ${geometry.layout}: ${geometry.layout}/${otherLayout} layout confusion (the runner's flat output is in the other layout: a missing or extra transpose)`,
    });
  }
  if (geometry.inChannels > 1 && inputPixels > 1) {
    list.push({
      kind: 'layout',
      label: `input read as ${otherLayout}`,
      candidate: () =>
        referenceCandidate(geometry, {
          ...tensors,
          input: misreadLayout(tensors.input, geometry.batch, geometry.inChannels, geometry.channelsLast),
        }),
      detail: `matches with the ${geometry.layout} input read as ${otherLayout}: ${geometry.layout}/${otherLayout} layout confusion on the input`,
    });
  }
  // (f) bias
  const bias = tensors.bias;
  if (geometry.hasBias && bias !== null && bias.some((value) => value !== 0)) {
    const biasShifted = (sign: 1 | -1): Candidate => {
      const output = Float64Array.from(reference.output);
      const absSum = Float64Array.from(reference.absSum);
      const termCount = Float64Array.from(reference.termCount);
      for (let index = 0; index < output.length; index++) {
        const b = bias[input.indexer.channelOf(index)]!;
        output[index] = output[index]! + sign * b;
        if (sign > 0) {
          absSum[index] = absSum[index]! + Math.abs(b);
          termCount[index] = termCount[index]! + 1;
        }
      }
      return { output, termCount, absSum };
    };
    list.push({
      kind: 'bias-missing',
      label: 'bias missing',
      candidate: () => biasShifted(-1),
      detail:
        'matches without the bias: the runner dropped B (e.g. an optional third input not wired, or use_bias ignored)',
    });
    list.push({
      kind: 'bias-doubled',
      label: 'bias doubled',
      candidate: () => biasShifted(1),
      detail: 'matches with the bias added twice (e.g. fused into the op and added again afterwards)',
    });
  }
  return list;
}

/** Where the mismatches are: border zones, stride phases, channels, batch items. */
export function locateMismatches(
  geometry: ConvTransposeGeometry,
  mask: Uint8Array,
  indexer: OutputIndexer,
): LocationSummary {
  const names = spatialAxisNames(geometry.rank);
  const rank = geometry.rank;
  const widths = geometry.axes.map((axis) => Math.max(1, axis.effectiveKernelSize - 1));
  const startCounts = new Array<number>(rank).fill(0);
  const endCounts = new Array<number>(rank).fill(0);
  const phaseSeen = geometry.axes.map((axis) => new Uint8Array(axis.stride));
  const channelSeen = new Uint8Array(geometry.outChannels);
  const batchSeen = new Uint8Array(geometry.batch);
  let mismatched = 0;
  let allBorder = true;
  const dims = indexer.spatialDims;
  for (let index = 0; index < mask.length; index++) {
    if (mask[index] === 0) continue;
    mismatched++;
    const coordinates = indexer.coordinates(index);
    channelSeen[coordinates[indexer.channelDim]!] = 1;
    batchSeen[coordinates[0]!] = 1;
    let border = false;
    for (let axis = 0; axis < rank; axis++) {
      const j = coordinates[dims[axis]!]!;
      const geometryAxis = geometry.axes[axis]!;
      if (j < widths[axis]!) {
        startCounts[axis]!++;
        border = true;
      }
      if (j >= geometryAxis.outputSize - widths[axis]!) {
        endCounts[axis]!++;
        border = true;
      }
      const phase = (((j + geometryAxis.beginCrop) % geometryAxis.stride) + geometryAxis.stride) % geometryAxis.stride;
      phaseSeen[axis]![phase] = 1;
    }
    if (!border) allBorder = false;
  }
  const hasInterior = geometry.axes.every((axis, index) => axis.outputSize > 2 * widths[index]!);
  const edges: LocationSummary['edges'] = [];
  for (let axis = 0; axis < rank; axis++) {
    if (startCounts[axis]! > 0) edges.push({ axis: names[axis]!, side: 'start', count: startCounts[axis]! });
    if (endCounts[axis]! > 0) edges.push({ axis: names[axis]!, side: 'end', count: endCounts[axis]! });
  }
  const stridePhases: LocationSummary['stridePhases'] = [];
  geometry.axes.forEach((axis, index) => {
    if (axis.stride < 2 || mismatched === 0) return;
    const present = Math.min(axis.stride, axis.outputSize);
    const phases = [...phaseSeen[index]!.keys()].filter((phase) => phaseSeen[index]![phase] === 1);
    if (phases.length < present) stridePhases.push({ axis: names[index]!, stride: axis.stride, phases });
  });
  const subset = (seen: Uint8Array): number[] | null => {
    const list = [...seen.keys()].filter((key) => seen[key] === 1);
    return list.length < seen.length && mismatched > 0 ? list : null;
  };
  return {
    mismatched,
    borderOnly: mismatched > 0 && allBorder && hasInterior,
    borderWidth: widths,
    edges,
    stridePhases,
    channels: subset(channelSeen),
    batches: subset(batchSeen),
  };
}

function ranges(values: readonly number[]): string {
  const parts: string[] = [];
  for (let start = 0; start < values.length;) {
    let end = start;
    while (end + 1 < values.length && values[end + 1] === values[end]! + 1) end++;
    parts.push(end === start ? String(values[start]) : `${values[start]}-${values[end]}`);
    start = end + 1;
  }
  return parts.join(', ');
}

function locationExplanation(
  geometry: ConvTransposeGeometry,
  location: LocationSummary,
  total: number,
  prefix: string,
): Explanation {
  if (location.borderOnly) {
    const edges = location.edges.map((edge) => `${edge.axis} ${edge.side} ${edge.count}`).join(', ');
    const axes = [...new Set(location.edges.map((edge) => edge.axis))].join(',');
    return {
      kind: 'border',
      axis: axes,
      detail: `${prefix}mismatches only near the edges (within k_eff - 1 of an edge; ${edges}): padding / crop handling (pads, output_padding, output_shape, the zero rows past the full output)`,
    };
  }
  if (location.stridePhases.length > 0) {
    const parts = location.stridePhases.map(
      (entry) =>
        `${entry.axis}: phase ${entry.phases.join(', ')} of ${entry.stride} (output index j with (j + beginCrop) mod ${entry.stride} in {${entry.phases.join(', ')}})`,
    );
    return {
      kind: 'stride-phase',
      axis: location.stridePhases.map((entry) => entry.axis).join(','),
      detail: `${prefix}mismatches only on some stride phases (${parts.join('; ')}): kernel tap selection / zero insertion / dilation indexing`,
    };
  }
  if (location.channels !== null) {
    const perGroup = geometry.outChannelsPerGroup;
    const groups = [...new Set(location.channels.map((channel) => Math.floor(channel / perGroup)))];
    const groupText =
      geometry.group > 1 ? ` (group${groups.length > 1 ? 's' : ''} ${ranges(groups)} of ${geometry.group})` : '';
    return {
      kind: 'channels',
      detail: `${prefix}mismatches only in output channels ${ranges(location.channels)} of ${geometry.outChannels}${groupText}: per-channel weights / group handling`,
    };
  }
  if (location.batches !== null) {
    return {
      kind: 'batch',
      detail: `${prefix}mismatches only in batch items ${ranges(location.batches)} of ${geometry.batch}: batch handling`,
    };
  }
  const spread =
    location.mismatched === total
      ? 'every element'
      : `${location.mismatched} of ${total} elements, spread across the output`;
  return { kind: 'none', detail: `no known pattern (mismatches: ${spread})` };
}

export function diagnose(input: DiagnosisInput): Diagnosis {
  const { geometry, tolerance, actual, reference, nanEqual } = input;
  const tried: TriedHypothesis[] = [];
  const location = locateMismatches(geometry, input.mismatchMask, input.indexer);
  const done = (explanation: Explanation): Diagnosis => ({
    explanation,
    location,
    tried,
    summary: explanation.detail,
  });
  if (input.locationOnly) return done(locationExplanation(geometry, location, reference.output.length, ''));

  const fitsCandidate = (candidate: Candidate, allowed: Allowed): number =>
    countMismatches(actual, candidate.output, allowed, nanEqual);

  // float32 rounding under a tighter-than-auto tolerance
  if (tolerance.kind !== 'auto') {
    const mismatched = fitsCandidate(reference, allowedFor(AUTO_TOLERANCE, reference));
    tried.push({ kind: 'rounding', label: 'float32 rounding (auto bound)', fits: mismatched === 0, mismatched });
    if (mismatched === 0) {
      return done({
        kind: 'rounding',
        detail:
          'within the float32 error bound (auto tolerance): the differences are rounding of float32 accumulation; the tolerance is tighter than float32 allows',
      });
    }
  }

  // (a) shifts
  const referenceAllowed = allowedFor(tolerance, reference);
  let rejected = 0;
  for (const deltas of shiftVectors(geometry, input.maxShift ?? 3)) {
    if (!interiorFits(input, deltas, referenceAllowed)) {
      rejected++;
      continue;
    }
    const shifted = referenceCandidate(shiftedGeometry(geometry, deltas), input.tensors);
    const mismatched = fitsCandidate(shifted, allowedFor(tolerance, shifted));
    const explanation = shiftExplanation(geometry, deltas);
    tried.push({
      kind: 'shift',
      axis: explanation.axis!,
      label: `beginCrop ${explanation.shifts!.map((shift) => `${shift.axis}${shift.delta > 0 ? '+' : ''}${shift.delta}`).join(' ')}`,
      fits: mismatched === 0,
      mismatched,
    });
    if (mismatched === 0) return done(explanation);
  }
  if (rejected > 0) {
    tried.push({
      kind: 'shift',
      label: `beginCrop offsets (${rejected} rejected on the overlapping part)`,
      fits: false,
      mismatched: null,
    });
  }

  // (b)-(f)
  for (const hypothesis of hypotheses(input)) {
    const candidate = hypothesis.candidate();
    if (candidate === null) continue;
    const mismatched = fitsCandidate(candidate, allowedFor(tolerance, candidate));
    tried.push({
      kind: hypothesis.kind,
      ...(hypothesis.axis !== undefined ? { axis: hypothesis.axis } : {}),
      label: hypothesis.label,
      fits: mismatched === 0,
      mismatched,
    });
    if (mismatched === 0) {
      return done({
        kind: hypothesis.kind,
        ...(hypothesis.axis !== undefined ? { axis: hypothesis.axis } : {}),
        detail: hypothesis.detail,
      });
    }
  }

  // (g) location patterns
  const pattern = locationExplanation(geometry, location, reference.output.length, 'no known transformation fits; ');
  if (pattern.kind !== 'none') return done(pattern);

  // reduced precision
  for (const [name, u] of [
    ['float16 / TF32 (11-bit significand)', FLOAT16_UNIT_ROUNDOFF],
    ['bfloat16 (8-bit significand)', BFLOAT16_UNIT_ROUNDOFF],
  ] as const) {
    const mismatched = fitsCandidate(reference, reducedPrecisionAllowed(u, reference));
    tried.push({ kind: 'reduced-precision', label: name, fits: mismatched === 0, mismatched });
    if (mismatched === 0) {
      return done({
        kind: 'reduced-precision',
        detail: `consistent with ${name} arithmetic (within its error bound, not float32's): the runner computes or accumulates in reduced precision (TF32 matmul, half-precision kernels)`,
      });
    }
  }

  return done(pattern);
}
