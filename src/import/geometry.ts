/** Each imported layer resolved by src/geometry (the one place that interprets padding). */
import type { CaseSpec } from '../case/types.js';
import { resolveGeometry } from '../geometry/resolve.js';
import type { ConvTransposeGeometry } from '../geometry/types.js';
import { modelError } from './errors.js';
import type { ImportedLayer, ImportedModel } from './types.js';

export function layerLabel(model: ImportedModel, layer: ImportedLayer): string {
  return model.format === 'onnx' ? `node '${layer.name}'` : `layer '${layer.name}'`;
}

export function layerSpec(layer: ImportedLayer, name: string): CaseSpec {
  return { name, ...layer.fields };
}

/** The canonical geometry, or exit 2 naming the layer and the rule its parameters break. */
export function layerGeometry(model: ImportedModel, layer: ImportedLayer): ConvTransposeGeometry {
  const result = resolveGeometry(layerSpec(layer, 'imported'));
  if (result.ok) return result.geometry;
  const issues = result.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
  throw modelError(
    model.file,
    `its parameters do not make a valid transposed convolution: ${issues}`,
    layerLabel(model, layer),
  );
}
