/**
 * Near-miss hints (issue 15): where a framework cannot spell a case, the spelling people write
 * instead and exactly how its output differs. Every spelling here is "the full transposed
 * convolution, then a crop" (types.ts), so the difference is per axis: the hint computes
 * full[b' : b' + o'] where the case is full[b : b + o] (indices past the full size read as zeros,
 * plus bias). `shift` = b' - b and `sizeDelta` = o' - o per axis; the hint is the valid spelling of
 * the framework nearest in shape (sum over axes of |sizeDelta|), then in position (sum of |shift|):
 * for Keras padding='same', s 2, k 3 (7 -> 14) in PyTorch, padding=1, output_padding=1.
 *
 * This file only searches each framework's rule (conventions.ts) for the parameters; spellings.ts
 * turns them into code with the same formatters as the exact spellings.
 */
import {
  kerasOutputSize,
  onnxTotalPadding,
  resolveOnnxAxis,
  tfAcceptedOutputRange,
  tfBeginCrop,
  type AutoPad,
  type AxisParams,
} from './conventions.js';
import { axisNames } from './resolve.js';
import type { AxisGeometry, ConvTransposeGeometry } from './types.js';

/** What a near-miss spelling computes on one axis: full[beginCrop : beginCrop + outputSize]. */
export interface AxisWindow {
  readonly beginCrop: number;
  readonly outputSize: number;
}

/** The per-axis parameters of a near-miss spelling, and the windows they give. */
export interface NearMissChoice<T> {
  readonly parameters: readonly T[];
  readonly windows: readonly AxisWindow[];
}

const params = (axis: AxisGeometry): AxisParams => ({
  inputSize: axis.inputSize,
  kernelSize: axis.kernelSize,
  stride: axis.stride,
  dilation: axis.dilation,
});

/** [size difference, shift]: smaller is nearer (same shape first, then the smallest shift). */
const cost = (axis: AxisGeometry, window: AxisWindow): readonly [number, number] => [
  Math.abs(window.outputSize - axis.outputSize),
  Math.abs(window.beginCrop - axis.beginCrop),
];

const nearer = (a: readonly [number, number], b: readonly [number, number]): boolean =>
  a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * The nearest choice when every axis picks its own candidate (the framework's parameters are per
 * axis), or null when some axis has none. Ties keep the first candidate.
 */
function perAxis<T>(
  g: ConvTransposeGeometry,
  candidates: (axis: AxisGeometry) => readonly { parameter: T; window: AxisWindow }[],
): (NearMissChoice<T> & { cost: readonly [number, number] }) | null {
  const parameters: T[] = [];
  const windows: AxisWindow[] = [];
  const total: [number, number] = [0, 0];
  for (const axis of g.axes) {
    let best: { parameter: T; window: AxisWindow; cost: readonly [number, number] } | null = null;
    for (const candidate of candidates(axis)) {
      const c = cost(axis, candidate.window);
      if (best === null || nearer(c, best.cost)) best = { ...candidate, cost: c };
    }
    if (best === null) return null;
    parameters.push(best.parameter);
    windows.push(best.window);
    total[0] += best.cost[0];
    total[1] += best.cost[1];
  }
  return { parameters, windows, cost: total };
}

/** The nearest of several global modes (TF padding, Keras padding, ONNX auto_pad), first on ties. */
function nearestMode<M, T>(
  modes: readonly M[],
  choose: (mode: M) => (NearMissChoice<T> & { cost: readonly [number, number] }) | null,
): { mode: M; choice: NearMissChoice<T> } | null {
  let best: { mode: M; choice: NearMissChoice<T>; cost: readonly [number, number] } | null = null;
  for (const mode of modes) {
    const choice = choose(mode);
    if (choice && (best === null || nearer(choice.cost, best.cost))) best = { mode, choice, cost: choice.cost };
  }
  return best && { mode: best.mode, choice: best.choice };
}

/** Whether the windows are the case's own crop (then the framework could spell it: no hint). */
const exact = (g: ConvTransposeGeometry, windows: readonly AxisWindow[]): boolean =>
  g.axes.every(
    (axis, index) => axis.beginCrop === windows[index]!.beginCrop && axis.outputSize === windows[index]!.outputSize,
  );

