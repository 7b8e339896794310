/**
 * The same operation spelled in each framework's own API, derived from the canonical geometry by
 * searching each framework's rule (conventions.ts) for parameters that reproduce the same crop.
 * `explain` prints these; the runners use the ONNX and TF ones as their variants.
 */
import {
  kerasOutputSize,
  kerasStridesWithDilation,
  onnxOutputPaddingViolation,
  onnxTotalPadding,
  resolveOnnxAxis,
  tfAcceptedOutputRange,
  tfBeginCrop,
  tfExplicitPaddingAccepted,
  torchOutputPaddingViolation,
  type AutoPad,
  type AxisParams,
} from './conventions.js';
import {
  emulationText,
  kerasNearMiss,
  nearMissText,
  onnxAutoPadNearMiss,
  tfNearMiss,
  torchNearMiss,
  type AxisWindow,
} from './nearMiss.js';
import type { AxisGeometry, ConvTransposeGeometry } from './types.js';
import { webnnSpellings, type WebnnCall } from './webnn.js';

export type Framework = 'tensorflow' | 'keras' | 'onnx' | 'pytorch' | 'webnn';

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

/** tf.nn.conv2d_transpose with explicit paddings (2-D only): padding=[[0, 0], *paddings, [0, 0]]. */
export interface TfExplicitCall {
  /** [begin, end] per spatial axis. */
  readonly paddings: readonly (readonly [number, number])[];
  /** Full output shape [N, spatial..., M]. */
  readonly outputShape: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
}

/** Keras 3 `keras.layers.Conv{1,2,3}DTranspose` constructor arguments (channels_last data). */
export interface KerasCall {
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'same' | 'valid';
  /** Per axis, or null for Keras's `None` (its own output length). */
  readonly outputPadding: readonly number[] | null;
  readonly dilationRate: readonly number[];
  readonly useBias: boolean;
}

/** PyTorch ConvTranspose arguments (per spatial axis); outputSize for forward(x, output_size). */
export interface TorchCall {
  readonly padding: readonly number[];
  readonly outputPadding: readonly number[];
  readonly outputSize: readonly number[] | null;
}

/**
 * Where a framework cannot spell a case: the nearest spelling it has (nearMiss.ts) and exactly how
 * its output differs, per axis: it computes full[b + shift : b + shift + o + sizeDelta] where the
 * case is full[b : b + o] (zeros plus bias past the full size). Carries its machine-readable call
 * like an expressible spelling.
 */
export interface NearMiss {
  readonly code: string;
  /** Per axis: the hint's begin crop minus the case's. */
  readonly shift: readonly number[];
  /** Per axis: the hint's output size minus the case's. */
  readonly sizeDelta: readonly number[];
  /** How the hint's output differs, e.g. "same shape, output shifted by +1 on H and W: compare full[1:15] with full[0:14]". */
  readonly text: string;
  /** The exact emulation in the same framework (full output, pad, slice). */
  readonly emulation: string;
  readonly notes: readonly string[];
  readonly onnx?: OnnxAttributes;
  readonly tf?: TfCall;
  readonly keras?: KerasCall;
  readonly torch?: TorchCall;
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
      /** Set instead of `tf` for the explicit-paddings form (runners use `tf` only). */
      readonly tfExplicit?: TfExplicitCall;
      readonly keras?: KerasCall;
      readonly torch?: TorchCall;
      readonly webnn?: WebnnCall;
    }
  | {
      readonly framework: Framework;
      readonly form: string;
      readonly expressible: false;
      readonly reason: string;
      readonly nearMiss?: NearMiss;
    };

/** The hint's shift, sizeDelta and text from the windows it computes. */
function nearMissOf(
  g: ConvTransposeGeometry,
  windows: readonly AxisWindow[],
  fields: Omit<NearMiss, 'shift' | 'sizeDelta' | 'text'>,
): NearMiss {
  return {
    ...fields,
    shift: g.axes.map((axis, index) => windows[index]!.beginCrop - axis.beginCrop),
    sizeDelta: g.axes.map((axis, index) => windows[index]!.outputSize - axis.outputSize),
    text: nearMissText(g, windows),
  };
}

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

/** Whether the form splits a total padding (auto_pad SAME_* or output_shape) rather than taking pads. */
const splitsTotal = (autoPad: AutoPad, outputShape: number | null): boolean =>
  outputShape !== null || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER';

