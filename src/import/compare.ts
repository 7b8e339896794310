/**
 * `tconv import A B --compare`: pairs the transposed convolutions of two models (by name where
 * the names survive export, else in order) and says whether each pair resolves to the same
 * canonical geometry, and if not where the two conventions put the crop differently.
 */
import { axisNames } from '../geometry/resolve.js';
import type { AxisGeometry, ConvTransposeGeometry } from '../geometry/types.js';
import { layerGeometry } from './geometry.js';
import { shortName } from './names.js';
import type { ImportedLayer, ImportedModel } from './types.js';

export interface PairResult {
  readonly a: string | null;
  readonly b: string | null;
  readonly same: boolean;
  /** One line per difference (empty when same). */
  readonly differences: readonly string[];
  readonly summary: string;
}

export interface Comparison {
  readonly a: ImportedModel;
  readonly b: ImportedModel;
  readonly pairing: 'name' | 'order';
  readonly pairs: readonly PairResult[];
  readonly allMatch: boolean;
}

const FRAMEWORK: Record<ImportedModel['format'], string> = { onnx: 'ONNX', keras: 'Keras', tfjs: 'TF.js' };
const WORDS: Record<string, [string, string]> = {
  D: ['plane', 'planes'],
  H: ['row', 'rows'],
  W: ['column', 'columns'],
  pixel: ['pixel', 'pixels'],
};

function word(axis: string, count: number): string {
  const words = WORDS[axis] ?? ['element', 'elements'];
  return count === 1 ? words[0] : words[1];
}

/** The convention as the model wrote it: `Keras SAME`, `ONNX pads [1, 1, 1, 1] + output_padding [1, 1]`. */
export function conventionWords(model: ImportedModel, layer: ImportedLayer): string {
  const { padding, output_padding: outputPadding, output_shape: outputShape } = layer.fields;
  const list = (values: number | readonly number[]): string =>
    typeof values === 'number' ? String(values) : `[${values.join(', ')}]`;
  let text = FRAMEWORK[model.format];
  if (typeof padding === 'string') text += ` ${padding}`;
  else if (typeof padding === 'object' && padding !== null && !Array.isArray(padding)) {
    const spec = padding as { auto_pad?: string; pads?: readonly number[] };
    text += spec.pads ? ` pads ${list(spec.pads)}` : ` auto_pad=${spec.auto_pad ?? 'NOTSET'}`;
  }
  if (outputPadding !== undefined) text += ` + output_padding ${list(outputPadding)}`;
  if (outputShape !== undefined) text += ` + output_shape ${list(outputShape)}`;
  return text;
}

function cropSide(axis: AxisGeometry, name: string): string {
  const total = axis.beginCrop + axis.endCrop;
  if (total > 0 && total % 2 === 1 && Math.abs(axis.beginCrop - axis.endCrop) === 1) {
    return axis.beginCrop > axis.endCrop
      ? `the extra ${word(name, 1)} cropped at the start: SAME_LOWER-style`
      : `the extra ${word(name, 1)} cropped at the end: TF SAME / SAME_UPPER-style`;
  }
  return axis.endCrop < 0
    ? `${-axis.endCrop} zero ${word(name, -axis.endCrop)} added past the end`
    : 'crop split as written';
}

const AXIS_FIELDS = ['inputSize', 'kernelSize', 'stride', 'dilation'] as const;
const AXIS_LABELS = { inputSize: 'input', kernelSize: 'kernel', stride: 'stride', dilation: 'dilation' };

/** The difference along one group of axes with the same numbers (`H`, or `H, W`), or null. */
function axisDifference(
  names: readonly string[],
  a: AxisGeometry,
  b: AxisGeometry,
  aWords: string,
  bWords: string,
): string | null {
  // One axis: its own word (row, column, plane); several: 'pixel'.
  const name = names.length === 1 ? names[0]! : 'pixel';
  const where = `${names.length === 1 ? 'axis' : 'axes'} ${names.join(', ')}`;
  const differing = AXIS_FIELDS.filter((field) => a[field] !== b[field]);
  if (differing.length > 0) {
    return `${where}: ${differing.map((field) => `${AXIS_LABELS[field]} ${a[field]} vs ${b[field]}`).join(', ')}`;
  }
  if (a.beginCrop === b.beginCrop && a.outputSize === b.outputSize) return null;
  const describe = (words: string, axis: AxisGeometry): string =>
    `${words} crops ${axis.beginCrop} at the start and ${axis.endCrop} at the end of the full ${axis.fullSize} (${cropSide(axis, name)})`;
  const moved = Math.abs(a.beginCrop - b.beginCrop);
  const size =
    a.outputSize === b.outputSize ? `both give ${a.outputSize}` : `output ${a.outputSize} vs ${b.outputSize}`;
  const shift = a.outputSize === b.outputSize ? `: the outputs are shifted by ${moved} ${word(name, moved)}` : '';
  return `${where}: ${size}; ${describe(aWords, a)}; ${describe(bWords, b)}${shift}`;
}

