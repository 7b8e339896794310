/**
 * Which tfjs conv{2,3}dTranspose call(s) reproduce a geometry. TF's own padding decides wherever
 * `tfSpellings` finds a TF spelling; otherwise TF computes the full output ('valid') and tconv
 * crops it. Groups and dilation, which TF's CPU kernel lacks, are emulated (one TF call per group;
 * zeros inserted between kernel taps) and say so in `emulation`.
 */
import { buildGeometry } from '../../src/geometry/build.js';
import { tfSpellings } from '../../src/geometry/spellings.js';
import type { AxisGeometry, ConvTransposeGeometry } from '../../src/geometry/types.js';
import { tfjsPadSpelling, type TfjsExplicitPadding } from './pads.js';
import type { SpatialCrop } from './tensors.js';

export type TfVariant = 'same' | 'valid' | 'valid+crop';
export type TfOp = 'conv2dTranspose' | 'conv3dTranspose';

/** One variant: the TF call made (once per group) and what tconv does around it. */
export interface TfCallPlan {
  readonly variant: TfVariant;
  readonly op: TfOp;
  readonly pad: 'same' | 'valid';
  /** TF spatial axes (1-D cases get a leading height axis of 1). */
  readonly strides: readonly number[];
  /** Per call, channels-last: [N, spatial..., C/group]. */
  readonly xShape: readonly number[];
  /** [k_eff..., M/group, C/group]. */
  readonly filterShape: readonly number[];
  /** [N, spatial..., M/group]. */
  readonly outputShape: readonly number[];
  /** TF calls made, one per group; their outputs are concatenated on channels. */
  readonly groupCalls: number;
  /** Applied by tconv to TF's output (TF spatial axes); null when TF's padding does it. */
  readonly crop: SpatialCrop | null;
  readonly emulation: string | null;
}

/** Upper bound on a zero-inserted filter, so a huge dilation cannot exhaust memory. */
const MAX_FILTER_ELEMENTS = 1 << 26;

/** The problem one TF call solves: one group, kernel already dilated (k_eff taps, d = 1). */
function perCallGeometry(g: ConvTransposeGeometry): ConvTransposeGeometry {
  return buildGeometry({
    layout: g.layout,
    batch: g.batch,
    inChannels: g.inChannelsPerGroup,
    outChannels: g.outChannelsPerGroup,
    group: 1,
    hasBias: g.hasBias,
    axes: g.axes.map((axis) => ({ ...axis, kernelSize: axis.effectiveKernelSize, dilation: 1 })),
    convention: g.convention,
  });
}

/** TF spatial values: 1-D runs as 2-D with a leading axis of `unit`. */
const tfAxes = (g: ConvTransposeGeometry, values: readonly number[], unit: number): number[] =>
  g.rank === 1 ? [unit, ...values] : [...values];

function emulationText(g: ConvTransposeGeometry, crop: boolean): string | null {
  const parts: string[] = [];
  if (crop) {
    const extends_ = g.axes.some((axis) => axis.endCrop < 0);
    parts.push(
      `TF 'valid' computes the full output (${g.axes.map((a) => a.fullSize).join('x')}); tconv crops [begin, begin + o) per axis (begin ${g.axes.map((a) => a.beginCrop).join(',')})${extends_ ? ' and appends bias-only rows past the full size' : ''}`,
    );
  }
  if (g.group > 1) {
    parts.push(
      `per-group emulation: ${g.group} TF calls (${g.inChannelsPerGroup} -> ${g.outChannelsPerGroup} channels each), outputs concatenated on channels`,
    );
  }
  if (g.axes.some((axis) => axis.dilation > 1)) {
    parts.push(
      `dilation emulation: d-1 zeros inserted between kernel taps (kernel ${g.axes.map((a) => a.kernelSize).join('x')} -> ${g.axes.map((a) => a.effectiveKernelSize).join('x')}, dilation 1; exact for finite inputs, an inserted zero times Inf/NaN gives NaN)`,
    );
  }
  return parts.length ? parts.join('; ') : null;
}

