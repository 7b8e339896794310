/** ONNX models: every default-domain ConvTranspose node, its attributes as written. */
import type { onnx as proto } from 'onnx-proto';
import type { OnnxPaddingSpec } from '../../case/types.js';
import { modelError } from '../errors.js';
import type { ImportedLayer, ImportedModel, ImportOptions, LayerFields, LayerWeights } from '../types.js';
import { readAttributes, type ConvTransposeAttributes } from './attributes.js';
import { decodeModel, defaultOpset } from './decode.js';
import { annotatedShapes, graphInputs, runtimeShapes, staticShape } from './shapes.js';
import { floatTensor, tensorDims } from './tensors.js';

const AUTO_PADS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'] as const;
type AutoPad = (typeof AUTO_PADS)[number];

function isConvTranspose(node: proto.INodeProto): boolean {
  return node.opType === 'ConvTranspose' && (!node.domain || node.domain === 'ai.onnx');
}

function nodeName(node: proto.INodeProto, index: number): string {
  return node.name || node.output?.[0] || `ConvTranspose_${index}`;
}

function paddingOf(file: string, attributes: ConvTransposeAttributes, layer: string): OnnxPaddingSpec {
  const autoPad = attributes.auto_pad;
  if (autoPad !== undefined && !(AUTO_PADS as readonly string[]).includes(autoPad)) {
    throw modelError(file, `auto_pad '${autoPad}' is not one of ${AUTO_PADS.join(', ')}`, layer);
  }
  const padding: { auto_pad?: AutoPad; pads?: number[] } = {};
  if (autoPad !== undefined) padding.auto_pad = autoPad as AutoPad;
  if (attributes.pads !== undefined) padding.pads = attributes.pads;
  // Neither written: the spec's defaults, NOTSET with zero pads.
  if (autoPad === undefined && attributes.pads === undefined) padding.auto_pad = 'NOTSET';
  return padding;
}

interface NodeParts {
  readonly node: proto.INodeProto;
  readonly name: string;
  readonly layer: string;
  readonly attributes: ConvTransposeAttributes;
  readonly weightDims: number[];
}

function weightDims(
  file: string,
  node: proto.INodeProto,
  layer: string,
  initializers: ReadonlyMap<string, proto.ITensorProto>,
  shapes: ReturnType<typeof annotatedShapes>,
): number[] {
  const name = node.input?.[1] ?? '';
  const tensor = initializers.get(name);
  if (tensor) return tensorDims(tensor);
  const dims = staticShape(shapes.get(name));
  if (dims && typeof shapes.get(name)?.[0] === 'number') return dims;
  throw modelError(
    file,
    `the weight '${name}' is neither an initializer nor a tensor of static shape, so its shape [C, M/group, k...] is unknown`,
    layer,
  );
}

function fieldsOf(file: string, parts: NodeParts, input: number[]): LayerFields {
  const { attributes, layer, weightDims: w } = parts;
  const rank = w.length - 2;
  if (rank < 1 || rank > 3 || input.length !== rank + 2) {
    throw modelError(
      file,
      `expected a 1-D, 2-D or 3-D ConvTranspose: weight [${w.join(', ')}], input [${input.join(', ')}] (tconv covers ranks 1 to 3)`,
      layer,
    );
  }
  const kernel = attributes.kernel_shape ?? w.slice(2);
  if (kernel.join() !== w.slice(2).join()) {
    throw modelError(
      file,
      `kernel_shape [${kernel.join(', ')}] does not match the weight's spatial dims [${w.slice(2).join(', ')}]`,
      layer,
    );
  }
  const group = attributes.group ?? 1;
  if (w[0] !== input[1]) {
    throw modelError(
      file,
      `the weight [${w.join(', ')}] expects C = ${w[0]} input channels but the input [${input.join(', ')}] has ${input[1]}`,
      layer,
    );
  }
  const fields: { -readonly [K in keyof LayerFields]: LayerFields[K] } = {
    input,
    out_channels: w[1]! * group,
    kernel,
  };
  if (attributes.strides) fields.strides = attributes.strides;
  if (attributes.dilations) fields.dilations = attributes.dilations;
  if (group !== 1) fields.group = group;
  fields.bias = Boolean(parts.node.input?.[2]);
  fields.padding = paddingOf(file, attributes, layer);
  if (attributes.output_padding) fields.output_padding = attributes.output_padding;
  if (attributes.output_shape) {
    // Some exporters write the full [N, M, spatial...] shape; the spatial part is what counts.
    const shape = attributes.output_shape;
    fields.output_shape = shape.length === rank + 2 ? shape.slice(2) : shape;
  }
  return fields;
}

