/**
 * TF.js layers models (model.json + weight shards), loaded by tfjs-node's own loadLayersModel,
 * so the layer input shapes are the ones TF.js infers when it builds the model.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TfNode from '@tensorflow/tfjs-node';
import { modelError } from '../errors.js';
import { kerasFields, kerasKernelToCase, layerInput } from '../keras/fields.js';
import type { ImportedLayer, ImportedModel, ImportOptions } from '../types.js';

type Tf = typeof TfNode;
type Layer = TfNode.layers.Layer;

const TRANSPOSED = /^Conv([123])DTranspose$/;

async function loadTf(file: string): Promise<Tf> {
  // Before libtensorflow loads: its info lines would clutter the command's output.
  process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
  try {
    const module = (await import('@tensorflow/tfjs-node')) as Tf & { default?: Tf };
    return module.default ?? module;
  } catch (error) {
    throw modelError(
      file,
      `@tensorflow/tfjs-node cannot be loaded to read a TF.js model (run npm run setup): ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/** Layers in order, nested models (a LayersModel used as a layer) under their name. */
function walk(layers: readonly Layer[], path: readonly string[], found: { path: string[]; layer: Layer }[]): void {
  for (const layer of layers) {
    const inner = (layer as Layer & { layers?: Layer[] }).layers;
    if (TRANSPOSED.test(layer.getClassName())) found.push({ path: [...path, layer.name], layer });
    else if (Array.isArray(inner)) walk(inner, [...path, layer.name], found);
  }
}

function checkJson(file: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw modelError(file, `not a TF.js model.json: ${(error as Error).message}`);
  }
  const topology = (parsed as { modelTopology?: unknown } | null)?.modelTopology;
  if (typeof topology !== 'object' || topology === null) {
    throw modelError(
      file,
      'not a TF.js layers model: no modelTopology (graph models from tfjs-converter are not supported; expected a layers model.json)',
    );
  }
}

export async function importTfjs(file: string, options: ImportOptions): Promise<ImportedModel> {
  checkJson(file);
  const tf = await loadTf(file);
  let model: TfNode.LayersModel;
  try {
    model = await tf.loadLayersModel(pathToFileURL(resolve(file)).href);
  } catch (error) {
    throw modelError(file, `TF.js cannot load this layers model: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    const found: { path: string[]; layer: Layer }[] = [];
    walk(model.layers, [], found);
    if (found.length === 0)
      throw modelError(file, 'no Conv2DTranspose or Conv3DTranspose layer in the model; nothing to import');
    const layers: ImportedLayer[] = found.map(({ path, layer }) => {
      const name = path.join('/');
      const label = `layer '${name}'`;
      const rank = Number(TRANSPOSED.exec(layer.getClassName())![1]) as 1 | 2 | 3;
      const config = layer.getConfig() as Record<string, unknown>;
      const inputTensor = layer.input as TfNode.SymbolicTensor | TfNode.SymbolicTensor[];
      const shape = Array.isArray(inputTensor) ? null : inputTensor.shape;
      const input = layerInput(file, label, name, shape, rank, options.inputShapes);
      const format =
        config['dataFormat'] === 'channelsFirst'
          ? 'channels_first'
          : config['dataFormat'] === 'channelsLast'
            ? 'channels_last'
            : config['dataFormat'];
      const fields = kerasFields(
        file,
        label,
        {
          rank,
          filters: config['filters'],
          kernelSize: config['kernelSize'],
          strides: config['strides'],
          padding: config['padding'],
          outputPadding: config['outputPadding'],
          dataFormat: format,
          dilationRate: config['dilationRate'],
          useBias: config['useBias'],
          groups: config['groups'],
        },
        input,
      );
      let weights: ImportedLayer['weights'] = null;
      if (options.weights) {
        const [kernel, bias] = layer.getWeights();
        if (!kernel) throw modelError(file, 'the layer has no kernel weight', label);
        weights = {
          weight: kerasKernelToCase(kernel.dataSync() as Float32Array, kernel.shape),
          bias: fields.bias && bias ? (bias.dataSync() as Float32Array) : null,
        };
      }
      return { name, op: layer.getClassName(), fields, weights };
    });
    return { file, format: 'tfjs', origin: `TF.js layers model (tfjs ${tf.version.tfjs})`, layers, notes: [] };
  } finally {
    model.dispose();
  }
}
