/** An imported model as a schema-v1 case file: one case per transposed-convolution layer. */
import { basename } from 'node:path';
import { stableHash } from '../data/random.js';
import { layerGeometry, layerLabel } from './geometry.js';
import { uniqueNames } from './names.js';
import type { ImportedModel } from './types.js';
import { caseYaml, fileYaml } from './yaml.js';

export interface CaseFile {
  readonly text: string;
  readonly cases: number;
  /** Weight and bias values written as literal data (0 without --weights). */
  readonly embedded: number;
  /** Per case: its name and the output shape tconv resolves (layout order). */
  readonly summary: readonly { readonly name: string; readonly source: string; readonly output: readonly number[] }[];
}

export function caseFile(model: ImportedModel, command: string): CaseFile {
  const names = uniqueNames(model.layers.map((layer) => layer.name));
  let embedded = 0;
  const summary: { name: string; source: string; output: readonly number[] }[] = [];
  const texts = model.layers.map((layer, index) => {
    const name = names[index]!;
    const geometry = layerGeometry(model, layer);
    summary.push({ name, source: layer.name, output: geometry.outputShape });
    if (layer.weights) embedded += layer.weights.weight.length + (layer.weights.bias?.length ?? 0);
    return caseYaml({
      name,
      description: `Imported from ${model.file}: ${layerLabel(model, layer)} (${layer.op}, ${model.origin}).`,
      tags: ['imported', model.format],
      // An explicit seed keeps the generated tensors when the file is renamed or moved.
      seed: stableHash(`${basename(model.file)}/${layer.name}`),
      fields: layer.fields,
      data: layer.weights,
    });
  });
  const header = [
    `from ${model.file} (${model.origin}); tconv import replaces this file when run again:`,
    `  ${command}`,
    'Edits are lost then: copy the cases to another file to keep them.',
  ];
  const description =
    `Every transposed convolution of ${model.file} (${model.origin}), one case per layer, in the model's own ` +
    `convention, with ${embedded > 0 ? "the model's weights and bias as literal data" : 'tensors generated from seeds'}.`;
  return { text: fileYaml(header, description, texts), cases: texts.length, embedded, summary };
}
