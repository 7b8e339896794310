/** Reading an .onnx file into onnx-proto's ModelProto, with bad files as exit-2 errors. */
import onnxProto from 'onnx-proto';
import type { onnx as proto } from 'onnx-proto';
import { modelError } from '../errors.js';

// onnx-proto is CommonJS: Node's ESM loader exposes it only as default (runners/onnx/model.ts).
export const { onnx } = onnxProto;

/** The newest default-domain opset tconv knows (onnx 1.23); ConvTranspose itself last changed in 22. */
export const MAX_OPSET = 28;

/** int64 fields decode to Long objects (protobufjs with long.js) or numbers. */
export type Int64 = number | { toNumber(): number };

export function toNumber(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

export function decodeModel(file: string, bytes: Uint8Array): proto.ModelProto {
  let model: proto.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw modelError(
      file,
      `not a readable ONNX model: the protobuf does not decode (${(error as Error).message}); a truncated or corrupt file? Expected an ONNX ModelProto`,
    );
  }
  // Random bytes can decode as an almost empty message: a real model has an IR version and a graph.
  if (toNumber(model.irVersion) <= 0 || !model.graph || (model.graph.node ?? []).length === 0) {
    throw modelError(file, 'not an ONNX model: no IR version or no graph nodes (expected an ONNX ModelProto)');
  }
  return model;
}

/** The default-domain opset the model imports, checked against what tconv knows. */
export function defaultOpset(file: string, model: proto.ModelProto): number {
  const entry = model.opsetImport.find((item) => !item.domain || item.domain === 'ai.onnx');
  if (!entry)
    throw modelError(file, 'the model imports no default-domain (ai.onnx) opset, so ConvTranspose is undefined');
  const version = toNumber(entry.version);
  if (version < 1 || version > MAX_OPSET) {
    throw modelError(
      file,
      `unsupported opset ${version}: tconv knows ai.onnx opsets 1 to ${MAX_OPSET} (ConvTranspose versions 1, 11, 22)`,
    );
  }
  return version;
}
