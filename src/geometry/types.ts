/**
 * The canonical, convention-free description of one transposed convolution.
 *
 * Every convention (TF/Keras SAME/VALID, ONNX auto_pad / pads / output_shape, PyTorch padding /
 * output_padding / output_size, WebNN padding / outputPadding / outputSizes) resolves into this struct once, in `resolve.ts`. The reference,
 * the runners, the comparator and the reporters only read it (the tfjs-core `conv_util` idea:
 * geometry resolved once into one flat, fully named struct).
 *
 * The model behind it, per spatial axis: compute the full transposed convolution of length
 * `fullSize = (inputSize - 1) * stride + effectiveKernelSize`, then keep `outputSize` elements
 * starting at `beginCrop`: y[j] = full[j + beginCrop] for j in [0, outputSize), where indices past
 * `fullSize` read as zeros (plus bias everywhere).
 */

export type Rank = 1 | 2 | 3;

/** Data layouts accepted by case files; the output uses the same layout as the input. */
export type LayoutName = 'NCW' | 'NWC' | 'NCHW' | 'NHWC' | 'NCDHW' | 'NDHWC';

export interface AxisGeometry {
  /** i: input length along this axis. */
  readonly inputSize: number;
  /** k: kernel taps along this axis. */
  readonly kernelSize: number;
  /** s */
  readonly stride: number;
  /** d */
  readonly dilation: number;
  /** k_eff = d * (k - 1) + 1 */
  readonly effectiveKernelSize: number;
  /** full = (i - 1) * s + k_eff: the output before any crop. */
  readonly fullSize: number;
  /** Elements of `full` dropped at the start (>= 0). */
  readonly beginCrop: number;
  /**
   * Elements of `full` dropped at the end: fullSize - beginCrop - outputSize. Negative means that
   * many zero rows (bias only) are appended past `full` (ONNX/PyTorch output_padding, TF VALID slack).
   */
  readonly endCrop: number;
  /** The output_padding the convention stated for this axis (0 when it stated none). */
  readonly outputPadding: number;
  /** o: output length along this axis. */
  readonly outputSize: number;
}

/** Which convention a case was written in, with the parameters as written (for `explain`). */
export type ConventionSource =
  | {
      readonly kind: 'tf';
      readonly padding: 'SAME' | 'VALID';
      /** TF's output_shape (spatial), when the case gave one. */
      readonly outputShape: readonly number[] | null;
      /** Keras output_padding, when the case gave one (null = Keras's `None`). */
      readonly outputPadding: readonly number[] | null;
    }
  | {
      readonly kind: 'onnx';
      readonly autoPad: 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';
      /** Explicit pads [x1_begin, x2_begin, ..., x1_end, ...] when given. */
      readonly pads: readonly number[] | null;
      readonly outputShape: readonly number[] | null;
      readonly outputPadding: readonly number[];
    }
  | {
      readonly kind: 'torch';
      readonly padding: readonly number[];
      readonly outputPadding: readonly number[];
      /** forward(..., output_size=...) when the case gave one. */
      readonly outputSize: readonly number[] | null;
    }
  | {
      /** W3C WebNN `MLGraphBuilder.convTranspose2d` (2-D only). */
      readonly kind: 'webnn';
      /** options.padding as written: [beginHeight, endHeight, beginWidth, endWidth]. */
      readonly padding: readonly number[];
      /** options.outputPadding [H, W] ([0, 0] when not given). */
      readonly outputPadding: readonly number[];
      /** options.outputSizes [H, W] when the case gave them. */
      readonly outputSizes: readonly number[] | null;
    };

export type ConventionKind = ConventionSource['kind'];

export interface ConvTransposeGeometry {
  readonly rank: Rank;
  readonly layout: LayoutName;
  /** True for NWC/NHWC/NDHWC. */
  readonly channelsLast: boolean;
  readonly batch: number;
  /** C */
  readonly inChannels: number;
  /** M (total output channels) */
  readonly outChannels: number;
  readonly group: number;
  /** C / group */
  readonly inChannelsPerGroup: number;
  /** M / group */
  readonly outChannelsPerGroup: number;
  readonly hasBias: boolean;
  /** One entry per spatial axis, outermost first (D, H, W order). */
  readonly axes: readonly AxisGeometry[];
  /** Input shape in `layout` order. */
  readonly inputShape: readonly number[];
  /** Weight shape, always the ONNX/PyTorch layout [C, M/group, k...]. */
  readonly weightShape: readonly number[];
  /** Output shape in `layout` order. */
  readonly outputShape: readonly number[];
  readonly inputElements: number;
  readonly weightElements: number;
  readonly outputElements: number;
  readonly convention: ConventionSource;
}
