/**
 * Resolves a case, in whichever convention it is written, into the canonical geometry. This is the
 * only place that interprets padding; everything downstream reads `ConvTransposeGeometry`.
 */
import type { CaseSpec, OnnxPaddingSpec, WebnnPaddingSpec } from '../case/types.js';
import { buildGeometry, isChannelsLast, layoutFor, type AxisCrop } from './build.js';
import {
  isViolation,
  resolveOnnxAxis,
  resolveTfAxis,
  resolveTorchAxis,
  resolveWebnnAxis,
  type AxisOutcome,
  type AxisParams,
} from './conventions.js';
import type { ConventionSource, ConvTransposeGeometry, Rank } from './types.js';

/** A rule the case breaks, naming the case field (e.g. 'output_shape'). */
export interface GeometryIssue {
  readonly field: string;
  readonly message: string;
}

export type GeometryResult =
  | { readonly ok: true; readonly geometry: ConvTransposeGeometry }
  | { readonly ok: false; readonly issues: readonly GeometryIssue[] };

type PerAxisField = 'strides' | 'dilations' | 'output_padding' | 'output_shape' | 'padding';

/** An int applies to every axis; a list must have one value per axis. */
function perAxis(
  value: number | readonly number[] | undefined,
  fallback: number,
  rank: number,
  field: PerAxisField,
  issues: GeometryIssue[],
): number[] {
  if (value === undefined) return new Array<number>(rank).fill(fallback);
  if (typeof value === 'number') return new Array<number>(rank).fill(value);
  if (value.length === 1 && rank > 1) return new Array<number>(rank).fill(value[0]!);
  if (value.length !== rank) {
    issues.push({
      field,
      message: `${field} has ${value.length} values but the kernel has ${rank} spatial axes`,
    });
    return new Array<number>(rank).fill(fallback);
  }
  return [...value];
}

interface Shape {
  readonly rank: Rank;
  readonly channelsLast: boolean;
  readonly batch: number;
  readonly channels: number;
  readonly spatial: readonly number[];
}

function resolveShape(spec: CaseSpec, issues: GeometryIssue[]): Shape | null {
  const rank = spec.kernel.length as Rank;
  if (spec.input.length !== rank + 2) {
    issues.push({
      field: 'input',
      message: `input has ${spec.input.length} dimensions but a rank-${rank} kernel needs ${rank + 2} ([N, C, ${['W', 'H, W', 'D, H, W'][rank - 1]}] in layout order)`,
    });
    return null;
  }
  const layout = spec.layout ?? layoutFor(rank, false);
  if (layout.length !== rank + 2) {
    issues.push({
      field: 'layout',
      message: `layout ${layout} is for rank ${layout.length - 2}, but the kernel has rank ${rank} (use ${layoutFor(rank, false)} or ${layoutFor(rank, true)})`,
    });
    return null;
  }
  const channelsLast = isChannelsLast(layout);
  const dims = spec.input;
  return {
    rank,
    channelsLast,
    batch: dims[0]!,
    channels: channelsLast ? dims[rank + 1]! : dims[1]!,
    spatial: channelsLast ? dims.slice(1, rank + 1) : dims.slice(2),
  };
}

function checkChannels(spec: CaseSpec, channels: number, issues: GeometryIssue[]): void {
  const group = spec.group ?? 1;
  if (channels % group !== 0) {
    issues.push({ field: 'group', message: `group ${group} does not divide the input channels C = ${channels}` });
  }
  if (spec.out_channels % group !== 0) {
    issues.push({
      field: 'group',
      message: `group ${group} does not divide out_channels M = ${spec.out_channels}`,
    });
  }
}

function isWebnnPadding(padding: CaseSpec['padding']): padding is WebnnPaddingSpec {
  return typeof padding === 'object' && padding !== null && 'webnn' in padding;
}

function isOnnxPadding(padding: CaseSpec['padding']): padding is OnnxPaddingSpec {
  return typeof padding === 'object' && padding !== null && !Array.isArray(padding) && !isWebnnPadding(padding);
}

/**
 * The WebNN form, checked with the convTranspose2d method steps (each failure is a TypeError
 * there). The case's `layout` NCHW/NHWC is options.inputLayout; rank and layout are checked first.
 */
function webnnConvention(
  padding: WebnnPaddingSpec,
  spec: CaseSpec,
  rank: Rank,
  outputSizes: number[] | null,
  issues: GeometryIssue[],
): ConventionSource | null {
  if (rank !== 2) {
    issues.push({
      field: 'padding',
      message: `WebNN convTranspose2d is 2-D only: input and filter must have rank 4 ("If input's rank is not its allowed rank, then throw a TypeError"), but this kernel has ${rank} spatial axes`,
    });
    return null;
  }
  if (padding.webnn.length !== 4) {
    issues.push({
      field: 'padding',
      message: `WebNN padding needs 4 values [beginningHeight, endingHeight, beginningWidth, endingWidth], got ${padding.webnn.length} ("if options.padding's size is not 4, then throw a TypeError")`,
    });
    return null;
  }
  if (outputSizes && spec.output_padding !== undefined) {
    issues.push({
      field: 'output_padding',
      message:
        'with WebNN padding give either output_shape (outputSizes) or output_padding (outputPadding), not both: "When the output sizes are explicitly specified, the output padding values in outputPadding are ignored"',
    });
    return null;
  }
  return {
    kind: 'webnn',
    padding: [...padding.webnn],
    outputPadding: perAxis(spec.output_padding, 0, rank, 'output_padding', issues),
    outputSizes,
  };
}

