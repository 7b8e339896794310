/** Keras 3 .keras archives: Conv1DTranspose / Conv2DTranspose / Conv3DTranspose layers. */
import { modelError } from '../errors.js';
import type { ImportedLayer, ImportedModel, ImportOptions, LayerFields } from '../types.js';
import { readKerasArchive } from './archive.js';
import { kerasLayers, TRANSPOSED, type KerasLayer } from './config.js';
import { kerasFields, kerasKernelToCase, layerInput } from './fields.js';
import { readKerasWeights } from './weights.js';

function fieldsOf(file: string, layer: KerasLayer, given: ImportOptions['inputShapes']): LayerFields {
  const name = layer.path.join('/');
  const label = `layer '${name}'`;
  const rank = Number(TRANSPOSED.exec(layer.className)![1]) as 1 | 2 | 3;
  const { config } = layer;
  const input = layerInput(file, label, name, layer.inputShape, rank, given);
  return kerasFields(
    file,
    label,
    {
      rank,
      filters: config['filters'],
      kernelSize: config['kernel_size'],
      strides: config['strides'],
      padding: config['padding'],
      outputPadding: config['output_padding'],
      dataFormat: config['data_format'],
      dilationRate: config['dilation_rate'],
      useBias: config['use_bias'],
      groups: config['groups'],
    },
    input,
  );
}

/** The saved kernel must be [k..., filters, C] for the config's numbers, or the data would be garbage. */
function checkKernelShape(file: string, layer: KerasLayer, fields: LayerFields, shape: readonly number[]): void {
  const channelsLast = fields.layout?.endsWith('C') ?? true;
  const channels = channelsLast ? fields.input[fields.input.length - 1]! : fields.input[1]!;
  const expected = [...fields.kernel, fields.out_channels, channels];
  if (shape.join() !== expected.join()) {
    throw modelError(
      file,
      `model.weights.h5 holds a kernel of shape [${shape.join(', ')}]; the config (kernel_size, filters, input channels) says [${expected.join(', ')}]`,
      `layer '${layer.path.join('/')}'`,
    );
  }
}

export async function importKeras(file: string, bytes: Uint8Array, options: ImportOptions): Promise<ImportedModel> {
  const archive = readKerasArchive(file, bytes, options.weights);
  const notes: string[] = [];
  const found = kerasLayers(file, archive.config, notes);
  if (found.length === 0) {
    throw modelError(
      file,
      'no Conv1DTranspose, Conv2DTranspose or Conv3DTranspose layer in config.json; nothing to import',
    );
  }
  const names = new Set(found.map((layer) => layer.path.join('/')));
  for (const name of options.inputShapes.keys()) {
    if (options.strictInputNames && !names.has(name))
      throw modelError(
        file,
        `--input-shape ${name}: no transposed-convolution layer has that path (layers: ${[...names].join(', ')})`,
      );
  }
  const fields = found.map((layer) => fieldsOf(file, layer, options.inputShapes));
  let weights: Awaited<ReturnType<typeof readKerasWeights>> | null = null;
  if (options.weights) {
    if (!archive.weights) throw modelError(file, '--weights: the archive has no model.weights.h5');
    weights = await readKerasWeights(
      file,
      archive.weights,
      found.map((layer, index) => ({ path: layer.path, withBias: fields[index]!.bias === true })),
    );
  }
  const layers: ImportedLayer[] = found.map((layer, index) => {
    const entry = weights?.[index];
    if (entry) checkKernelShape(file, layer, fields[index]!, entry.kernel.shape);
    return {
      name: layer.path.join('/'),
      op: layer.className,
      fields: fields[index]!,
      weights: entry
        ? { weight: kerasKernelToCase(entry.kernel.values, entry.kernel.shape), bias: entry.bias?.values ?? null }
        : null,
    };
  });
  return { file, format: 'keras', origin: `Keras ${archive.kerasVersion ?? '3'}`, layers, notes };
}
