/** Shape mismatches and their likely causes (layout, group / channels, padding conventions). */
import { layoutFor } from '../geometry/build.js';
import type { AxisGeometry, ConvTransposeGeometry } from '../geometry/types.js';
import { spatialAxisNames } from './coords.js';
import type { ShapeCause } from './types.js';

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((size, dim) => size === b[dim]);

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** The expected output shape written in the other layout (NCHW <-> NHWC). */
export function otherLayoutShape(geometry: ConvTransposeGeometry): number[] {
  const spatial = geometry.axes.map((axis) => axis.outputSize);
  return geometry.channelsLast
    ? [geometry.batch, geometry.outChannels, ...spatial]
    : [geometry.batch, ...spatial, geometry.outChannels];
}

function signed(delta: number): string {
  return delta > 0 ? `+${delta}` : String(delta);
}

/** Sizes other conventions would give along an axis, named by the convention slip that gives them. */
function spatialCandidates(axis: AxisGeometry): { size: number; reason: string }[] {
  const { inputSize: i, stride: s, effectiveKernelSize: kEff, fullSize: full, outputPadding: op } = axis;
  const candidates = [
    {
      size: full,
      reason: `no crop at all: the full (i-1)*s + k_eff = ${full} (padding / output_shape ignored, or VALID)`,
    },
    {
      size: i * s,
      reason: `i*s = ${i * s}: SAME's size (TF/Keras SAME or ONNX auto_pad SAME_*) with output_shape / output_padding ignored`,
    },
    {
      size: i * s + Math.max(kEff - s, 0),
      reason: `i*s + max(k_eff - s, 0) = ${i * s + Math.max(kEff - s, 0)}: Keras VALID without output_padding`,
    },
  ];
  // These two only name a different slip when their term is nonzero; otherwise they are `full`.
  if (op > 0)
    candidates.push({ size: full + op, reason: `full + output_padding = ${full + op}: VALID (pads ignored)` });
  if (axis.beginCrop > 0) {
    candidates.push({
      size: full - 2 * axis.beginCrop,
      reason: `full - 2*beginCrop = ${full - 2 * axis.beginCrop}: the start crop applied on both sides (symmetric padding, as PyTorch's)`,
    });
  }
  if (axis.endCrop > 0) {
    candidates.push({
      size: full - 2 * axis.endCrop,
      reason: `full - 2*endCrop = ${full - 2 * axis.endCrop}: the end crop applied on both sides (symmetric padding)`,
    });
  }
  if (op > 0) {
    candidates.push(
      { size: axis.outputSize - op, reason: `output_padding ${op} ignored` },
      { size: axis.outputSize + op, reason: `output_padding ${op} applied twice` },
    );
  }
  return candidates;
}

const OFF_BY_ONE =
  'off by one: the total crop differs by one. TF SAME accepts any o in [s(i-1)+1, s*i] and takes the crop from ' +
  'output_shape; ONNX (NOTSET/SAME_LOWER + output_shape, or output_padding) and PyTorch (output_padding / ' +
  'output_size) reach odd sizes only through output_padding or output_shape, so one of them was dropped, added or ' +
  'split differently';

/** `detail` with every reason; `brief` with the first alone when there are several. */
function explained(what: string, reasons: readonly string[]): Pick<ShapeCause, 'detail' | 'brief'> {
  const detail = `${what}: ${reasons.join('; ')}`;
  return reasons.length > 1
    ? { detail, brief: `${what}: ${reasons[0]!} (and ${reasons.length - 1} more)` }
    : { detail };
}

function spatialCause(name: string, axis: AxisGeometry, actual: number): ShapeCause {
  const expected = axis.outputSize;
  const delta = actual - expected;
  const reasons = spatialCandidates(axis)
    .filter((candidate) => candidate.size === actual && candidate.size !== expected)
    .map((candidate) => candidate.reason);
  if (Math.abs(delta) === 1) reasons.push(OFF_BY_ONE);
  if (reasons.length === 0) reasons.push('padding / output_padding / output_shape resolved differently');
  return {
    kind: 'spatial',
    axis: name,
    expected,
    actual,
    delta,
    ...explained(`axis ${name}: expected ${expected}, got ${actual} (${signed(delta)})`, [...new Set(reasons)]),
  };
}

