/**
 * The padding rules of each framework, per spatial axis. Each returns the crop (beginCrop,
 * outputSize) the framework applies, or the rule the parameters break. Sources:
 * - TensorFlow: tf.nn.conv2d_transpose / Conv2DBackpropInput (core/kernels/conv_grad_input_ops,
 *   core/framework/kernel_shape_util.cc GetWindowedOutputSizeVerbose) and Keras
 *   `deconv_output_length` (keras/src/utils/conv_utils.py).
 * - ONNX: ConvTranspose, opsets 11 and 22 (docs/Operators.md#ConvTranspose).
 * - PyTorch: torch.nn.ConvTranspose{1,2,3}d and `_ConvTransposeNd._output_padding`.
 * - WebNN: W3C Web Neural Network API, MLGraphBuilder.convTranspose2d() method steps and
 *   "calculate convtranspose output size" (https://www.w3.org/TR/webnn/#api-mlgraphbuilder-convtranspose2d).
 */
import { effectiveKernelSize, fullOutputSize } from './build.js';

export interface AxisParams {
  readonly inputSize: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly dilation: number;
}

export interface AxisDecision {
  readonly beginCrop: number;
  readonly outputSize: number;
  readonly outputPadding: number;
}

/** A broken rule: which case field causes it and what the rule says. */
export interface RuleViolation {
  readonly field: 'padding' | 'output_padding' | 'output_shape' | 'strides' | 'kernel' | 'input';
  readonly message: string;
}

export type AxisOutcome = AxisDecision | RuleViolation;

export function isViolation(outcome: AxisOutcome): outcome is RuleViolation {
  return 'message' in outcome;
}

const full = (a: AxisParams): number => fullOutputSize(a.inputSize, a.kernelSize, a.stride, a.dilation);

// ---------------------------------------------------------------- TensorFlow / Keras

/**
 * Keras `deconv_output_length`: without output_padding, SAME gives i*s and VALID gives
 * i*s + max(k_eff - s, 0); with it, (i-1)*s + k_eff - 2*pad + output_padding where
 * pad = k_eff // 2 for SAME and 0 for VALID.
 */
export function kerasOutputSize(a: AxisParams, padding: 'SAME' | 'VALID', outputPadding: number | null): number {
  const kEff = effectiveKernelSize(a.kernelSize, a.dilation);
  if (outputPadding === null) {
    return padding === 'SAME' ? a.inputSize * a.stride : a.inputSize * a.stride + Math.max(kEff - a.stride, 0);
  }
  const pad = padding === 'SAME' ? Math.floor(kEff / 2) : 0;
  return (a.inputSize - 1) * a.stride + kEff - 2 * pad + outputPadding;
}

/**
 * The output sizes TensorFlow accepts for an input size: Conv2DBackpropInput recomputes the
 * forward output size from `o` and requires it to equal i. SAME: ceil(o/s) = i, so
 * o in [s(i-1)+1, s*i]; VALID: floor((o - k_eff)/s) + 1 = i, so o in [full, full + s - 1].
 */
export function tfAcceptedOutputRange(a: AxisParams, padding: 'SAME' | 'VALID'): readonly [number, number] {
  if (padding === 'SAME') return [a.stride * (a.inputSize - 1) + 1, a.stride * a.inputSize];
  const fullSize = full(a);
  return [fullSize, fullSize + a.stride - 1];
}

/**
 * Explicit paddings (tf.nn.conv2d_transpose only; conv1d/conv3d_transpose take only 'SAME' or
 * 'VALID'): Conv2DBackpropInput with padding EXPLICIT recomputes the forward output size as
 * floor((o + pad_begin + pad_end - k_eff) / s) + 1 and requires it to equal i; it crops pad_begin
 * at the start. So o + pad_begin + pad_end must lie in [full, full + s - 1].
 */