/**
 * Per axis, an output_padding under which ONNX's rule reproduces this axis's crop. `portable`
 * skips those whose total padding is negative (conventions.ts onnxTotalPadding: the spec gives
 * no split there, so tconv's clamp is a choice ONNX Runtime and the reference evaluator do not share).
 */
function matchOnnxAxis(
  axis: AxisGeometry,
  autoPad: AutoPad,
  outputShape: number | null,
  portable: boolean,
): number | null {
  for (const op of outputPaddingCandidates(axis)) {
    const outcome = resolveOnnxAxis(params(axis), autoPad, 0, 0, outputShape, op);
    if (!('beginCrop' in outcome) || outcome.beginCrop !== axis.beginCrop || outcome.outputSize !== axis.outputSize) {
      continue;
    }
    if (portable && splitsTotal(autoPad, outputShape) && onnxTotalPadding(params(axis), axis.outputSize, op) < 0) {
      continue;
    }
    return op;
  }
  return null;
}

function onnxMatchedForm(
  g: ConvTransposeGeometry,
  autoPad: AutoPad,
  withOutputShape: boolean,
  portable = false,
): Spelling | null {
  const outputPadding: number[] = [];
  for (const axis of g.axes) {
    const op = matchOnnxAxis(axis, autoPad, withOutputShape ? axis.outputSize : null, portable);
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

/**
 * Spellings per geometry object: a fuzz case asks for them several times (the onnxruntime plan,
 * then each known-divergence predicate), and the geometry struct is never modified.
 */
const onnxSpellingsOf = new WeakMap<ConvTransposeGeometry, readonly Spelling[]>();

export function onnxSpellings(g: ConvTransposeGeometry): Spelling[] {
  let spellings = onnxSpellingsOf.get(g);
  if (!spellings) {
    spellings = computeOnnxSpellings(g);
    onnxSpellingsOf.set(g, spellings);
  }
  return [...spellings];
}

function computeOnnxSpellings(g: ConvTransposeGeometry): Spelling[] {
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

/**
 * A form that reproduces the crop only through a negative total padding on some axis: not
 * portable (conventions.ts onnxTotalPadding), so `explain` does not offer it.
 */
function notPortable(g: ConvTransposeGeometry, spelling: Spelling, withOutputShape: boolean, pads: boolean): Spelling {
  const outputPadding = spelling.expressible ? (spelling.onnx?.output_padding ?? []) : [];
  const totals = g.axes.map((axis, index) =>
    onnxTotalPadding(params(axis), axis.outputSize, outputPadding[index] ?? 0),
  );
  // What the implementations do there (measured: ONNX Runtime 1.30, onnx 1.23's reference evaluator).
  const autoPad = spelling.expressible ? (spelling.onnx?.auto_pad ?? 'NOTSET') : 'NOTSET';
  const runtime = !withOutputShape
    ? 'ONNX Runtime returns a shorter output (min(i*s, full + output_padding)) while the onnx reference evaluator puts the extra zero rows at the start'
    : autoPad === 'SAME_UPPER'
      ? 'ONNX Runtime appends the extra zeros at the end (and rejects an output_shape >= full + stride) while the onnx reference evaluator puts them at the start'
      : 'ONNX Runtime and the onnx reference evaluator append the extra zeros at the end but reject an output_shape >= full + stride';
  return {
    framework: 'onnx',
    form: spelling.form,
    expressible: false,
    reason: `not portable: the total padding s*(i-1) + output_padding + k_eff - o is ${totals.join(', ')} per axis, negative where this output is longer than full + output_padding, and the spec gives no split for a negative total: ${runtime}${pads ? '; use the pads form' : ''}`,
  };
}

/**
 * The ONNX forms `explain` offers: those of `onnxSpellings` whose total padding is >= 0 on every
 * axis (trying every output_padding for that), the others marked not portable. The runners keep
 * running `onnxSpellings` (all forms, as ORT's known divergences are recorded on them).
 */
export function onnxPortableSpellings(g: ConvTransposeGeometry): Spelling[] {
  const spellings: Spelling[] = [onnxPadsForm(g)];
  const family = (autoPads: readonly AutoPad[], withOutputShape: boolean): Spelling[] =>
    autoPads.flatMap((autoPad) => {
      const portable = onnxMatchedForm(g, autoPad, withOutputShape, true);
      if (portable) return [portable];
      const any = onnxMatchedForm(g, autoPad, withOutputShape);
      return any ? [notPortable(g, any, withOutputShape, spellings[0]!.expressible)] : [];
    });
  const autoForms: Spelling[] = family(['SAME_UPPER', 'SAME_LOWER', 'VALID'], false);
  if (autoForms.length === 0) {
    autoForms.push({ framework: 'onnx', form: 'auto_pad', expressible: false, reason: autoPadReason(g) });
  }
  // No auto_pad form at all: the hint goes on the first (the others say why they are not portable).
  const first = autoForms[0]!;
  const hint = autoForms.some((form) => form.expressible) ? null : onnxAutoPadHint(g, spellings[0]!);
  spellings.push(...(hint && !first.expressible ? [{ ...first, nearMiss: hint }, ...autoForms.slice(1)] : autoForms));
  const shapeForms = family(['NOTSET', 'SAME_UPPER'], true);
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

/** Where no auto_pad form reproduces the crop: the nearest portable one ONNX Runtime runs. */
function onnxAutoPadHint(g: ConvTransposeGeometry, pads: Spelling): NearMiss | null {
  const found = onnxAutoPadNearMiss(g);
  if (!found) return null;
  const outputPadding = found.choice.parameters;
  const attributes: OnnxAttributes = {
    ...onnxBase(g),
    auto_pad: found.mode,
    ...(allZero(outputPadding) ? {} : { output_padding: outputPadding }),
  };
  return nearMissOf(g, found.choice.windows, {
    code: onnxCode(attributes),
    emulation: pads.expressible
      ? `exact: the pads form (${pads.code})`
      : emulationText(g, 'ConvTranspose with auto_pad="VALID"', false),
    notes: [],
    onnx: attributes,
  });
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
  if (g.axes.some((axis) => axis.dilation > 1)) {
    notes.push(
      'TensorFlow\'s own CPU kernels reject dilation > 1 for this op ("Current CPU implementations do not yet support dilation rates larger than 1", also under Keras\'s TensorFlow backend); oneDNN builds (the x86 default) and GPUs run it',
    );
  }
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

/**
 * tf.nn.conv2d_transpose also takes explicit paddings [[0, 0], [top, bottom], [left, right], [0, 0]]
 * (conv1d_transpose and conv3d_transpose do not): begin = the crop, end = the end crop (0 where the
 * output passes the full size, which TF accepts by up to s - 1; conventions.ts tfExplicitPaddingAccepted).
 */
function tfExplicitSpelling(g: ConvTransposeGeometry, form: string): Spelling | null {
  if (g.rank !== 2) return null;
  const paddings: (readonly [number, number])[] = [];
  for (const axis of g.axes) {
    const end = Math.max(0, axis.endCrop);
    if (!tfExplicitPaddingAccepted(params(axis), axis.outputSize, axis.beginCrop, end)) return null;
    paddings.push([axis.beginCrop, end]);
  }
  const outputShape = [g.batch, ...g.axes.map((axis) => axis.outputSize), g.outChannels];
  const strides = g.axes.map((axis) => axis.stride);
  const dilations = g.axes.map((axis) => axis.dilation);
  const padding = `[[0, 0], ${paddings.map((pair) => list(pair)).join(', ')}, [0, 0]]`;
  return {
    framework: 'tensorflow',
    form,
    expressible: true,
    code: tfCode(form, outputShape, strides, padding, dilations),
    notes: tfNotes(g),
    tfExplicit: { paddings, outputShape, strides, dilations },
  };
}

function tfCode(
  form: string,
  outputShape: readonly number[],
  strides: readonly number[],
  padding: string,
  dilations: readonly number[],
): string {
  const dilationArgument = dilations.some((d) => d > 1) ? `, dilations=${list(dilations)}` : '';
  return `${form}(x, filters, output_shape=${list(outputShape)}, strides=${list(strides)}, padding=${padding}${dilationArgument})`;
}

/** Where no TF padding reproduces the crop: SAME or VALID with the nearest output_shape TF accepts. */
function tfHint(g: ConvTransposeGeometry, form: string): NearMiss | null {
  const found = tfNearMiss(g);
  if (!found) return null;
  const call: TfCall = {
    padding: found.mode,
    outputShape: [g.batch, ...found.choice.parameters, g.outChannels],
    strides: g.axes.map((axis) => axis.stride),
    dilations: g.axes.map((axis) => axis.dilation),
  };
  const fullShape = [g.batch, ...g.axes.map((axis) => axis.fullSize), g.outChannels];
  return nearMissOf(g, found.choice.windows, {
    code: tfCode(form, call.outputShape, call.strides, `'${call.padding}'`, call.dilations),
    emulation: emulationText(g, `padding='VALID' with output_shape=${list(fullShape)}`, true),
    notes: tfNotes(g),
    tf: call,
  });
}

export function tfSpellings(g: ConvTransposeGeometry): Spelling[] {
  const blocker = tfBlockers(g);
  const form = `tf.nn.conv${spatialNames(g.rank)}_transpose`;
  if (blocker) return [{ framework: 'tensorflow', form, expressible: false, reason: blocker }];
  const matches = (['SAME', 'VALID'] as const).filter((padding) => tfMatches(g, padding));
  if (matches.length === 0) {
    const explicit = tfExplicitSpelling(g, form);
    if (explicit) return [explicit];
    const only =
      g.rank === 2
        ? '; nor do explicit paddings: TF needs o + pad_begin + pad_end in [full, full + s - 1] with pads >= 0'
        : ` (conv${g.rank}d_transpose takes only 'SAME' or 'VALID'; conv2d_transpose also takes explicit paddings)`;
    const hint = tfHint(g, form);
    return [
      {
        framework: 'tensorflow',
        form,
        expressible: false,
        reason: `${tfReason(g)}${only}`,
        ...(hint ? { nearMiss: hint } : {}),
      },
    ];
  }
  return matches.map((padding): Spelling => {
    const outputShape = [g.batch, ...g.axes.map((axis) => axis.outputSize), g.outChannels];
    const strides = g.axes.map((axis) => axis.stride);
    const dilations = g.axes.map((axis) => axis.dilation);
    return {
      framework: 'tensorflow',
      form,
      expressible: true,
      code: tfCode(form, outputShape, strides, `'${padding}'`, dilations),
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

function kerasCode(form: string, call: KerasCall): string {
  const extras = [
    call.outputPadding ? `output_padding=${tuple(call.outputPadding)}` : '',
    call.dilationRate.some((d) => d > 1) ? `dilation_rate=${tuple(call.dilationRate)}` : '',
    `use_bias=${call.useBias ? 'True' : 'False'}`,
  ].filter(Boolean);
  return `${form}(filters=${call.filters}, kernel_size=${tuple(call.kernelSize)}, strides=${tuple(call.strides)}, padding='${call.padding}', ${extras.join(', ')})`;
}

export function kerasSpellings(g: ConvTransposeGeometry): Spelling[] {
  const form = `keras.layers.Conv${g.rank}DTranspose`;
  const blocker = tfBlockers(g) ?? kerasStridesWithDilation(g.axes.map(params));
  if (blocker) return [{ framework: 'keras', form, expressible: false, reason: blocker }];
  const spellings: Spelling[] = [];
  for (const padding of ['SAME', 'VALID'] as const) {
    const op = kerasOutputPadding(g, padding);
    if (op === undefined) continue;
    const keras: KerasCall = {
      filters: g.outChannels,
      kernelSize: g.axes.map((axis) => axis.kernelSize),
      strides: g.axes.map((axis) => axis.stride),
      padding: padding === 'SAME' ? 'same' : 'valid',
      outputPadding: op,
      dilationRate: g.axes.map((axis) => axis.dilation),
      useBias: g.hasBias,
    };
    spellings.push({
      framework: 'keras',
      form,
      expressible: true,
      code: kerasCode(form, keras),
      notes: tfNotes(g),
      keras,
    });
  }
  if (spellings.length > 0) return spellings;
  const hint = kerasHint(g, form);
  return [
    {
      framework: 'keras',
      form,
      expressible: false,
      reason:
        tfMatches(g, 'SAME') || tfMatches(g, 'VALID')
          ? 'Keras derives the output size from output_padding (< stride) and cannot request this one; use tf.nn with output_shape'
          : tfReason(g),
      ...(hint ? { nearMiss: hint } : {}),
    },
  ];
}

/** Where no Keras padding / output_padding reproduces the crop: the nearest one. */
function kerasHint(g: ConvTransposeGeometry, form: string): NearMiss | null {
  const found = kerasNearMiss(g);
  if (!found) return null;
  const ops = found.choice.parameters;
  const keras: KerasCall = {
    filters: g.outChannels,
    kernelSize: g.axes.map((axis) => axis.kernelSize),
    strides: g.axes.map((axis) => axis.stride),
    padding: found.mode === 'SAME' ? 'same' : 'valid',
    outputPadding: ops.every((op) => op === null) ? null : ops.map((op) => op ?? 0),
    dilationRate: g.axes.map((axis) => axis.dilation),
    useBias: g.hasBias,
  };
  // padding='valid', output_padding=0 is exactly the full size (kerasOutputSize), which TF accepts.
  const full = kerasCode(form, { ...keras, padding: 'valid', outputPadding: g.axes.map(() => 0) });
  return nearMissOf(g, found.choice.windows, {
    code: kerasCode(form, keras),
    emulation: emulationText(g, full, true),
    notes: tfNotes(g),
    keras,
  });
}

// ---------------------------------------------------------------- PyTorch

/** The ConvTranspose module's constructor (padding and output_padding per axis), without the call. */
function torchModule(g: ConvTransposeGeometry, padding: readonly number[], outputPadding: readonly number[]): string {
  const form = `torch.nn.ConvTranspose${g.rank}d`;
  return `${form}(in_channels=${g.inChannels}, out_channels=${g.outChannels}, kernel_size=${tuple(g.axes.map((a) => a.kernelSize))}, stride=${tuple(g.axes.map((a) => a.stride))}, padding=${tuple(padding)}${allZero(outputPadding) ? '' : `, output_padding=${tuple(outputPadding)}`}${g.axes.some((a) => a.dilation > 1) ? `, dilation=${tuple(g.axes.map((a) => a.dilation))}` : ''}${g.group > 1 ? `, groups=${g.group}` : ''}, bias=${g.hasBias ? 'True' : 'False'})`;
}

/** Where symmetric padding cannot reproduce the crop: the nearest padding / output_padding. */
function torchHint(g: ConvTransposeGeometry): NearMiss | null {
  const found = torchNearMiss(g);
  if (!found) return null;
  const padding = found.parameters.map((p) => p.padding);
  const outputPadding = found.parameters.map((p) => p.outputPadding);
  const zeros = g.axes.map(() => 0);
  return nearMissOf(g, found.windows, {
    code: torchModule(g, padding, outputPadding),
    emulation: emulationText(g, torchModule(g, zeros, zeros), false),
    notes: [],
    torch: { padding, outputPadding, outputSize: null },
  });
}

export function torchSpellings(g: ConvTransposeGeometry): Spelling[] {
  const form = `torch.nn.ConvTranspose${g.rank}d`;
  const outputPadding: number[] = [];
  const cannot = (reason: string): Spelling[] => {
    const hint = torchHint(g);
    return [{ framework: 'pytorch', form, expressible: false, reason, ...(hint ? { nearMiss: hint } : {}) }];
  };
  for (const axis of g.axes) {
    // PyTorch: o = full - 2p + op with begin crop p, so op = p - endCrop.
    const op = axis.beginCrop - axis.endCrop;
    if (op < 0) {
      return cannot(
        `asymmetric crop (begin ${axis.beginCrop}, end ${axis.endCrop}): PyTorch pads both sides by the same amount; emulate with padding=0 and slice [${axis.beginCrop}:${axis.beginCrop + axis.outputSize}]`,
      );
    }
    const violation = torchOutputPaddingViolation(params(axis), op);
    if (violation) return cannot(`needs output_padding ${op}: ${violation.message}`);
    outputPadding.push(op);
  }
  const paddings = g.axes.map((axis) => axis.beginCrop);
  const spellings: Spelling[] = [
    {
      framework: 'pytorch',
      form,
      expressible: true,
      code: torchModule(g, paddings, outputPadding),
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
      code: `${torchModule(
        g,
        paddings,
        paddings.map(() => 0),
      )}(x, output_size=${list(outputSize)})`,
      notes: [],
      torch: { padding: paddings, outputPadding: g.axes.map(() => 0), outputSize },
    });
  }
  return spellings;
}

export function allSpellings(g: ConvTransposeGeometry): Spelling[] {
  return [
    ...tfSpellings(g),
    ...kerasSpellings(g),
    ...onnxPortableSpellings(g),
    ...torchSpellings(g),
    ...webnnSpellings(g),
  ];
}