function channelCause(geometry: ConvTransposeGeometry, actual: number): ShapeCause {
  const { outChannels: m, inChannels: c, group } = geometry;
  const reasons: string[] = [];
  if (group > 1 && actual === m / group) {
    reasons.push(`M/group = ${actual}: group ${group} ignored (the weight's second axis taken as all output channels)`);
  }
  if (group > 1 && actual === m * group) {
    reasons.push(
      `M*group = ${actual}: out_channels multiplied by group (weight [C, M/group, k...] read as M per group)`,
    );
  }
  if (actual === c && c !== m) {
    reasons.push(
      `C = ${actual}: input and output channel roles swapped (weight read as [M, C/group, k...], the forward-convolution layout)`,
    );
  }
  if (reasons.length === 0) reasons.push('out_channels / group resolved differently');
  return {
    kind: 'channels',
    axis: 'C',
    expected: m,
    actual,
    delta: actual - m,
    ...explained(`channels: expected ${m}, got ${actual} (${signed(actual - m)})`, reasons),
  };
}

/** Likely causes of a shape mismatch, most specific first (always at least one). */
export function shapeCauses(
  geometry: ConvTransposeGeometry,
  actualShape: readonly number[],
  actualElements: number,
): ShapeCause[] {
  const expected = geometry.outputShape;
  const expectedElements = geometry.outputElements;
  if (sameShape(expected, actualShape)) {
    return [
      {
        kind: 'length',
        expected: expectedElements,
        actual: actualElements,
        delta: actualElements - expectedElements,
        detail: `the shape ${shapeText(actualShape)} is right but the runner returned ${actualElements} values for ${expectedElements} elements (a runner bug: truncated or padded data)`,
      },
    ];
  }
  if (actualShape.length !== expected.length) {
    const product = actualShape.reduce((total, size) => total * size, 1);
    const hints: string[] = [];
    if (product === expectedElements) hints.push('same element count: the output was flattened or reshaped');
    if (actualShape.length === expected.length - 1 && sameShape(actualShape, expected.slice(1))) {
      hints.push('the batch dimension is missing');
    }
    const squeezed = expected.filter((size) => size !== 1);
    if (
      sameShape(
        actualShape.filter((size) => size !== 1),
        squeezed,
      )
    )
      hints.push('unit dimensions added or removed');
    return [
      {
        kind: 'rank',
        expected: expected.length,
        actual: actualShape.length,
        delta: actualShape.length - expected.length,
        detail: `expected a rank-${geometry.rank} output with ${expected.length} dimensions (${geometry.layout}), got ${actualShape.length}${hints.length ? `: ${hints.join('; ')}` : ''}`,
      },
    ];
  }
  const otherLayout = layoutFor(geometry.rank, !geometry.channelsLast);
  if (sameShape(actualShape, otherLayoutShape(geometry))) {
    return [
      {
        kind: 'layout',
        detail: `got ${shapeText(actualShape)}, the expected shape in ${otherLayout}, but the case's layout is ${geometry.layout}: layout confusion (${geometry.layout}/${otherLayout}), a missing or extra transpose of the output`,
      },
    ];
  }
  const sortedEqual = sameShape(
    [...actualShape].sort((a, b) => a - b),
    [...expected].sort((a, b) => a - b),
  );
  const channelDim = geometry.channelsLast ? geometry.rank + 1 : 1;
  const firstSpatial = geometry.channelsLast ? 1 : 2;
  const names = spatialAxisNames(geometry.rank);
  if (sortedEqual) {
    const nonSpatialSame = actualShape[0] === expected[0] && actualShape[channelDim] === expected[channelDim];
    const detail = nonSpatialSame
      ? `got ${shapeText(actualShape)}: the spatial sizes are permuted (spatial axes ${names.join('/')} transposed)`
      : `got ${shapeText(actualShape)}: the expected dimensions in another order (a wrong transpose / layout)`;
    return [{ kind: 'permuted', detail }];
  }
  const causes: ShapeCause[] = [];
  if (actualShape[0] !== expected[0]) {
    causes.push({
      kind: 'batch',
      axis: 'N',
      expected: expected[0]!,
      actual: actualShape[0]!,
      delta: actualShape[0]! - expected[0]!,
      detail: `batch: expected ${expected[0]}, got ${actualShape[0]}`,
    });
  }
  if (actualShape[channelDim] !== expected[channelDim]) causes.push(channelCause(geometry, actualShape[channelDim]!));
  geometry.axes.forEach((axis, index) => {
    const actual = actualShape[firstSpatial + index]!;
    if (actual !== axis.outputSize) causes.push(spatialCause(names[index]!, axis, actual));
  });
  return causes;
}