export function tfExplicitPaddingAccepted(
  a: AxisParams,
  outputSize: number,
  padBegin: number,
  padEnd: number,
): boolean {
  const span = outputSize + padBegin + padEnd;
  return padBegin >= 0 && padEnd >= 0 && span >= full(a) && span <= full(a) + a.stride - 1;
}

/** Keras 3 BaseConv: "`strides > 1` not supported in conjunction with `dilation_rate > 1`" (any axes). */
export function kerasStridesWithDilation(axes: readonly AxisParams[]): string | null {
  if (!axes.some((a) => a.stride > 1) || !axes.some((a) => a.dilation > 1)) return null;
  const strides = axes.map((a) => a.stride).join(', ');
  const dilations = axes.map((a) => a.dilation).join(', ');
  return `Keras 3 raises "\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`" for its conv layers (strides (${strides}), dilation_rate (${dilations}))`;
}

/** TF's crop for an accepted o: total = max(0, full - o), begin = floor(total / 2) (SAME). */
export function tfBeginCrop(a: AxisParams, padding: 'SAME' | 'VALID', outputSize: number): number {
  if (padding === 'VALID') return 0;
  return Math.floor(Math.max(0, full(a) - outputSize) / 2);
}

export function resolveTfAxis(
  a: AxisParams,
  padding: 'SAME' | 'VALID',
  outputShape: number | null,
  kerasOutputPadding: number | null,
): AxisOutcome {
  if (outputShape !== null && kerasOutputPadding !== null) {
    return {
      field: 'output_padding',
      message:
        'with TF/Keras padding give either output_shape (tf.nn.conv2d_transpose) or output_padding (Keras Conv2DTranspose), not both',
    };
  }
  if (kerasOutputPadding !== null && kerasOutputPadding >= a.stride) {
    return {
      field: 'output_padding',
      message: `Keras requires output_padding < strides ("Strides must be greater than output padding"): got output_padding ${kerasOutputPadding} with stride ${a.stride}`,
    };
  }
  const outputSize = outputShape ?? kerasOutputSize(a, padding, kerasOutputPadding);
  const [low, high] = tfAcceptedOutputRange(a, padding);
  if (outputSize < low || outputSize > high) {
    const rule =
      padding === 'SAME'
        ? `SAME needs ceil(o/s) = i, i.e. o in [${low}, ${high}]`
        : `VALID needs floor((o - k_eff)/s) + 1 = i, i.e. o in [${low}, ${high}]`;
    return {
      field: outputShape !== null ? 'output_shape' : 'output_padding',
      message: `TensorFlow rejects output size ${outputSize} for input ${a.inputSize}, kernel ${a.kernelSize}, stride ${a.stride}, dilation ${a.dilation}: ${rule} (Conv2DBackpropInput: "Size of out_backprop doesn't match computed")`,
    };
  }
  return {
    beginCrop: tfBeginCrop(a, padding, outputSize),
    outputSize,
    outputPadding: kerasOutputPadding ?? 0,
  };
}

// ---------------------------------------------------------------- ONNX

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

/**
 * ONNX's split of total_padding: SAME_UPPER puts the odd pixel at the end (begin = total/2);
 * NOTSET and SAME_LOWER put it at the start (begin = total - total/2).
 * A negative total (requested output longer than full + output_padding) has no defined split in
 * the spec (pads must be >= 0); like ONNX Runtime and TensorFlow we clamp it to 0, so the extra
 * outputs are zeros (plus bias) at the end.
 */
export function onnxBeginCrop(autoPad: AutoPad, totalPadding: number): number {
  const total = Math.max(0, totalPadding);
  return autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : total - Math.floor(total / 2);
}

/**
 * ONNX's total padding for an output size: stride*(input-1) + output_padding + k_eff - output.
 * Its split (onnxBeginCrop) is defined only for a total >= 0: the spec derives the pads from it
 * and pads must be >= 0. For a negative total (kernel 1 or 2 with stride 3, say) implementations
 * disagree: for auto_pad SAME_* ONNX Runtime returns a shorter output (min(i*s, full + op)) and
 * the onnx reference evaluator puts the extra zero rows at the start; with output_shape both
 * append them at the end (the reference evaluator at the start under SAME_UPPER) and both reject
 * an output_shape >= full + s. A spelling relying on such a total is not portable.
 */
