/** A ConvTranspose node's attributes, exactly as written (absent stays absent). */
import type { onnx as proto } from 'onnx-proto';
import { modelError } from '../errors.js';
import { onnx, toNumber } from './decode.js';

export interface ConvTransposeAttributes {
  readonly auto_pad?: string;
  readonly pads?: number[];
  readonly output_shape?: number[];
  readonly output_padding?: number[];
  readonly strides?: number[];
  readonly dilations?: number[];
  readonly kernel_shape?: number[];
  readonly group?: number;
}

const INTS = ['pads', 'output_shape', 'output_padding', 'strides', 'dilations', 'kernel_shape'] as const;

export function readAttributes(file: string, node: proto.INodeProto, layer: string): ConvTransposeAttributes {
  const types = onnx.AttributeProto.AttributeType;
  const result: Record<string, string | number | number[]> = {};
  for (const attribute of node.attribute ?? []) {
    const name = attribute.name ?? '';
    if ((INTS as readonly string[]).includes(name)) {
      if (attribute.type !== types.INTS)
        throw modelError(file, `attribute ${name} must be a list of ints (INTS)`, layer);
      result[name] = (attribute.ints ?? []).map(toNumber);
    } else if (name === 'group') {
      if (attribute.type !== types.INT) throw modelError(file, 'attribute group must be an int (INT)', layer);
      result[name] = toNumber(attribute.i);
    } else if (name === 'auto_pad') {
      if (attribute.type !== types.STRING) throw modelError(file, 'attribute auto_pad must be a STRING', layer);
      result[name] = new TextDecoder().decode(attribute.s ?? new Uint8Array());
    } else {
      throw modelError(
        file,
        `unknown ConvTranspose attribute '${name}' (expected auto_pad, dilations, group, kernel_shape, output_padding, output_shape, pads, strides)`,
        layer,
      );
    }
  }
  return result as ConvTransposeAttributes;
}