/** The convention as written, with per-axis values expanded. */
function conventionOf(spec: CaseSpec, rank: Rank, issues: GeometryIssue[]): ConventionSource | null {
  const padding = spec.padding ?? 0;
  const outputShape = spec.output_shape ? perAxis(spec.output_shape, 0, rank, 'output_shape', issues) : null;
  const givenOutputPadding =
    spec.output_padding === undefined ? null : perAxis(spec.output_padding, 0, rank, 'output_padding', issues);
  if (padding === 'SAME' || padding === 'VALID') {
    return { kind: 'tf', padding, outputShape, outputPadding: givenOutputPadding };
  }
  if (isWebnnPadding(padding)) return webnnConvention(padding, spec, rank, outputShape, issues);
  if (isOnnxPadding(padding)) {
    const autoPad = padding.auto_pad ?? 'NOTSET';
    if (padding.pads && autoPad !== 'NOTSET') {
      issues.push({
        field: 'padding',
        message: `ONNX: explicit pads cannot be used together with auto_pad ${autoPad} (the spec allows pads only with auto_pad NOTSET)`,
      });
      return null;
    }
    if (padding.pads && padding.pads.length !== 2 * rank) {
      issues.push({
        field: 'padding',
        message: `ONNX pads needs 2 x ${rank} values [begin per axis..., end per axis...], got ${padding.pads.length}`,
      });
      return null;
    }
    return {
      kind: 'onnx',
      autoPad,
      pads: padding.pads ? [...padding.pads] : null,
      outputShape,
      outputPadding: givenOutputPadding ?? new Array<number>(rank).fill(0),
    };
  }
  return {
    kind: 'torch',
    padding: perAxis(padding, 0, rank, 'padding', issues),
    outputPadding: givenOutputPadding ?? new Array<number>(rank).fill(0),
    outputSize: outputShape,
  };
}

function resolveAxis(convention: ConventionSource, axis: number, params: AxisParams, rank: number): AxisOutcome {
  switch (convention.kind) {
    case 'tf':
      return resolveTfAxis(
        params,
        convention.padding,
        convention.outputShape?.[axis] ?? null,
        convention.outputPadding?.[axis] ?? null,
      );
    case 'onnx':
      return resolveOnnxAxis(
        params,
        convention.autoPad,
        convention.pads?.[axis] ?? 0,
        convention.pads?.[axis + rank] ?? 0,
        convention.outputShape?.[axis] ?? null,
        convention.outputPadding[axis] ?? 0,
      );
    case 'torch':
      return resolveTorchAxis(
        params,
        convention.padding[axis] ?? 0,
        convention.outputSize ? null : (convention.outputPadding[axis] ?? 0),
        convention.outputSize?.[axis] ?? null,
      );
    case 'webnn':
      // padding is [beginningHeight, endingHeight, beginningWidth, endingWidth]: per axis begin, end.
      return resolveWebnnAxis(
        params,
        convention.padding[2 * axis] ?? 0,
        convention.padding[2 * axis + 1] ?? 0,
        convention.outputPadding[axis] ?? 0,
        convention.outputSizes?.[axis] ?? null,
      );
  }
}

const AXIS_NAMES: Record<Rank, readonly string[]> = { 1: ['W'], 2: ['H', 'W'], 3: ['D', 'H', 'W'] };

export function resolveGeometry(spec: CaseSpec): GeometryResult {
  const issues: GeometryIssue[] = [];
  const shape = resolveShape(spec, issues);
  if (!shape) return { ok: false, issues };
  checkChannels(spec, shape.channels, issues);
  const { rank } = shape;
  const strides = perAxis(spec.strides, 1, rank, 'strides', issues);
  const dilations = perAxis(spec.dilations, 1, rank, 'dilations', issues);
  const convention = conventionOf(spec, rank, issues);
  if (!convention || issues.length > 0) return { ok: false, issues };
  if (convention.kind === 'torch' && convention.outputSize && spec.output_padding !== undefined) {
    issues.push({
      field: 'output_padding',
      message: 'with PyTorch padding give either output_shape (forward(..., output_size)) or output_padding, not both',
    });
    return { ok: false, issues };
  }
  const crops: AxisCrop[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const params: AxisParams = {
      inputSize: shape.spatial[axis]!,
      kernelSize: spec.kernel[axis]!,
      stride: strides[axis]!,
      dilation: dilations[axis]!,
    };
    const outcome = resolveAxis(convention, axis, params, rank);
    if (isViolation(outcome)) {
      const where = rank > 1 ? ` (axis ${AXIS_NAMES[rank][axis]})` : '';
      issues.push({ field: outcome.field, message: outcome.message + where });
      continue;
    }
    crops.push({ ...params, ...outcome });
  }
  if (issues.length > 0) return { ok: false, issues };
  const geometry = buildGeometry({
    layout: spec.layout ?? layoutFor(rank, false),
    batch: shape.batch,
    inChannels: shape.channels,
    outChannels: spec.out_channels,
    group: spec.group ?? 1,
    hasBias: spec.bias ?? false,
    axes: crops,
    convention,
  });
  return { ok: true, geometry };
}

export function axisNames(rank: Rank): readonly string[] {
  return AXIS_NAMES[rank];
}
