/**
 * A geometry spelled as W3C WebNN `MLGraphBuilder.convTranspose2d(input, filter, options)`
 * (https://www.w3.org/TR/webnn/#api-mlgraphbuilder-convtranspose2d), for `explain` and the
 * reports. WebNN is 2-D only; its padding is explicit and may be asymmetric, so every 2-D crop
 * whose output ends less than a stride past the full size has a spelling.
 */
import type { Spelling } from './spellings.js';
import type { AxisGeometry, ConvTransposeGeometry } from './types.js';

export type WebnnFilterLayout = 'iohw' | 'hwoi' | 'ohwi';

/** MLConvTranspose2dOptions as the spelling passes them (defaults spelled out). */
export interface WebnnCall {
  /** [beginningHeight, endingHeight, beginningWidth, endingWidth] */
  readonly padding: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** null when not passed (the spec's default [0, 0]). */
  readonly outputPadding: readonly number[] | null;
  /** null when not passed (computed from padding and outputPadding). */
  readonly outputSizes: readonly number[] | null;
  readonly groups: number;
  readonly inputLayout: 'nchw' | 'nhwc';
  /** tconv's weight [C, M/group, kH, kW] is WebNN's default filterLayout 'iohw'. */
  readonly filterLayout: WebnnFilterLayout;
  readonly bias: boolean;
}

const FORM = 'convTranspose2d';
const list = (values: readonly number[]): string => `[${values.join(', ')}]`;

/**
 * Per axis, the outputPadding and endingPadding that reproduce the crop: o = calculated + op with
 * calculated = full - begin - end, so end = endCrop + op >= 0 and op < stride (the spec's
 * "outputPadding[0] is greater than or equal to strides[0] ... throw a TypeError"). The case's
 * own output padding is preferred when it fits.
 */
function axisPadding(axis: AxisGeometry): { end: number; op: number } | null {
  const stated = axis.outputPadding;
  if (stated < axis.stride && axis.endCrop + stated >= 0) return { end: axis.endCrop + stated, op: stated };
  const op = Math.max(0, -axis.endCrop);
  return op < axis.stride ? { end: axis.endCrop + op, op } : null;
}

export function webnnCode(call: WebnnCall): string {
  const options = [
    `padding: ${list(call.padding)}`,
    `strides: ${list(call.strides)}`,
    call.dilations.some((d) => d > 1) ? `dilations: ${list(call.dilations)}` : '',
    call.outputPadding ? `outputPadding: ${list(call.outputPadding)}` : '',
    call.outputSizes ? `outputSizes: ${list(call.outputSizes)}` : '',
    call.groups > 1 ? `groups: ${call.groups}` : '',
    call.inputLayout === 'nhwc' ? "inputLayout: 'nhwc'" : '',
    call.filterLayout === 'iohw' ? '' : `filterLayout: '${call.filterLayout}'`,
    call.bias ? 'bias' : '',
  ].filter(Boolean);
  return `builder.${FORM}(input, filter, {${options.join(', ')}})`;
}

function notes(g: ConvTransposeGeometry): string[] {
  return [
    "filter = W [C, M/group, kH, kW], the default filterLayout 'iohw'; for 'hwoi' pass transpose(W, [2, 3, 1, 0]), for 'ohwi' transpose(W, [1, 2, 3, 0]) (no flip)",
    g.channelsLast
      ? "input and output [N, H, W, C]: inputLayout 'nhwc'"
      : "input and output [N, C, H, W]: inputLayout 'nchw' (the default)",
    ...(g.hasBias ? ['bias: options.bias, a 1-D operand [outputChannels]'] : []),
  ];
}

export function webnnSpellings(g: ConvTransposeGeometry): Spelling[] {
  if (g.rank !== 2) {
    const reason =
      g.rank === 1
        ? 'WebNN convTranspose2d is 2-D only (input and filter must be 4-D); a 1-D case runs as 2-D with height 1 (input [N, C, 1, W], kernel [1, k])'
        : 'WebNN convTranspose2d is 2-D only (input and filter must be 4-D); there is no 3-D transposed convolution';
    return [{ framework: 'webnn', form: FORM, expressible: false, reason }];
  }
  const chosen = g.axes.map(axisPadding);
  const blocked = g.axes.findIndex((_, index) => chosen[index] === null);
  if (blocked >= 0) {
    const axis = g.axes[blocked]!;
    return [
      {
        framework: 'webnn',
        form: FORM,
        expressible: false,
        reason: `the output extends ${-axis.endCrop} past the full size, which needs outputPadding ${-axis.endCrop}; WebNN requires outputPadding < stride (${axis.stride}) whatever the dilation`,
      },
    ];
  }
  const perAxis = chosen.map((entry) => entry!);
  const base: WebnnCall = {
    padding: g.axes.flatMap((axis, index) => [axis.beginCrop, perAxis[index]!.end]),
    strides: g.axes.map((axis) => axis.stride),
    dilations: g.axes.map((axis) => axis.dilation),
    outputPadding: null,
    outputSizes: null,
    groups: g.group,
    inputLayout: g.channelsLast ? 'nhwc' : 'nchw',
    filterLayout: 'iohw',
    bias: g.hasBias,
  };
  const outputPadding = perAxis.map((entry) => entry.op);
  const padded: WebnnCall = outputPadding.some(Boolean) ? { ...base, outputPadding } : base;
  const spellings: Spelling[] = [
    { framework: 'webnn', form: FORM, expressible: true, code: webnnCode(padded), notes: notes(g), webnn: padded },
  ];
  if (padded.outputPadding) {
    // The same padding with outputSizes: each size is calculated + op, inside the spec's
    // [calculated, calculated + stride) since op < stride.
    const sized: WebnnCall = { ...base, outputSizes: g.axes.map((axis) => axis.outputSize) };
    spellings.push({
      framework: 'webnn',
      form: `${FORM}+outputSizes`,
      expressible: true,
      code: webnnCode(sized),
      notes: notes(g),
      webnn: sized,
    });
  }
  return spellings;
}
