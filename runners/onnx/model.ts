/**
 * A one-node ONNX model, ConvTranspose(X, W[, B]) -> Y, encoded in memory with onnx-proto.
 * W and B are graph inputs, not initializers, so one model (one session) serves every tensor of
 * a geometry and the bytes depend only on the attributes and shapes.
 */
import onnxProto from 'onnx-proto';
import type { onnx as proto } from 'onnx-proto';
import type { OnnxAttributes } from '../../src/geometry/spellings.js';

// onnx-proto is CommonJS (`module.exports = $root`): Node's ESM loader exposes it only as default.
const { onnx } = onnxProto;

/** Opset 17 and IR 8: what ONNX Runtime 1.30 accepts from onnx-proto (ENVIRONMENT.md). */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export interface ModelShapes {
  /** Channels-first [N, C, spatial...]. */
  readonly X: readonly number[];
  /** [C, M/group, k...]. */
  readonly W: readonly number[];
  /** [M], or null without bias. */
  readonly B: readonly number[] | null;
}

/** Fixed attribute order, so equal attributes always encode to equal bytes. */
const INTS_ATTRIBUTES = ['kernel_shape', 'strides', 'dilations', 'pads', 'output_padding', 'output_shape'] as const;

/** Attribute types as the ConvTranspose schema declares them: INTS, INT (group), STRING (auto_pad). */
export function encodeAttributes(attributes: OnnxAttributes): proto.IAttributeProto[] {
  const types = onnx.AttributeProto.AttributeType;
  const encoded: proto.IAttributeProto[] = [];
  for (const name of INTS_ATTRIBUTES) {
    const values = attributes[name];
    if (values !== undefined) encoded.push({ name, type: types.INTS, ints: [...values] });
  }
  encoded.push({ name: 'group', type: types.INT, i: attributes.group });
  if (attributes.auto_pad !== undefined) {
    // AttributeProto.s is bytes (UTF-8).
    encoded.push({ name: 'auto_pad', type: types.STRING, s: new TextEncoder().encode(attributes.auto_pad) });
  }
  return encoded;
}

function floatInput(name: string, shape: readonly number[]): proto.IValueInfoProto {
  const dim = shape.map((size) => ({ dimValue: size }));
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } };
}

/**
 * Y is declared without a shape: ONNX shape inference and ORT's kernel disagree on some
 * auto_pad + output_padding outputs (onnx/onnx#4299), and a declared shape would only add a
 * warning; the runner reads the shape ORT actually produces.
 */
function floatOutput(name: string): proto.IValueInfoProto {
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } };
}

/** One ConvTranspose node of a graph: its attributes and input shapes. */
export interface ConvTransposeNode {
  readonly attributes: OnnxAttributes;
  readonly shapes: ModelShapes;
}

/** Names of node `index`'s tensors in a graph of several nodes: X_3, W_3, B_3 -> Y_3. */
export const batchNames = (
  index: number,
): { readonly X: string; readonly W: string; readonly B: string; readonly Y: string; readonly node: string } => ({
  X: `X_${index}`,
  W: `W_${index}`,
  B: `B_${index}`,
  Y: `Y_${index}`,
  node: `conv_transpose_${index}`,
});

const SINGLE_NAMES = { X: 'X', W: 'W', B: 'B', Y: 'Y', node: 'conv_transpose' } as const;

function encodeModel(parts: readonly { node: ConvTransposeNode; names: ReturnType<typeof batchNames> }[]): Uint8Array {
  const inputs: proto.IValueInfoProto[] = [];
  const nodes: proto.INodeProto[] = [];
  for (const { node, names } of parts) {
    const own = [floatInput(names.X, node.shapes.X), floatInput(names.W, node.shapes.W)];
    if (node.shapes.B) own.push(floatInput(names.B, node.shapes.B));
    inputs.push(...own);
    nodes.push({
      name: names.node,
      opType: 'ConvTranspose',
      input: own.map((input) => input.name ?? ''),
      output: [names.Y],
      attribute: encodeAttributes(node.attributes),
    });
  }
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    producerName: 'tconv',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: {
      name: 'tconv_conv_transpose',
      node: nodes,
      input: inputs,
      output: parts.map(({ names }) => floatOutput(names.Y)),
    },
  });
  // finish() may return a Buffer view into protobufjs's shared pool: copy it out.
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

export function buildConvTransposeModel(attributes: OnnxAttributes, shapes: ModelShapes): Uint8Array {
  return encodeModel([{ node: { attributes, shapes }, names: SINGLE_NAMES }]);
}

/**
 * Independent nodes in one graph (node i reads X_i, W_i[, B_i] and writes Y_i): one session for
 * many variants. Nothing connects the nodes, so no graph optimisation rewrites one of them, and
 * each runs the same ConvTranspose kernel it runs alone.
 */
export function buildConvTransposeBatchModel(nodes: readonly ConvTransposeNode[]): Uint8Array {
  return encodeModel(nodes.map((node, index) => ({ node, names: batchNames(index) })));
}
