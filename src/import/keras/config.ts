/**
 * Walks a Keras 3 config.json (Functional, Sequential, nested models) for the layers whose class
 * is Conv1DTranspose, Conv2DTranspose or Conv3DTranspose, with their path of layer names.
 */
import { modelError } from '../errors.js';

export interface KerasLayer {
  /** Layer names from the outermost nested model in: ['up_block', 'up2']. */
  readonly path: readonly string[];
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** build_config.input_shape, as saved (null = unknown dimension). */
  readonly inputShape: readonly (number | null)[] | null;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const TRANSPOSED = /^Conv([123])DTranspose$/;

function inputShapeOf(entry: Json): (number | null)[] | null {
  const build = entry['build_config'];
  const shape = isObject(build) ? build['input_shape'] : undefined;
  if (!Array.isArray(shape) || !shape.every((dim) => dim === null || typeof dim === 'number')) return null;
  return shape as (number | null)[];
}

function nameOf(entry: Json, config: Json, className: string): string {
  if (typeof config['name'] === 'string') return config['name'];
  return typeof entry['name'] === 'string' ? entry['name'] : className;
}

/** The layers of a (nested) model, under `path`. */
function walkModel(layers: readonly unknown[], path: readonly string[], found: KerasLayer[], notes: string[]): void {
  for (const layer of layers) if (isObject(layer)) walkLayer(layer, path, found, notes);
}

function walkLayer(entry: Json, path: readonly string[], found: KerasLayer[], notes: string[]): void {
  const className = typeof entry['class_name'] === 'string' ? entry['class_name'] : '';
  const config = isObject(entry['config']) ? entry['config'] : {};
  const name = nameOf(entry, config, className);
  if (TRANSPOSED.test(className)) {
    found.push({ path: [...path, name], className, config, inputShape: inputShapeOf(entry) });
  } else if (Array.isArray(config['layers'])) {
    walkModel(config['layers'], [...path, name], found, notes);
  } else if (isObject(config['layer']) && TRANSPOSED.test(String(config['layer']['class_name']))) {
    notes.push(
      `layer '${[...path, name].join('/')}' wraps a ${String(config['layer']['class_name'])} in ${className}: ` +
        'not imported (the wrapper changes its input shape)',
    );
  }
}

export function kerasLayers(file: string, config: unknown, notes: string[]): KerasLayer[] {
  if (!isObject(config) || typeof config['class_name'] !== 'string') {
    throw modelError(file, 'config.json has no class_name: expected a Keras 3 model config (Functional or Sequential)');
  }
  const found: KerasLayer[] = [];
  const inner = isObject(config['config']) ? config['config']['layers'] : undefined;
  // The top-level model's own name is not part of the paths (Keras's weights file agrees).
  if (Array.isArray(inner)) walkModel(inner, [], found, notes);
  else walkLayer(config, [], found, notes);
  return found;
}