function weightsOf(
  file: string,
  parts: NodeParts,
  initializers: ReadonlyMap<string, proto.ITensorProto>,
): LayerWeights {
  const read = (name: string, what: string): Float32Array => {
    const tensor = initializers.get(name);
    if (!tensor)
      throw modelError(
        file,
        `--weights: the ${what} '${name}' is not an initializer (computed at run time), so it cannot be embedded`,
        parts.layer,
      );
    return floatTensor(file, tensor, parts.layer);
  };
  const biasName = parts.node.input?.[2];
  return { weight: read(parts.node.input?.[1] ?? '', 'weight'), bias: biasName ? read(biasName, 'bias') : null };
}

/**
 * The ConvTranspose input shapes ONNX Runtime computes, when the annotations leave one open or
 * --input-shape names a graph input (the annotations then describe other sizes); else empty.
 */
async function measuredShapes(
  file: string,
  model: proto.ModelProto,
  tensors: readonly string[],
  options: ImportOptions,
  notes: string[],
): Promise<Map<string, number[]>> {
  const graph = model.graph!;
  const shapes = annotatedShapes(graph);
  const open = tensors.filter((name) => !staticShape(shapes.get(name)));
  const inputNames = new Set((graph.input ?? []).map((info) => info.name));
  const given = [...options.inputShapes.keys()].some((name) => inputNames.has(name));
  if (open.length === 0 && !given && !(options.strictInputNames && options.inputShapes.size > 0)) return new Map();
  const inputs = graphInputs(file, graph, options.inputShapes, options.strictInputNames, notes);
  const measured = await runtimeShapes(file, model, tensors, inputs);
  const feeds = inputs.map((input) => `${input.name}=${input.dims.join('x')}`).join(', ');
  notes.push(`ConvTranspose input shapes computed by running the model in ONNX Runtime on inputs ${feeds}`);
  return measured;
}

/** ConvTranspose nodes inside If/Loop/Scan bodies run conditionally or repeatedly: named, not imported. */
function noteSubgraphs(graph: proto.IGraphProto, notes: string[]): void {
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      for (const body of [attribute.g, ...(attribute.graphs ?? [])]) {
        if (!body) continue;
        const count = (body.node ?? []).filter(isConvTranspose).length;
        if (count > 0) {
          notes.push(
            `${count} ConvTranspose node(s) in the ${attribute.name ?? ''} subgraph of ${node.opType} '${node.name ?? ''}' not imported (only the main graph is)`,
          );
        }
        noteSubgraphs(body, notes);
      }
    }
  }
}

export async function importOnnx(file: string, bytes: Uint8Array, options: ImportOptions): Promise<ImportedModel> {
  const model = decodeModel(file, bytes);
  const opset = defaultOpset(file, model);
  const graph = model.graph!;
  const notes: string[] = [];
  const initializers = new Map((graph.initializer ?? []).map((tensor) => [tensor.name ?? '', tensor]));
  const shapes = annotatedShapes(graph);
  const nodes: NodeParts[] = (graph.node ?? []).filter(isConvTranspose).map((node, index) => {
    const name = nodeName(node, index);
    const layer = `node '${name}'`;
    return {
      node,
      name,
      layer,
      attributes: readAttributes(file, node, layer),
      weightDims: weightDims(file, node, layer, initializers, shapes),
    };
  });
  if (nodes.length === 0) {
    const ops = [...new Set((graph.node ?? []).map((node) => node.opType))].sort().join(', ');
    throw modelError(file, `no ConvTranspose node in the main graph (ops: ${ops}); nothing to import`);
  }
  const inputOf = (parts: NodeParts): string => parts.node.input?.[0] ?? '';
  const measured = await measuredShapes(file, model, nodes.map(inputOf), options, notes);
  noteSubgraphs(graph, notes);
  const layers: ImportedLayer[] = nodes.map((parts) => {
    const input = measured.get(inputOf(parts)) ?? staticShape(shapes.get(inputOf(parts)))!;
    return {
      name: parts.name,
      op: 'ConvTranspose',
      fields: fieldsOf(file, parts, input),
      weights: options.weights ? weightsOf(file, parts, initializers) : null,
    };
  });
  const producer = model.producerName ? `, ${model.producerName} ${model.producerVersion ?? ''}`.trimEnd() : '';
  return { file, format: 'onnx', origin: `ONNX opset ${opset}${producer}`, layers, notes };
}
