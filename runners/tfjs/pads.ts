/**
 * tfjs's own pads for conv2dTranspose, derived from the canonical geometry (begin crop, output
 * size), never from a framework's padding rule.
 *
 * tfjs-core's `conv2dTranspose(x, filter, outputShape, strides, pad)` is the input gradient of a
 * forward conv2d over an image of `outputShape` padded by `pad`. tfjs-core's conv_util
 * (`getPadAndOutInfo`, used by `computeConv2DInfo`) reads `pad` as:
 *   - explicit `[[0, 0], [top, bottom], [left, right], [0, 0]]` (NHWC): those pads;
 *   - a number p: top = bottom = left = right = p;
 *   - 'same' / 'valid': TF's rules (runners/tfjs/calls.ts uses those through `tfSpellings`).
 * Per spatial axis the CPU and wasm Conv2DBackpropInput kernels then compute
 *   y[j] = sum over x rows r of x[r] * w[j + top - r*s]   (0 <= j + top - r*s < k),
 * i.e. y[j] = full[j + top]: `top` is the begin crop, and rows past `full` are zeros. `bottom`
 * enters only the forward output size conv_util derives from outputShape,
 *   trunc((o + top + bottom - k) / s + 1)        (its round() truncates without dimRoundingMode),
 * which is how many rows of x the kernel reads. tfjs never compares that with x's size (TF's
 * Conv2DBackpropInput does): more rows read past x (NaN on CPU, other heap data on wasm), fewer
 * silently ignore x's last rows. So a pad is a spelling of the geometry only when that size is
 * exactly i: with top = begin and o = full - begin - end, it is i + floor((bottom - end) / s),
 * so bottom - end must lie in [0, s - 1] (the s - 1 of slack TF's VALID also has).
 *
 * Known tfjs-core bug (4.22): for a numeric pad, conv_util's computeOutputShape2D computes the
 * forward width from the filter HEIGHT and stride HEIGHT; with k_h != k_w or s_h != s_w the
 * numeric pad reads a wrong number of columns. The 'numeric-pad' variant is still planned by
 * tfjs's documented meaning (p on every side), so the bug shows up as a divergence.
 */
import type { AxisGeometry, ConvTransposeGeometry } from '../../src/geometry/types.js';

/** tfjs's ExplicitPadding for NHWC: [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type TfjsExplicitPadding = readonly [
  readonly [0, 0],
  readonly [number, number],
  readonly [number, number],
  readonly [0, 0],
];

export type TfjsPadSpelling =
  | {
      readonly explicit: TfjsExplicitPadding;
      /** The numeric pad p (>= 1) when p on every side spells the geometry too; else null. */
      readonly numeric: number | null;
      /** Why there is no numeric pad (for reports), when numeric is null. */
      readonly numericReason: string | null;
    }
  | { readonly reason: string };

/**
 * The number of x rows tfjs's conv2dTranspose reads on one axis for an output of `outputSize`
 * with pads (top, bottom): conv_util's forward output size with no dimRoundingMode, exactly as
 * it computes it (the + 1 inside the truncation: a numerator in (-s, 0) gives 0 rows, not 1).
 */
export function tfjsForwardSize(
  outputSize: number,
  kernelSize: number,
  stride: number,
  top: number,
  bottom: number,
): number {
  return Math.trunc((outputSize + top + bottom - kernelSize) / stride + 1);
}

/** [top, bottom] on one axis: top = begin crop, bottom the smallest >= 0 with a matching read. */
function axisPads(axis: AxisGeometry): readonly [number, number] | string {
  const bottom = Math.max(0, axis.endCrop);
  // bottom - end in [0, s - 1]; with bottom >= 0 that fails only when the output runs s or more
  // rows past full (it would need a negative pad, which tfjs does not document and TF rejects).
  if (bottom - axis.endCrop >= axis.stride) {
    return `the output runs ${-axis.endCrop} rows past the full size (${axis.fullSize}), at least the stride ${axis.stride}: tfjs would need a negative bottom pad`;
  }
  return [axis.beginCrop, bottom];
}

/**
 * tfjs pads for a geometry on tf.conv2dTranspose (1-D runs as 2-D with a height-1 axis, pads
 * [0, 0]). The geometry's kernel must be the one tfjs gets: the dilated one (k_eff) when tconv
 * inserts zeros, which changes neither the begin crop nor the end crop.
 */
export function tfjsPadSpelling(g: ConvTransposeGeometry): TfjsPadSpelling {
  if (g.rank === 3) return { reason: "tf.conv3dTranspose takes only 'same' or 'valid'" };
  const pads: (readonly [number, number])[] = [];
  for (const axis of g.axes) {
    const pad = axisPads(axis);
    if (typeof pad === 'string') return { reason: pad };
    pads.push(pad);
  }
  const [height, width] = g.rank === 1 ? [[0, 0] as const, pads[0]!] : [pads[0]!, pads[1]!];
  const explicit: TfjsExplicitPadding = [[0, 0], height, width, [0, 0]];
  const numeric = numericPad(g);
  return typeof numeric === 'number'
    ? { explicit, numeric, numericReason: null }
    : { explicit, numeric: null, numericReason: numeric };
}

/** p when pad = p (all four sides) spells the geometry, p >= 1 (0 is tfjs's 'valid'). */
function numericPad(g: ConvTransposeGeometry): number | string {
  if (g.rank !== 2) return 'a 1-D case runs with a height-1 axis, whose pads must be 0';
  const p = g.axes[0]!.beginCrop;
  if (p === 0) return "pad 0 is tfjs's 'valid' (conv_util types it VALID)";
  if (g.axes.some((axis) => axis.beginCrop !== p))
    return `the begin crops differ (${g.axes.map((axis) => axis.beginCrop).join(', ')})`;
  for (const axis of g.axes) {
    const slack = p - axis.endCrop;
    if (slack < 0 || slack >= axis.stride) {
      return `a bottom/right pad of ${p} reads ${tfjsForwardSize(axis.outputSize, axis.kernelSize, axis.stride, p, p)} input rows, not ${axis.inputSize}`;
    }
  }
  return p;
}