export function onnxTotalPadding(a: AxisParams, outputSize: number, outputPadding: number): number {
  return full(a) + outputPadding - outputSize;
}

/** ONNX: "Each padding value in output_padding must be less than the corresponding stride/dilation dimension". */
export function onnxOutputPaddingViolation(a: AxisParams, outputPadding: number): RuleViolation | null {
  if (outputPadding < a.stride || outputPadding < a.dilation) return null;
  return {
    field: 'output_padding',
    message: `ONNX requires output_padding to be less than the stride or the dilation: got ${outputPadding} with stride ${a.stride}, dilation ${a.dilation}`,
  };
}

export function resolveOnnxAxis(
  a: AxisParams,
  autoPad: AutoPad,
  padBegin: number,
  padEnd: number,
  outputShape: number | null,
  outputPadding: number,
): AxisOutcome {
  const violation = onnxOutputPaddingViolation(a, outputPadding);
  if (violation) return violation;
  const fullSize = full(a);
  if (outputShape !== null) {
    // Spec: total_padding = stride*(input-1) + output_padding + ((kernel-1)*dilation + 1) - output_shape;
    // explicit pads are ignored.
    const total = fullSize + outputPadding - outputShape;
    return { beginCrop: onnxBeginCrop(autoPad, total), outputSize: outputShape, outputPadding };
  }
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    // Spec: output_shape[i] = input_shape[i] * strides[i] for SAME_UPPER/SAME_LOWER.
    const outputSize = a.inputSize * a.stride;
    const total = fullSize + outputPadding - outputSize;
    return { beginCrop: onnxBeginCrop(autoPad, total), outputSize, outputPadding };
  }
  // VALID pads nothing; NOTSET uses the explicit pads (default 0):
  // output = stride*(input-1) + output_padding + ((kernel-1)*dilation+1) - pad_begin - pad_end.
  const outputSize = fullSize + outputPadding - padBegin - padEnd;
  if (outputSize <= 0) {
    return {
      field: 'padding',
      message: `output size would be ${outputSize} (full ${fullSize} + output_padding ${outputPadding} - pads ${padBegin} - ${padEnd}); it must be > 0`,
    };
  }
  return { beginCrop: padBegin, outputSize, outputPadding };
}

// ---------------------------------------------------------------- PyTorch

/** PyTorch: "output padding must be smaller than either stride or dilation". */
export function torchOutputPaddingViolation(a: AxisParams, outputPadding: number): RuleViolation | null {
  if (outputPadding < a.stride || outputPadding < a.dilation) return null;
  return {
    field: 'output_padding',
    message: `PyTorch requires output padding to be smaller than either stride or dilation: got ${outputPadding} with stride ${a.stride}, dilation ${a.dilation}`,
  };
}

/** PyTorch's size without output padding: (i-1)*s - 2p + d(k-1) + 1. */
export function torchMinimumOutputSize(a: AxisParams, padding: number): number {
  return full(a) - 2 * padding;
}

export function resolveTorchAxis(
  a: AxisParams,
  padding: number,
  outputPadding: number | null,
  outputSize: number | null,
): AxisOutcome {
  const minimum = torchMinimumOutputSize(a, padding);
  let effectivePadding = outputPadding ?? 0;
  if (outputSize !== null) {
    if (outputPadding !== null) {
      return {
        field: 'output_padding',
        message:
          'with PyTorch padding give either output_shape (forward(..., output_size)) or output_padding, not both',
      };
    }
    const maximum = minimum + a.stride - 1;
    if (outputSize < minimum || outputSize > maximum) {
      return {
        field: 'output_shape',
        message: `PyTorch: requested an output size of ${outputSize}, but valid sizes range from ${minimum} to ${maximum} (input ${a.inputSize}, stride ${a.stride}, padding ${padding})`,
      };
    }
    effectivePadding = outputSize - minimum;
  }
  const violation = torchOutputPaddingViolation(a, effectivePadding);
  if (violation) return violation;
  const size = minimum + effectivePadding;
  if (size <= 0) {
    return {
      field: 'padding',
      message: `output size would be ${size} ((i-1)*s - 2*padding + k_eff + output_padding with padding ${padding}); it must be > 0`,
    };
  }
  return { beginCrop: padding, outputSize: size, outputPadding: effectivePadding };
}