// ---------------------------------------------------------------- per framework

/**
 * PyTorch: symmetric padding p (begin crop p) and output_padding op < max(stride, dilation)
 * ("output padding must be smaller than either stride or dilation"): o' = full - 2p + op.
 */
export function torchNearMiss(
  g: ConvTransposeGeometry,
): NearMissChoice<{ padding: number; outputPadding: number }> | null {
  const choice = perAxis(g, (axis) =>
    Array.from({ length: axis.fullSize }, (_, p) => p).flatMap((p) =>
      Array.from({ length: Math.max(axis.stride, axis.dilation) }, (_, op) => op)
        .filter((op) => axis.fullSize - 2 * p + op > 0)
        .map((op) => ({
          parameter: { padding: p, outputPadding: op },
          window: { beginCrop: p, outputSize: axis.fullSize - 2 * p + op },
        })),
    ),
  );
  return choice && !exact(g, choice.windows) ? choice : null;
}

/**
 * tf.nn.convNd_transpose with padding SAME or VALID and an output_shape TF accepts
 * (tfAcceptedOutputRange); TF crops floor(total / 2) at the start for SAME, nothing for VALID.
 */
export function tfNearMiss(
  g: ConvTransposeGeometry,
): { mode: 'SAME' | 'VALID'; choice: NearMissChoice<number> } | null {
  const found = nearestMode(['SAME', 'VALID'] as const, (padding) =>
    perAxis(g, (axis) => {
      const [low, high] = tfAcceptedOutputRange(params(axis), padding);
      return Array.from({ length: high - low + 1 }, (_, index) => low + index).map((size) => ({
        parameter: size,
        window: { beginCrop: tfBeginCrop(params(axis), padding, size), outputSize: size },
      }));
    }),
  );
  return found && !exact(g, found.choice.windows) ? found : null;
}

/**
 * Keras Conv{N}DTranspose: padding same/valid with output_padding None (every axis) or per axis
 * in [0, stride); the size is Keras's deconv_output_length and must be one TF accepts (Keras
 * calls tf.nn.conv_transpose with it), the crop is TF's.
 */
export function kerasNearMiss(
  g: ConvTransposeGeometry,
): { mode: 'SAME' | 'VALID'; choice: NearMissChoice<number | null> } | null {
  const window = (axis: AxisGeometry, padding: 'SAME' | 'VALID', op: number | null): AxisWindow | null => {
    const size = kerasOutputSize(params(axis), padding, op);
    const [low, high] = tfAcceptedOutputRange(params(axis), padding);
    if (size < low || size > high) return null;
    return { beginCrop: tfBeginCrop(params(axis), padding, size), outputSize: size };
  };
  const modes = [
    { padding: 'SAME', none: true },
    { padding: 'SAME', none: false },
    { padding: 'VALID', none: true },
    { padding: 'VALID', none: false },
  ] as const;
  const found = nearestMode(modes, ({ padding, none }) =>
    perAxis(g, (axis) => {
      const ops: (number | null)[] = none ? [null] : Array.from({ length: axis.stride }, (_, op) => op);
      return ops.flatMap((op) => {
        const w = window(axis, padding, op);
        return w ? [{ parameter: op, window: w }] : [];
      });
    }),
  );
  if (!found || exact(g, found.choice.windows)) return null;
  return { mode: found.mode.padding, choice: found.choice };
}

/**
 * ONNX auto_pad SAME_UPPER / SAME_LOWER / VALID with output_padding < stride (ONNX Runtime
 * rejects larger ones) and, for SAME_*, a total padding >= 0 (the split the spec defines:
 * conventions.ts onnxTotalPadding), so ONNX Runtime and the reference evaluator agree.
 */
