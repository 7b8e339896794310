/** Initializer tensors (weights, bias) as float32, from float_data or little-endian raw_data. */
import type { onnx as proto } from 'onnx-proto';
import { modelError } from '../errors.js';
import { onnx, toNumber } from './decode.js';

export function tensorDims(tensor: proto.ITensorProto): number[] {
  return (tensor.dims ?? []).map(toNumber);
}

export function floatTensor(file: string, tensor: proto.ITensorProto, layer: string): Float32Array {
  const types = onnx.TensorProto.DataType;
  const count = tensorDims(tensor).reduce((product, dim) => product * dim, 1);
  const what = `initializer '${tensor.name ?? ''}'`;
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw modelError(file, `${what} is stored in an external data file, which tconv import does not read`, layer);
  }
  let values: Float32Array;
  const raw = tensor.rawData;
  if (tensor.dataType === types.FLOAT) {
    values =
      raw && raw.length > 0
        ? new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
        : Float32Array.from(tensor.floatData ?? []);
  } else if (tensor.dataType === types.DOUBLE) {
    values =
      raw && raw.length > 0
        ? Float32Array.from(new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)))
        : Float32Array.from(tensor.doubleData ?? []);
  } else {
    throw modelError(file, `${what} has data type ${tensor.dataType ?? '?'}; expected FLOAT (1) or DOUBLE (11)`, layer);
  }
  if (values.length !== count) {
    throw modelError(file, `${what} holds ${values.length} values but its dims say ${count} (truncated?)`, layer);
  }
  return values;
}