/** Axes with identical numbers on both sides are described once. */
function axisDifferences(a: ConvTransposeGeometry, b: ConvTransposeGeometry, aWords: string, bWords: string): string[] {
  const names = axisNames(a.rank);
  const groups = new Map<string, number[]>();
  a.axes.forEach((axis, index) => {
    const key = JSON.stringify([axis, b.axes[index]]);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  return [...groups.values()]
    .map((indices) =>
      axisDifference(
        indices.map((index) => names[index]!),
        a.axes[indices[0]!]!,
        b.axes[indices[0]!]!,
        aWords,
        bWords,
      ),
    )
    .filter((line): line is string => line !== null);
}

function compareGeometry(a: ConvTransposeGeometry, b: ConvTransposeGeometry, aWords: string, bWords: string): string[] {
  if (a.rank !== b.rank) return [`rank ${a.rank} vs ${b.rank}`];
  const differences: string[] = [];
  if (a.inChannels !== b.inChannels) differences.push(`input channels ${a.inChannels} vs ${b.inChannels}`);
  if (a.outChannels !== b.outChannels) differences.push(`output channels ${a.outChannels} vs ${b.outChannels}`);
  if (a.group !== b.group) differences.push(`group ${a.group} vs ${b.group}`);
  if (a.hasBias !== b.hasBias) differences.push(`bias ${a.hasBias ? 'yes' : 'no'} vs ${b.hasBias ? 'yes' : 'no'}`);
  return [...differences, ...axisDifferences(a, b, aWords, bWords)];
}

function summaryOf(geometry: ConvTransposeGeometry): string {
  const spatial = (pick: (axis: AxisGeometry) => number): string => geometry.axes.map(pick).join('x');
  return `${geometry.inChannels}->${geometry.outChannels} channels, in ${spatial((axis) => axis.inputSize)}, k ${spatial((axis) => axis.kernelSize)}, s ${spatial((axis) => axis.stride)}, out ${spatial((axis) => axis.outputSize)}`;
}

function pairLayers(
  a: ImportedModel,
  b: ImportedModel,
): { pairing: 'name' | 'order'; pairs: [number | null, number | null][] } {
  const short = (model: ImportedModel): string[] => model.layers.map((layer) => shortName(layer.name, 'ConvTranspose'));
  const aNames = short(a);
  const bNames = short(b);
  const unique = (names: string[]): boolean => new Set(names).size === names.length;
  if (
    unique(aNames) &&
    unique(bNames) &&
    aNames.length === bNames.length &&
    aNames.every((name) => bNames.includes(name))
  ) {
    return { pairing: 'name', pairs: aNames.map((name, index) => [index, bNames.indexOf(name)]) };
  }
  const count = Math.max(a.layers.length, b.layers.length);
  const pairs: [number | null, number | null][] = [];
  for (let index = 0; index < count; index++) {
    pairs.push([index < a.layers.length ? index : null, index < b.layers.length ? index : null]);
  }
  return { pairing: 'order', pairs };
}

export function compareModels(a: ImportedModel, b: ImportedModel): Comparison {
  const { pairing, pairs } = pairLayers(a, b);
  const results = pairs.map(([ia, ib]): PairResult => {
    const layerA = ia === null ? null : a.layers[ia]!;
    const layerB = ib === null ? null : b.layers[ib]!;
    if (!layerA || !layerB) {
      const [model, layer] = layerA ? [a, layerA] : [b, layerB!];
      return {
        a: layerA?.name ?? null,
        b: layerB?.name ?? null,
        same: false,
        differences: [`only ${model.file} has this layer`],
        summary: summaryOf(layerGeometry(model, layer)),
      };
    }
    const ga = layerGeometry(a, layerA);
    const gb = layerGeometry(b, layerB);
    const differences = compareGeometry(ga, gb, conventionWords(a, layerA), conventionWords(b, layerB));
    const layouts = ga.layout === gb.layout ? '' : `; layouts ${ga.layout} vs ${gb.layout}`;
    return {
      a: layerA.name,
      b: layerB.name,
      same: differences.length === 0,
      differences,
      summary: summaryOf(ga) + layouts,
    };
  });
  return { a, b, pairing, pairs: results, allMatch: results.every((result) => result.same) };
}

export function formatComparison(comparison: Comparison): string {
  const { a, b, pairs } = comparison;
  const lines = [
    `A: ${a.file} (${a.origin}), ${a.layers.length} transposed convolution(s)`,
    `B: ${b.file} (${b.origin}), ${b.layers.length} transposed convolution(s)`,
    `layers paired ${comparison.pairing === 'name' ? 'by name' : 'in order'}`,
  ];
  for (const pair of pairs) {
    const title = `${pair.a ?? '(none)'} <-> ${pair.b ?? '(none)'}`;
    lines.push(`  ${pair.same ? 'same     ' : 'DIFFERENT'}  ${title}: ${pair.summary}`);
    for (const difference of pair.differences) lines.push(`             ${difference}`);
  }
  const differing = pairs.filter((pair) => !pair.same).length;
  lines.push(
    differing === 0
      ? `all ${pairs.length} layer pair(s) resolve to the same geometry`
      : `${differing} of ${pairs.length} layer pair(s) differ`,
  );
  return `${lines.join('\n')}\n`;
}
