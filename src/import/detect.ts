/** Which importer reads a path: by extension, then by the first bytes, with a clear refusal. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { modelError } from './errors.js';
import type { ModelFormat } from './types.js';

export interface ModelSource {
  readonly format: ModelFormat;
  /** The file to read (a TF.js directory resolves to its model.json). */
  readonly path: string;
}

const UNSUPPORTED: Record<string, string> = {
  '.h5': 'a legacy Keras HDF5 model: load it in Keras 3 and save it as .keras (model.save("model.keras"))',
  '.hdf5': 'a legacy Keras HDF5 model: load it in Keras 3 and save it as .keras (model.save("model.keras"))',
  '.pb': 'a TensorFlow graph / SavedModel: convert it to ONNX (tf2onnx) or save the Keras model as .keras',
  '.pt': 'a PyTorch checkpoint: export it with torch.onnx.export to .onnx',
  '.pth': 'a PyTorch checkpoint: export it with torch.onnx.export to .onnx',
  '.tflite': 'a TensorFlow Lite flatbuffer, which tconv import does not read',
};

const EXPECTED = 'expected an ONNX model (.onnx), a Keras 3 archive (.keras) or a TF.js layers model (model.json)';

export function detectModel(path: string): ModelSource {
  if (!existsSync(path)) throw modelError(path, 'no such file');
  if (statSync(path).isDirectory()) {
    const json = join(path, 'model.json');
    if (existsSync(json)) return { format: 'tfjs', path: json };
    throw modelError(path, `is a directory without a model.json; ${EXPECTED}`);
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.onnx') return { format: 'onnx', path };
  if (extension === '.keras') return { format: 'keras', path };
  if (extension === '.json') return { format: 'tfjs', path };
  const unsupported = UNSUPPORTED[extension];
  if (unsupported) throw modelError(path, `unsupported format: ${unsupported}; ${EXPECTED}`);
  const head = readFileSync(path).subarray(0, 4);
  if (head[0] === 0x50 && head[1] === 0x4b) return { format: 'keras', path };
  if (head[0] === 0x7b) return { format: 'tfjs', path };
  throw modelError(path, `unsupported format (extension '${extension || 'none'}'): ${EXPECTED}`);
}