export function onnxAutoPadNearMiss(
  g: ConvTransposeGeometry,
): { mode: Exclude<AutoPad, 'NOTSET'>; choice: NearMissChoice<number> } | null {
  const found = nearestMode(['SAME_UPPER', 'SAME_LOWER', 'VALID'] as const, (autoPad) =>
    perAxis(g, (axis) =>
      Array.from({ length: axis.stride }, (_, op) => op).flatMap((op) => {
        const outcome = resolveOnnxAxis(params(axis), autoPad, 0, 0, null, op);
        if (!('beginCrop' in outcome)) return [];
        if (autoPad !== 'VALID' && onnxTotalPadding(params(axis), outcome.outputSize, op) < 0) return [];
        return [{ parameter: op, window: { beginCrop: outcome.beginCrop, outputSize: outcome.outputSize } }];
      }),
    ),
  );
  return found && !exact(g, found.choice.windows) ? found : null;
}

// ---------------------------------------------------------------- how it differs, and the emulation

const slice = (begin: number, size: number): string => `full[${begin}:${begin + size}]`;

const joinNames = (names: readonly string[]): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

const signed = (value: number): string => (value > 0 ? `+${value}` : `${value}`);

/**
 * "same shape, output shifted by +1 on H and W: compare full[1:15] with full[0:14]": axes with the
 * same difference are named together; an axis the hint gets right is said to match.
 */
export function nearMissText(g: ConvTransposeGeometry, windows: readonly AxisWindow[]): string {
  const names = axisNames(g.rank);
  const groups = new Map<string, { names: string[]; axis: AxisGeometry; window: AxisWindow }>();
  g.axes.forEach((axis, index) => {
    const window = windows[index]!;
    const key = `${axis.beginCrop},${axis.outputSize},${window.beginCrop},${window.outputSize}`;
    const group = groups.get(key) ?? { names: [], axis, window };
    groups.set(key, group);
    group.names.push(names[index] ?? String(index));
  });
  const sameShape = g.axes.every((axis, index) => axis.outputSize === windows[index]!.outputSize);
  const parts: string[] = [];
  const matching: string[] = [];
  for (const { names: axisList, axis, window } of groups.values()) {
    const shift = window.beginCrop - axis.beginCrop;
    const delta = window.outputSize - axis.outputSize;
    if (shift === 0 && delta === 0) {
      matching.push(...axisList);
      continue;
    }
    const what = [
      delta !== 0 ? `output ${window.outputSize} instead of ${axis.outputSize}` : '',
      shift !== 0 ? `output shifted by ${signed(shift)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    parts.push(
      `${what} on ${joinNames(axisList)}: compare ${slice(window.beginCrop, window.outputSize)} with ${slice(axis.beginCrop, axis.outputSize)}`,
    );
  }
  if (matching.length > 0) parts.push(`${joinNames(matching)} as this case`);
  const past = g.axes.some((axis, index) => windows[index]!.beginCrop + windows[index]!.outputSize > axis.fullSize);
  const zeros = past
    ? ` (full is ${g.axes.map((axis) => axis.fullSize).join('x')}; past its end: zeros plus bias)`
    : '';
  return `${sameShape ? 'same shape' : 'different shape'}, ${parts.join('; ')}${zeros}`;
}

/**
 * The exact emulation: the framework's full transposed convolution, zero rows appended where the
 * case's output passes the full size, then the case's slice. `full` spells the full output in the
 * framework; `channelsLast` is the framework's data layout (TF and Keras: channels-last).
 */
export function emulationText(g: ConvTransposeGeometry, full: string, channelsLast: boolean): string {
  const spatial = g.axes.map((axis) => `${axis.beginCrop}:${axis.beginCrop + axis.outputSize}`).join(', ');
  const index = channelsLast ? `y[:, ${spatial}, :]` : `y[:, :, ${spatial}]`;
  const names = axisNames(g.rank);
  const appended = g.axes.flatMap((axis, i) => (axis.endCrop < 0 ? [`${-axis.endCrop} on ${names[i] ?? i}`] : []));
  const pad = appended.length
    ? `, append zero rows at the end (${appended.join(', ')})${g.hasBias ? ' and add the bias after (run without bias: the appended rows are bias only)' : ''}`
    : '';
  return `exact: ${full} gives the full output y (${g.axes.map((axis) => axis.fullSize).join('x')})${pad}, then keep ${index}`;
}
