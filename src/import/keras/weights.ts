/**
 * Weights from a .keras archive's model.weights.h5, read with h5wasm (HDF5 compiled to
 * WebAssembly: the real HDF5 library, no native build). Keras 3 stores each layer as a group
 * `layers/<auto name>/vars/<0, 1>` whose `vars` attribute `name` is the layer's own name;
 * nested models nest the same way, so a layer path is followed by those names.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as H5 from 'h5wasm';
import { modelError } from '../errors.js';

export interface KerasVariable {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

type H5Module = typeof H5;

async function loadH5wasm(): Promise<H5Module> {
  const module = (await import('h5wasm/node')) as H5Module & { default?: H5Module };
  const h5 = module.default ?? module;
  await h5.ready;
  return h5;
}

function layerName(h5: H5Module, group: H5.Group): string | null {
  const vars = group.get('vars');
  if (!(vars instanceof h5.Group)) return null;
  const name = vars.attrs['name']?.value;
  return typeof name === 'string' ? name : null;
}

/** The group of the layer at `path`, following the `vars` name attributes from the root. */
function findLayer(h5: H5Module, root: H5.Group, path: readonly string[]): H5.Group | null {
  let group = root;
  for (const name of path) {
    const layers = group.get('layers');
    if (!(layers instanceof h5.Group)) return null;
    const next = layers
      .keys()
      .map((key) => layers.get(key))
      .find((child): child is H5.Group => child instanceof h5.Group && layerName(h5, child) === name);
    if (!next) return null;
    group = next;
  }
  return group;
}

function variable(h5: H5Module, group: H5.Group, index: number): KerasVariable | null {
  const dataset = group.get(`vars/${index}`);
  if (!(dataset instanceof h5.Dataset)) return null;
  const value = dataset.value;
  const values =
    value instanceof Float32Array ? value : value instanceof Float64Array ? Float32Array.from(value) : null;
  return values ? { values, shape: dataset.shape ?? [] } : null;
}

/** Kernel and (when `withBias`) bias of each layer path, in Keras's own layouts. */
export async function readKerasWeights(
  file: string,
  bytes: Uint8Array,
  layers: readonly { readonly path: readonly string[]; readonly withBias: boolean }[],
): Promise<{ kernel: KerasVariable; bias: KerasVariable | null }[]> {
  const h5 = await loadH5wasm();
  // h5wasm's Node build reads through the host filesystem, so the archive member goes to a temp file.
  const directory = mkdtempSync(join(tmpdir(), 'tconv-import-'));
  const path = join(directory, 'model.weights.h5');
  writeFileSync(path, bytes);
  let handle: H5.File | null = null;
  try {
    try {
      handle = new h5.File(path, 'r');
    } catch (error) {
      throw modelError(file, `model.weights.h5 is not a readable HDF5 file (${(error as Error).message})`);
    }
    const root = handle;
    return layers.map(({ path: layerPath, withBias }) => {
      const label = `layer '${layerPath.join('/')}'`;
      const group = findLayer(h5, root, layerPath);
      const kernel = group ? variable(h5, group, 0) : null;
      if (!group || !kernel) {
        throw modelError(
          file,
          'model.weights.h5 has no float kernel for this layer (expected layers/.../vars/0 under groups named by the layer path)',
          label,
        );
      }
      const bias = withBias ? variable(h5, group, 1) : null;
      if (withBias && !bias)
        throw modelError(file, 'use_bias is true but model.weights.h5 has no float bias (vars/1)', label);
      return { kernel, bias };
    });
  } finally {
    handle?.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
