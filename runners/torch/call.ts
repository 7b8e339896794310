/**
 * The PyTorch spellings of a geometry (spellings.ts `torchSpellings`) as runner expressions:
 * - 'padding': torch.nn.functional.conv_transpose{N}d with the spelling's padding and
 *   output_padding (what ConvTranspose{N}d.forward(x) calls);
 * - 'output_size': a torch.nn.ConvTranspose{N}d module called as forward(x, output_size=o), from
 *   which PyTorch derives output_padding itself;
 * - 'full+crop' (emulation, only where PyTorch cannot spell the geometry: an asymmetric crop, or
 *   an output_padding PyTorch rejects): the functional call with padding 0 and output_padding 0,
 *   then tconv keeps [beginCrop, beginCrop + o) per axis (crop.ts).
 * The padding values come from the spelling (its `code`), never re-derived here; each is checked
 * against PyTorch's own rule (conventions.ts `resolveTorchAxis`) to reproduce the geometry.
 */
import { layoutFor } from '../../src/geometry/build.js';
import { isViolation, resolveTorchAxis } from '../../src/geometry/conventions.js';
import { torchSpellings, type Spelling } from '../../src/geometry/spellings.js';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { Expression, NativeCall, Plan } from '../types.js';
import { channelsFirstShape } from '../../src/layout.js';

export type TorchVariant = 'padding' | 'output_size' | 'full+crop';

/** The attributes of a call, as the expression states them and the bridge receives them. */
export interface TorchAttributes {
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly output_padding: readonly number[];
  readonly groups: number;
  readonly dilation: readonly number[];
  readonly output_size?: readonly number[];
}

const OUTPUT_SIZE_SUFFIX = '+output_size';

export const functionalOp = (rank: number): string => `torch.nn.functional.conv_transpose${rank}d`;
export const moduleOp = (rank: number): string => `torch.nn.ConvTranspose${rank}d.forward(output_size)`;

/** A harness bug (not a PyTorch error): the spelling and the runner disagree. */
export class TorchPlanError extends Error {}

type Expressible = Extract<Spelling, { expressible: true }>;

/** The call attributes of an expressible spelling, checked against PyTorch's rule. */
export function spellingAttributes(g: ConvTransposeGeometry, spelling: Expressible): TorchAttributes {
  if (!spelling.torch) throw new TorchPlanError(`torch: the spelling '${spelling.form}' has no PyTorch arguments`);
  const padding = spelling.torch.padding;
  const outputSize = spelling.torch.outputSize;
  const outputPadding = outputSize ? null : spelling.torch.outputPadding;
  g.axes.forEach((axis, index) => {
    const outcome = resolveTorchAxis(
      axis,
      padding[index]!,
      outputPadding?.[index] ?? null,
      outputSize?.[index] ?? null,
    );
    if (isViolation(outcome) || outcome.beginCrop !== axis.beginCrop || outcome.outputSize !== axis.outputSize) {
      throw new TorchPlanError(
        `torch: the spelling '${spelling.code}' does not reproduce axis ${index} (begin ${axis.beginCrop}, size ${axis.outputSize}): ${isViolation(outcome) ? outcome.message : `begin ${outcome.beginCrop}, size ${outcome.outputSize}`}`,
      );
    }
  });
  return {
    stride: g.axes.map((axis) => axis.stride),
    padding,
    output_padding: outputPadding ?? g.axes.map(() => 0),
    groups: g.group,
    dilation: g.axes.map((axis) => axis.dilation),
    ...(outputSize ? { output_size: outputSize } : {}),
  };
}

/** Shapes PyTorch sees: input and output channels-first, weight [C, M/groups, k...]. */
export function torchShapes(
  g: ConvTransposeGeometry,
  outputSpatial: readonly number[],
): { input: number[]; weight: number[]; bias?: number[]; output: number[] } {
  const input = g.channelsLast ? channelsFirstShape(g.inputShape) : [...g.inputShape];
  return {
    input,
    weight: [...g.weightShape],
    ...(g.hasBias ? { bias: [g.outChannels] } : {}),
    output: [g.batch, g.outChannels, ...outputSpatial],
  };
}

