/** `tconv import`'s entry: detect the format and read the model's transposed convolutions. */
import { readFileSync } from 'node:fs';
import { detectModel } from './detect.js';
import { modelError } from './errors.js';
import { importKeras } from './keras/import.js';
import { importOnnx } from './onnx/import.js';
import { importTfjs } from './tfjs/import.js';
import type { ImportedModel, ImportOptions } from './types.js';

export async function importModel(path: string, options: ImportOptions): Promise<ImportedModel> {
  const source = detectModel(path);
  if (source.format === 'tfjs') return importTfjs(source.path, options);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(source.path);
  } catch (error) {
    throw modelError(source.path, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  return source.format === 'onnx' ? importOnnx(source.path, bytes, options) : importKeras(source.path, bytes, options);
}
