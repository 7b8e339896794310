/**
 * The same operation spelled in each framework's own API, derived from the canonical geometry by
 * searching each framework's rule (conventions.ts) for parameters that reproduce the same crop.
 * `explain` prints these; the runners use the ONNX and TF ones as their variants.
 */
import {
  kerasOutputSize,
  onnxOutputPaddingViolation,
  resolveOnnxAxis,
  tfAcceptedOutputRange,
  tfBeginCrop,
  torchOutputPaddingViolation,
  type AutoPad,
  type AxisParams,
} from './conventions.js';
import type { AxisGeometry, ConvTransposeGeometry } from './types.js';

export type Framework = 'tensorflow' | 'keras' | 'onnx' | 'pytorch';

export interface OnnxAttributes {
  readonly kernel_shape: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly group: number;
  readonly auto_pad?: AutoPad;
  readonly pads?: readonly number[];
  readonly output_padding?: readonly number[];
  readonly output_shape?: readonly number[];
}

export interface TfCall {
  readonly padding: 'SAME' | 'VALID';
  /** Full output shape in NHWC-style order [N, spatial..., M], as TF takes it. */
  readonly outputShape: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
}

/** PyTorch ConvTranspose arguments (per spatial axis); outputSize for forward(x, output_size). */
export interface TorchCall {
  readonly padding: readonly number[];
  readonly outputPadding: readonly number[];
  readonly outputSize: readonly number[] | null;
}

export type Spelling =
  | {
      readonly framework: Framework;
      readonly form: string;
      readonly expressible: true;
      readonly code: string;
      readonly notes: readonly string[];
      readonly onnx?: OnnxAttributes;
      readonly tf?: TfCall;
      readonly torch?: TorchCall;
    }
  | { readonly framework: Framework; readonly form: string; readonly expressible: false; readonly reason: string };

const params = (axis: AxisGeometry): AxisParams => ({
  inputSize: axis.inputSize,
  kernelSize: axis.kernelSize,
  stride: axis.stride,
  dilation: axis.dilation,
});

const list = (values: readonly number[]): string => `[${values.join(', ')}]`;
const tuple = (values: readonly number[]): string => (values.length === 1 ? `${values[0]}` : `(${values.join(', ')})`);
const allZero = (values: readonly number[]): boolean => values.every((value) => value === 0);

/** Output paddings to try for an axis: the one the case stated first, then 0, 1, ... below max(s, d). */
function outputPaddingCandidates(axis: AxisGeometry): number[] {
  const limit = Math.max(axis.stride, axis.dilation);
  const rest = Array.from({ length: limit }, (_, value) => value).filter((value) => value !== axis.outputPadding);
  return axis.outputPadding < limit ? [axis.outputPadding, ...rest] : rest;
}

// ---------------------------------------------------------------- ONNX

function onnxBase(g: ConvTransposeGeometry): OnnxAttributes {
  return {
    kernel_shape: g.axes.map((axis) => axis.kernelSize),
    strides: g.axes.map((axis) => axis.stride),
    dilations: g.axes.map((axis) => axis.dilation),
    group: g.group,
  };
}