// ---------------------------------------------------------------- WebNN

/** WebNN "calculate convtranspose output size": (i - 1) * s + k_eff - beginningPadding - endingPadding. */
export function webnnCalculatedOutputSize(a: AxisParams, beginningPadding: number, endingPadding: number): number {
  return full(a) - beginningPadding - endingPadding;
}

/**
 * WebNN convTranspose2d, one spatial axis (height: padding[0], padding[1], strides[0]; width:
 * padding[2], padding[3], strides[1]). The spec defines only the output shape; the values follow
 * its formula "outputSize = (inputSize - 1) * stride + (filterSize - 1) * dilation + 1 -
 * beginningPadding - endingPadding + outputPadding" read as ONNX/PyTorch do: `beginningPadding`
 * elements cropped at the start, the output padding appended at the end (zeros plus bias past full).
 */
export function resolveWebnnAxis(
  a: AxisParams,
  beginningPadding: number,
  endingPadding: number,
  outputPadding: number,
  outputSizes: number | null,
): AxisOutcome {
  const calculated = webnnCalculatedOutputSize(a, beginningPadding, endingPadding);
  let outputSize: number;
  if (outputSizes !== null) {
    // Spec: "If outputHeight is less than calculatedOutputHeight, or outputHeight is greater than or
    // equal to calculatedOutputHeight + strides[0], then throw a TypeError" (width likewise).
    if (outputSizes < calculated || outputSizes >= calculated + a.stride) {
      return {
        field: 'output_shape',
        message: `WebNN throws a TypeError: outputSizes ${outputSizes} must be in [calculated, calculated + stride) = [${calculated}, ${calculated + a.stride}) ("If outputHeight is less than calculatedOutputHeight, or outputHeight is greater than or equal to calculatedOutputHeight + strides[0], then throw a TypeError"; calculated = (${a.inputSize} - 1) * ${a.stride} + ${effectiveKernelSize(a.kernelSize, a.dilation)} - ${beginningPadding} - ${endingPadding})`,
      };
    }
    outputSize = outputSizes;
  } else {
    // Spec (only without outputSizes): "If options.outputPadding[0] is greater than or equal to
    // options.strides[0], or options.outputPadding[1] is greater than or equal to options.strides[1],
    // then throw a TypeError". Unlike ONNX and PyTorch, a dilation larger than the stride does not help.
    if (outputPadding >= a.stride) {
      return {
        field: 'output_padding',
        message: `WebNN throws a TypeError: outputPadding ${outputPadding} is not less than the stride ${a.stride} ("If options.outputPadding[0] is greater than or equal to options.strides[0], ... then throw a TypeError"; a larger dilation does not allow it, unlike ONNX and PyTorch)`,
      };
    }
    outputSize = calculated + outputPadding;
  }
  // Spec: "If either outputHeight or outputWidth is not a valid dimension, then throw a TypeError"
  // (a valid dimension is an integer greater than zero).
  if (outputSize <= 0) {
    return {
      field: 'padding',
      message: `WebNN throws a TypeError: the output size would be ${outputSize} ((i - 1) * s + k_eff - beginningPadding ${beginningPadding} - endingPadding ${endingPadding} + outputPadding ${outputPadding}), not a valid dimension ("an integer greater than zero")`,
    };
  }
  return {
    beginCrop: beginningPadding,
    outputSize,
    outputPadding: outputSizes !== null ? outputSizes - calculated : outputPadding,
  };
}