function callPlan(
  g: ConvTransposeGeometry,
  variant: TfVariant,
  outputSpatial: readonly number[],
  crop: SpatialCrop | null,
): TfCallPlan {
  const per = perCallGeometry(g);
  const spatial = (pick: (axis: AxisGeometry) => number): number[] => tfAxes(g, per.axes.map(pick), 1);
  return {
    variant,
    op: g.rank === 3 ? 'conv3dTranspose' : 'conv2dTranspose',
    pad: variant === 'same' ? 'same' : 'valid',
    strides: spatial((axis) => axis.stride),
    xShape: [g.batch, ...spatial((axis) => axis.inputSize), per.inChannels],
    filterShape: [...spatial((axis) => axis.kernelSize), per.outChannels, per.inChannels],
    outputShape: [g.batch, ...tfAxes(g, outputSpatial, 1), per.outChannels],
    groupCalls: g.group,
    crop,
    emulation: emulationText(g, crop !== null),
  };
}

/** TF's 'valid' output starts at full[0]: keep [beginCrop, beginCrop + o) per axis. */
function emulatedCrop(g: ConvTransposeGeometry): SpatialCrop {
  const begin = g.axes.map((axis) => axis.beginCrop);
  const size = g.axes.map((axis) => axis.outputSize);
  return { begin: tfAxes(g, begin, 0), size: tfAxes(g, size, 1) };
}

/** The variants for a geometry, or why tfjs-node cannot run it. */
export function planTfCalls(g: ConvTransposeGeometry): { plans: TfCallPlan[] } | { reason: string } {
  const per = perCallGeometry(g);
  const filterElements = per.weightElements;
  if (filterElements > MAX_FILTER_ELEMENTS) {
    return {
      reason: `TF's CPU kernel has no dilation, and the zero-inserted filter would have ${filterElements} elements`,
    };
  }
  const native = tfSpellings(per).flatMap((spelling) => (spelling.expressible && spelling.tf ? [spelling.tf] : []));
  if (native.length > 0) {
    return {
      plans: native.map((tf) =>
        callPlan(g, tf.padding === 'SAME' ? 'same' : 'valid', tf.outputShape.slice(1, -1), null),
      ),
    };
  }
  const full = g.axes.map((axis) => axis.fullSize);
  return { plans: [callPlan(g, 'valid+crop', full, emulatedCrop(g))] };
}

// ---------------------------------------------------------------- tfjs's own pads (CPU, wasm)

/** Variants of backends that take tfjs's numeric and explicit pads (tfjs-node does not). */
export type TfjsVariant = TfVariant | 'explicit-pads' | 'numeric-pad';

/** tfjs-core's pad argument: TF's two modes, a number, or explicit pads (runners/tfjs/pads.ts). */
export type TfjsPad = 'same' | 'valid' | number | TfjsExplicitPadding;

/** A TfCallPlan whose pad may also be a tfjs numeric or explicit pad (tfjs does the crop). */
export interface TfjsCallPlan extends Omit<TfCallPlan, 'variant' | 'pad'> {
  readonly variant: TfjsVariant;
  readonly pad: TfjsPad;
}

/**
 * tfjs-node's variants, plus 'explicit-pads' and 'numeric-pad' wherever tfjs's own pads spell the
 * geometry (2-D and 1-D only): one tf.conv2dTranspose (per group) whose output is the case's.
 */
export function planTfjsCalls(g: ConvTransposeGeometry): { plans: TfjsCallPlan[] } | { reason: string } {
  const planned = planTfCalls(g);
  if ('reason' in planned) return planned;
  const pads = tfjsPadSpelling(perCallGeometry(g));
  if ('reason' in pads) return planned;
  const padded = (variant: 'explicit-pads' | 'numeric-pad', pad: TfjsPad): TfjsCallPlan => ({
    ...callPlan(
      g,
      'valid',
      g.axes.map((axis) => axis.outputSize),
      null,
    ),
    variant,
    pad,
  });
  return {
    plans: [
      ...planned.plans,
      padded('explicit-pads', pads.explicit),
      ...(pads.numeric === null ? [] : [padded('numeric-pad', pads.numeric)]),
    ],
  };
}