function onnxCode(attributes: OnnxAttributes): string {
  const parts = Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${Array.isArray(value) ? list(value as number[]) : JSON.stringify(value)}`);
  return `ConvTranspose(X, W${'' /* bias appended by callers */}, ${parts.join(', ')})`;
}

function ortNotes(outputPadding: readonly number[], g: ConvTransposeGeometry): string[] {
  const tooLarge = g.axes.some((axis, index) => (outputPadding[index] ?? 0) >= axis.stride);
  return tooLarge ? ['output_padding >= stride (allowed by the spec when < dilation) is rejected by ONNX Runtime'] : [];
}

function onnxPadsForm(g: ConvTransposeGeometry): Spelling {
  const outputPadding: number[] = [];
  const ends: number[] = [];
  for (const axis of g.axes) {
    // Explicit pads: o = full + op - pad_begin - pad_end, so pad_end = endCrop + op >= 0.
    const op = axis.endCrop + axis.outputPadding >= 0 ? axis.outputPadding : -axis.endCrop;
    if (onnxOutputPaddingViolation(params(axis), op)) {
      return {
        framework: 'onnx',
        form: 'pads',
        expressible: false,
        reason: `the output extends ${-axis.endCrop} past the full size, which needs output_padding ${op}, not less than the stride ${axis.stride} or dilation ${axis.dilation}`,
      };
    }
    outputPadding.push(op);
    ends.push(axis.endCrop + op);
  }
  const attributes: OnnxAttributes = {
    ...onnxBase(g),
    pads: [...g.axes.map((axis) => axis.beginCrop), ...ends],
    ...(allZero(outputPadding) ? {} : { output_padding: outputPadding }),
  };
  return {
    framework: 'onnx',
    form: 'pads',
    expressible: true,
    code: onnxCode(attributes),
    notes: ortNotes(outputPadding, g),
    onnx: attributes,
  };
}

/** Per axis, an output_padding under which ONNX's rule reproduces this axis's crop. */
function matchOnnxAxis(axis: AxisGeometry, autoPad: AutoPad, outputShape: number | null): number | null {
  for (const op of outputPaddingCandidates(axis)) {
    const outcome = resolveOnnxAxis(params(axis), autoPad, 0, 0, outputShape, op);
    if ('beginCrop' in outcome && outcome.beginCrop === axis.beginCrop && outcome.outputSize === axis.outputSize) {
      return op;
    }
  }
  return null;
}

function onnxMatchedForm(g: ConvTransposeGeometry, autoPad: AutoPad, withOutputShape: boolean): Spelling | null {
  const outputPadding: number[] = [];
  for (const axis of g.axes) {
    const op = matchOnnxAxis(axis, autoPad, withOutputShape ? axis.outputSize : null);
    if (op === null) return null;
    outputPadding.push(op);
  }
  const attributes: OnnxAttributes = {
    ...onnxBase(g),
    ...(autoPad !== 'NOTSET' ? { auto_pad: autoPad } : {}),
    ...(withOutputShape ? { output_shape: g.axes.map((axis) => axis.outputSize) } : {}),
    ...(allZero(outputPadding) ? {} : { output_padding: outputPadding }),
  };
  const form = withOutputShape ? `output_shape${autoPad === 'NOTSET' ? '' : `+${autoPad}`}` : `auto_pad=${autoPad}`;
  return {
    framework: 'onnx',
    form,
    expressible: true,
    code: onnxCode(attributes),
    notes: ortNotes(outputPadding, g),
    onnx: attributes,
  };
}

export function onnxSpellings(g: ConvTransposeGeometry): Spelling[] {
  const spellings: Spelling[] = [onnxPadsForm(g)];
  const autoForms = (['SAME_UPPER', 'SAME_LOWER', 'VALID'] as const)
    .map((autoPad) => onnxMatchedForm(g, autoPad, false))
    .filter((spelling): spelling is Spelling => spelling !== null);
  spellings.push(
    ...(autoForms.length
      ? autoForms
      : [{ framework: 'onnx' as const, form: 'auto_pad', expressible: false as const, reason: autoPadReason(g) }]),
  );
  // SAME_LOWER and VALID split output_shape padding like NOTSET, so two forms cover it.
  const shapeForms = (['NOTSET', 'SAME_UPPER'] as const)
    .map((autoPad) => onnxMatchedForm(g, autoPad, true))
    .filter((spelling): spelling is Spelling => spelling !== null);
  spellings.push(
    ...(shapeForms.length
      ? shapeForms
      : [
          {
            framework: 'onnx' as const,
            form: 'output_shape',
            expressible: false as const,
            reason: 'no output_padding below stride/dilation makes the output_shape padding split reproduce this crop',
          },
        ]),
  );
  return spellings;
}

function autoPadReason(g: ConvTransposeGeometry): string {
  const sameSize = g.axes.every((axis) => axis.outputSize === axis.inputSize * axis.stride);
  return sameSize
    ? 'SAME_UPPER/SAME_LOWER give output i*s but split the padding differently from this crop; VALID crops nothing'
    : `auto_pad SAME gives output i*s (${g.axes.map((a) => a.inputSize * a.stride).join('x')}) and VALID the full size; this output is ${g.axes.map((a) => a.outputSize).join('x')}`;
}

// ---------------------------------------------------------------- TensorFlow and Keras

const spatialNames = (rank: number): string => ['', '1d', '2d', '3d'][rank]!;

function tfBlockers(g: ConvTransposeGeometry): string | null {
  if (g.group > 1) return 'TensorFlow has no grouped transposed convolution (no groups argument)';
  return null;
}

function tfNotes(g: ConvTransposeGeometry): string[] {
  const notes = [
    `filters = transpose(W, [${[...g.axes.map((_, i) => i + 2), 1, 0].join(', ')}]) -> [k..., C_out, C_in] (no flip); input in channels-last layout`,
  ];
  if (g.axes.some((axis) => axis.dilation > 1)) notes.push("TensorFlow's CPU kernel rejects dilation > 1 for this op");
  return notes;
}

function tfMatches(g: ConvTransposeGeometry, padding: 'SAME' | 'VALID'): boolean {
  return g.axes.every((axis) => {
    const [low, high] = tfAcceptedOutputRange(params(axis), padding);
    return (
      axis.outputSize >= low &&
      axis.outputSize <= high &&
      tfBeginCrop(params(axis), padding, axis.outputSize) === axis.beginCrop
    );
  });
}

function tfReason(g: ConvTransposeGeometry): string {
  for (const axis of g.axes) {
    const same = tfBeginCrop(params(axis), 'SAME', axis.outputSize);
    if (axis.beginCrop !== same && axis.beginCrop !== 0) {
      const total = Math.max(0, axis.fullSize - axis.outputSize);
      return `TF crops floor(total/2) = ${same} at the start for output ${axis.outputSize} (total ${total}, odd pixel at the end); this case crops ${axis.beginCrop}`;
    }
    const [low, high] = tfAcceptedOutputRange(params(axis), 'SAME');
    if (axis.outputSize < low || axis.outputSize > high) {
      return `TF accepts SAME output sizes [${low}, ${high}] and VALID [${axis.fullSize}, ${axis.fullSize + axis.stride - 1}] for input ${axis.inputSize}; this output is ${axis.outputSize}`;
    }
  }
  return 'no TF padding mode reproduces this crop';
}

export function tfSpellings(g: ConvTransposeGeometry): Spelling[] {
  const blocker = tfBlockers(g);
  const form = `tf.nn.conv${spatialNames(g.rank)}_transpose`;
  if (blocker) return [{ framework: 'tensorflow', form, expressible: false, reason: blocker }];
  const matches = (['SAME', 'VALID'] as const).filter((padding) => tfMatches(g, padding));
  if (matches.length === 0) return [{ framework: 'tensorflow', form, expressible: false, reason: tfReason(g) }];
  return matches.map((padding): Spelling => {
    const outputShape = [g.batch, ...g.axes.map((axis) => axis.outputSize), g.outChannels];
    const strides = g.axes.map((axis) => axis.stride);
    const dilations = g.axes.map((axis) => axis.dilation);
    const dilationArgument = dilations.some((d) => d > 1) ? `, dilations=${list(dilations)}` : '';
    return {
      framework: 'tensorflow',
      form,
      expressible: true,
      code: `${form}(x, filters, output_shape=${list(outputShape)}, strides=${list(strides)}, padding='${padding}'${dilationArgument})`,
      notes: tfNotes(g),
      tf: { padding, outputShape, strides, dilations },
    };
  });
}

/** Keras output_padding per axis (null = None for all axes) reproducing the crop, if any. */
function kerasOutputPadding(
  g: ConvTransposeGeometry,
  padding: 'SAME' | 'VALID',
): (readonly number[] | null) | undefined {
  if (!tfMatches(g, padding)) return undefined;
  if (g.axes.every((axis) => kerasOutputSize(params(axis), padding, null) === axis.outputSize)) return null;
  const chosen: number[] = [];
  for (const axis of g.axes) {
    const op = Array.from({ length: axis.stride }, (_, v) => v).find(
      (candidate) => kerasOutputSize(params(axis), padding, candidate) === axis.outputSize,
    );
    if (op === undefined) return undefined;
    chosen.push(op);
  }
  return chosen;
}

export function kerasSpellings(g: ConvTransposeGeometry): Spelling[] {
  const form = `keras.layers.Conv${g.rank}DTranspose`;
  const blocker = tfBlockers(g);
  if (blocker) return [{ framework: 'keras', form, expressible: false, reason: blocker }];
  const spellings: Spelling[] = [];
  for (const padding of ['SAME', 'VALID'] as const) {
    const op = kerasOutputPadding(g, padding);
    if (op === undefined) continue;
    const kernel = tuple(g.axes.map((axis) => axis.kernelSize));
    const strides = tuple(g.axes.map((axis) => axis.stride));
    const dilations = g.axes.map((axis) => axis.dilation);
    const extras = [
      op ? `output_padding=${tuple(op)}` : '',
      dilations.some((d) => d > 1) ? `dilation_rate=${tuple(dilations)}` : '',
      `use_bias=${g.hasBias ? 'True' : 'False'}`,
    ].filter(Boolean);
    spellings.push({
      framework: 'keras',
      form,
      expressible: true,
      code: `${form}(filters=${g.outChannels}, kernel_size=${kernel}, strides=${strides}, padding='${padding.toLowerCase()}', ${extras.join(', ')})`,
      notes: tfNotes(g),
    });
  }
  if (spellings.length > 0) return spellings;
  return [
    {
      framework: 'keras',
      form,
      expressible: false,
      reason:
        tfMatches(g, 'SAME') || tfMatches(g, 'VALID')
          ? 'Keras derives the output size from output_padding (< stride) and cannot request this one; use tf.nn with output_shape'
          : tfReason(g),
    },
  ];
}

// ---------------------------------------------------------------- PyTorch

export function torchSpellings(g: ConvTransposeGeometry): Spelling[] {
  const form = `torch.nn.ConvTranspose${g.rank}d`;
  const outputPadding: number[] = [];
  for (const axis of g.axes) {
    // PyTorch: o = full - 2p + op with begin crop p, so op = p - endCrop.
    const op = axis.beginCrop - axis.endCrop;
    if (op < 0) {
      return [
        {
          framework: 'pytorch',
          form,
          expressible: false,
          reason: `asymmetric crop (begin ${axis.beginCrop}, end ${axis.endCrop}): PyTorch pads both sides by the same amount; emulate with padding=0 and slice [${axis.beginCrop}:${axis.beginCrop + axis.outputSize}]`,
        },
      ];
    }
    const violation = torchOutputPaddingViolation(params(axis), op);
    if (violation) {
      return [
        { framework: 'pytorch', form, expressible: false, reason: `needs output_padding ${op}: ${violation.message}` },
      ];
    }
    outputPadding.push(op);
  }
  const padding = tuple(g.axes.map((axis) => axis.beginCrop));
  const common = `${form}(in_channels=${g.inChannels}, out_channels=${g.outChannels}, kernel_size=${tuple(g.axes.map((a) => a.kernelSize))}, stride=${tuple(g.axes.map((a) => a.stride))}, padding=${padding}`;
  const tail = `${g.axes.some((a) => a.dilation > 1) ? `, dilation=${tuple(g.axes.map((a) => a.dilation))}` : ''}${g.group > 1 ? `, groups=${g.group}` : ''}, bias=${g.hasBias ? 'True' : 'False'})`;
  const paddings = g.axes.map((axis) => axis.beginCrop);
  const spellings: Spelling[] = [
    {
      framework: 'pytorch',
      form,
      expressible: true,
      code: `${common}${allZero(outputPadding) ? '' : `, output_padding=${tuple(outputPadding)}`}${tail}`,
      notes: [],
      torch: { padding: paddings, outputPadding, outputSize: null },
    },
  ];
  // forward(x, output_size) only reaches sizes up to min + stride - 1 (output_padding < stride),
  // even where output_padding < dilation would be accepted.
  if (!allZero(outputPadding) && g.axes.every((axis, index) => outputPadding[index]! < axis.stride)) {
    const outputSize = g.axes.map((a) => a.outputSize);
    spellings.push({
      framework: 'pytorch',
      form: `${form}+output_size`,
      expressible: true,
      code: `${common}${tail}(x, output_size=${list(outputSize)})`,
      notes: [],
      torch: { padding: paddings, outputPadding: g.axes.map(() => 0), outputSize },
    });
  }
  return spellings;
}

export function allSpellings(g: ConvTransposeGeometry): Spelling[] {
  return [...tfSpellings(g), ...kerasSpellings(g), ...onnxSpellings(g), ...torchSpellings(g)];
}
