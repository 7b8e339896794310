/** Text for `tconv explain`: the resolved geometry per axis and every framework's spelling. */
import type { LoadedCase } from '../case/load.js';
import { axisNames } from '../geometry/resolve.js';
import { allSpellings, type Spelling } from '../geometry/spellings.js';
import type { ConventionSource, ConvTransposeGeometry } from '../geometry/types.js';

export function describeConvention(convention: ConventionSource): string {
  const shape = (values: readonly number[] | null, label: string): string =>
    values ? `, ${label} [${values.join(', ')}]` : '';
  switch (convention.kind) {
    case 'tf':
      return `TensorFlow/Keras padding='${convention.padding}'${shape(convention.outputShape, 'output_shape')}${shape(convention.outputPadding, 'Keras output_padding')}`;
    case 'onnx':
      return `ONNX auto_pad=${convention.autoPad}${shape(convention.pads, 'pads')}${shape(convention.outputShape, 'output_shape')}${convention.outputPadding.some(Boolean) ? shape(convention.outputPadding, 'output_padding') : ''}`;
    case 'torch':
      return `PyTorch padding [${convention.padding.join(', ')}]${convention.outputPadding.some(Boolean) ? shape(convention.outputPadding, 'output_padding') : ''}${shape(convention.outputSize, 'output_size')}`;
    case 'webnn':
      return `WebNN convTranspose2d padding [${convention.padding.join(', ')}] (bH, eH, bW, eW)${convention.outputPadding.some(Boolean) ? shape(convention.outputPadding, 'outputPadding') : ''}${shape(convention.outputSizes, 'outputSizes')}`;
  }
}

/** The per-axis columns of the resolved geometry, shared by `explain` and the HTML report. */
export const AXIS_COLUMNS = [
  'axis',
  'input',
  'kernel',
  'k_eff',
  'stride',
  'dilation',
  'full',
  'begin crop',
  'end crop',
  'output_padding',
  'output',
] as const;

/** One row of cells per spatial axis, in AXIS_COLUMNS order. */
export function axisRows(geometry: ConvTransposeGeometry): string[][] {
  const names = axisNames(geometry.rank);
  return geometry.axes.map((axis, index) =>
    [
      names[index] ?? String(index),
      axis.inputSize,
      axis.kernelSize,
      axis.effectiveKernelSize,
      axis.stride,
      axis.dilation,
      axis.fullSize,
      axis.beginCrop,
      axis.endCrop,
      axis.outputPadding,
      axis.outputSize,
    ].map(String),
  );
}

export function axisTable(geometry: ConvTransposeGeometry): string[] {
  const table = [[...AXIS_COLUMNS], ...axisRows(geometry)];
  const widths = AXIS_COLUMNS.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map(
    (row) =>
      `  ${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd()}`,
  );
}

const FRAMEWORK_LABEL: Record<Spelling['framework'], string> = {
  tensorflow: 'TensorFlow',
  keras: 'Keras',
  onnx: 'ONNX',
  pytorch: 'PyTorch',
  webnn: 'WebNN',
};

function spellingLines(spelling: Spelling): string[] {
  const label = `${FRAMEWORK_LABEL[spelling.framework]} (${spelling.form})`;
  if (!spelling.expressible) {
    const hint = spelling.nearMiss;
    // Issue 15: what people write instead, how its output differs, and the exact emulation.
    const nearMiss = hint
      ? [
          `    nearest: ${hint.code}`,
          `      ${hint.text}`,
          ...hint.notes.map((note) => `      note: ${note}`),
          `    ${hint.emulation}`,
        ]
      : [];
    return [`  ${label}: cannot be spelled: ${spelling.reason}`, ...nearMiss];
  }
  return [`  ${label}:`, `    ${spelling.code}`, ...spelling.notes.map((note) => `    note: ${note}`)];
}

export function explainText(entry: LoadedCase): string {
  const g = entry.geometry;
  const lines = [
    `${entry.id}  (${entry.file}:${entry.line})`,
    `  convention: ${describeConvention(g.convention)}`,
    `  input [${g.inputShape.join(', ')}] ${g.layout}, weight [${g.weightShape.join(', ')}] (C, M/group, k...), output [${g.outputShape.join(', ')}] ${g.layout}, group ${g.group}, bias ${g.hasBias ? 'yes' : 'no'}`,
    '',
    ...axisTable(g),
    '',
    '  The same operation in each framework:',
    ...allSpellings(g).flatMap(spellingLines),
  ];
  return `${lines.join('\n')}\n`;
}

export function explainJson(entry: LoadedCase): object {
  return {
    case: entry.id,
    file: entry.file,
    line: entry.line,
    convention: describeConvention(entry.geometry.convention),
    geometry: entry.geometry,
    spellings: allSpellings(entry.geometry),
  };
}