function layouts(g: ConvTransposeGeometry): Record<string, string> {
  const torchLayout = layoutFor(g.rank, false);
  const moved = (direction: 'from' | 'to'): string =>
    g.channelsLast ? ` (tconv transposes ${direction} the case's ${g.layout})` : '';
  return {
    input: `${torchLayout}${moved('from')}`,
    weight: 'C_in,C_out/groups,k...',
    ...(g.hasBias ? { bias: 'C_out' } : {}),
    output: `${torchLayout}${moved('to')}`,
  };
}

function call(
  g: ConvTransposeGeometry,
  op: string,
  attributes: TorchAttributes,
  outputSpatial: readonly number[],
): NativeCall {
  return { op, attributes: { ...attributes }, layouts: layouts(g), shapes: torchShapes(g, outputSpatial) };
}

function emulationText(g: ConvTransposeGeometry, reason: string): string {
  const full = g.axes.map((axis) => axis.fullSize).join('x');
  const extends_ = g.axes.some((axis) => axis.endCrop < 0);
  return (
    `PyTorch cannot spell this geometry (${reason}); torch computes the full output ${full} (padding 0, output_padding 0) ` +
    `and tconv keeps [begin, begin + o) per axis (begin ${g.axes.map((a) => a.beginCrop).join(',')}, o ${g.axes.map((a) => a.outputSize).join('x')})` +
    (extends_ ? ', appending bias-only rows past the full size' : '')
  );
}

export function torchPlan(g: ConvTransposeGeometry): Plan {
  const spellings = torchSpellings(g);
  const expressible = spellings.filter((spelling): spelling is Expressible => spelling.expressible);
  const outputSpatial = g.axes.map((axis) => axis.outputSize);
  if (expressible.length > 0) {
    const expressions: Expression[] = expressible.map((spelling) => {
      const attributes = spellingAttributes(g, spelling);
      return spelling.form.endsWith(OUTPUT_SIZE_SUFFIX)
        ? { variant: 'output_size', call: call(g, moduleOp(g.rank), attributes, outputSpatial) }
        : { variant: 'padding', call: call(g, functionalOp(g.rank), attributes, outputSpatial) };
    });
    return { supported: true, expressions };
  }
  const reason = spellings.map((spelling) => (spelling.expressible ? spelling.form : spelling.reason)).join('; ');
  const zeros = g.axes.map(() => 0);
  const attributes: TorchAttributes = {
    stride: g.axes.map((axis) => axis.stride),
    padding: zeros,
    output_padding: zeros,
    groups: g.group,
    dilation: g.axes.map((axis) => axis.dilation),
  };
  return {
    supported: true,
    expressions: [
      {
        variant: 'full+crop',
        emulation: emulationText(g, reason),
        call: call(
          g,
          functionalOp(g.rank),
          attributes,
          g.axes.map((axis) => axis.fullSize),
        ),
      },
    ],
  };
}

const isIntList = (value: unknown, rank: number): value is number[] =>
  Array.isArray(value) && value.length === rank && value.every((v) => Number.isInteger(v));

/**
 * The bridge form and attributes of an expression's call (what execute runs, exactly as the
 * expression states it). Throws TorchPlanError for a call this runner did not plan.
 */
export function callArguments(
  g: ConvTransposeGeometry,
  expression: Expression,
): { form: 'functional' | 'module'; attributes: TorchAttributes; crop: boolean } {
  const { op, attributes: a } = expression.call;
  const form = op === functionalOp(g.rank) ? 'functional' : op === moduleOp(g.rank) ? 'module' : null;
  const known = ['padding', 'output_size', 'full+crop'].includes(expression.variant);
  if (!form || !known)
    throw new TorchPlanError(`torch: no variant '${expression.variant}' with op '${op}' for this geometry`);
  const fields = ['stride', 'padding', 'output_padding', 'dilation', ...(form === 'module' ? ['output_size'] : [])];
  const bad = fields.filter((field) => !isIntList(a[field], g.rank));
  if (bad.length > 0 || !Number.isInteger(a['groups'])) {
    throw new TorchPlanError(
      `torch: malformed call attributes (${[...bad, ...(Number.isInteger(a['groups']) ? [] : ['groups'])].join(', ')})`,
    );
  }
  return { form, attributes: a as unknown as TorchAttributes, crop: expression.variant === 'full+crop' };
}
