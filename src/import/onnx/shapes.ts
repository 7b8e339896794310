/**
 * The input shape of every ConvTranspose: from the model's own shape annotations (graph inputs,
 * value_info, outputs) when they are static, otherwise by running the model once in ONNX Runtime
 * with those tensors added as graph outputs, on random inputs of the graph's input shapes
 * (dynamic dimensions from --input-shape; a dynamic batch, dimension 0, defaults to 1).
 */
import type { onnx as proto } from 'onnx-proto';
import type * as OrtModule from 'onnxruntime-node';
import { modelError } from '../errors.js';
import { shapeText } from '../shapes.js';
import { onnx, toNumber } from './decode.js';

/** A dimension: its size, or the dim_param name (or null) when the model leaves it open. */
export type Dim = number | string | null;

function dimsOf(info: proto.IValueInfoProto): Dim[] | null {
  const shape = info.type?.tensorType?.shape;
  if (!shape) return null;
  return (shape.dim ?? []).map((dim) => {
    if (dim.dimValue !== null && dim.dimValue !== undefined && toNumber(dim.dimValue) > 0)
      return toNumber(dim.dimValue);
    return dim.dimParam ? dim.dimParam : null;
  });
}

/** Every annotated tensor shape in the graph, by tensor name. */
export function annotatedShapes(graph: proto.IGraphProto): Map<string, Dim[] | null> {
  const shapes = new Map<string, Dim[] | null>();
  for (const info of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    if (info.name) shapes.set(info.name, dimsOf(info));
  }
  return shapes;
}

/** A shape whose spatial and channel dimensions are all known; an open batch becomes 1. */
export function staticShape(dims: Dim[] | null | undefined): number[] | null {
  if (!dims || dims.length < 3) return null;
  const [batch, ...rest] = dims;
  if (rest.some((dim) => typeof dim !== 'number')) return null;
  return [typeof batch === 'number' ? batch : 1, ...(rest as number[])];
}

interface GraphInput {
  readonly name: string;
  readonly elemType: number;
  readonly dims: number[];
}

/** The graph's real inputs (not initializers) with every dimension fixed, or a clear error. */
export function graphInputs(
  file: string,
  graph: proto.IGraphProto,
  given: ReadonlyMap<string, readonly number[]>,
  strict: boolean,
  notes: string[],
): GraphInput[] {
  const initializers = new Set((graph.initializer ?? []).map((tensor) => tensor.name));
  const inputs = (graph.input ?? []).filter((info) => !initializers.has(info.name));
  const names = new Set(inputs.map((info) => info.name ?? ''));
  for (const name of given.keys()) {
    if (strict && !names.has(name)) {
      throw modelError(
        file,
        `--input-shape ${name}: the graph has no input '${name}' (inputs: ${[...names].join(', ')})`,
      );
    }
  }
  return inputs.map((info) => {
    const name = info.name ?? '';
    const dims = dimsOf(info);
    const elemType = info.type?.tensorType?.elemType ?? 0;
    const fixed = given.get(name);
    if (fixed) {
      if (dims && dims.length !== fixed.length) {
        throw modelError(
          file,
          `--input-shape ${name}=${shapeText(fixed)} has ${fixed.length} dimensions; the input has ${dims.length} (${shapeText(dims.map((d) => (typeof d === 'number' ? d : null)))})`,
        );
      }
      dims?.forEach((dim, index) => {
        if (typeof dim === 'number' && dim !== fixed[index]) {
          throw modelError(
            file,
            `--input-shape ${name}=${shapeText(fixed)}: dimension ${index} is fixed at ${dim} in the model`,
          );
        }
      });
      return { name, elemType, dims: [...fixed] };
    }
    if (!dims) throw modelError(file, `graph input '${name}' has no shape: give --input-shape ${name}=DIMxDIMx...`);
    return {
      name,
      elemType,
      dims: dims.map((dim, index) => {
        if (typeof dim === 'number') return dim;
        if (index === 0) {
          notes.push(`input ${name}: dynamic batch dimension${dim ? ` '${dim}'` : ''} taken as 1`);
          return 1;
        }
        throw modelError(
          file,
          `graph input '${name}' dimension ${index}${dim ? ` ('${dim}')` : ''} is dynamic (shape [${dims.map((d) => (typeof d === 'number' ? d : (d ?? '?'))).join(', ')}]): give its size with --input-shape ${name}=${dims.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 'N')).join('x')}`,
        );
      }),
    };
  });
}

function randomFeed(ort: typeof OrtModule, input: GraphInput): OrtModule.Tensor {
  const count = input.dims.reduce((product, dim) => product * dim, 1);
  const types = onnx.TensorProto.DataType;
  // A deterministic pattern is enough: only shapes are read, never values.
  const pattern = (index: number): number => ((index * 7919) % 17) / 17 - 0.5;
  switch (input.elemType) {
    case types.FLOAT:
      return new ort.Tensor(
        'float32',
        Float32Array.from({ length: count }, (_, i) => pattern(i)),
        input.dims,
      );
    case types.DOUBLE:
      return new ort.Tensor(
        'float64',
        Float64Array.from({ length: count }, (_, i) => pattern(i)),
        input.dims,
      );
    case types.INT64:
      return new ort.Tensor('int64', new BigInt64Array(count), input.dims);
    case types.INT32:
      return new ort.Tensor('int32', new Int32Array(count), input.dims);
    case types.BOOL:
      return new ort.Tensor('bool', new Uint8Array(count), input.dims);
    default:
      throw new Error(`graph input '${input.name}' has element type ${input.elemType}, which tconv cannot feed`);
  }
}

/** Runs the model once with `tensors` added as outputs and returns their shapes. */
export async function runtimeShapes(
  file: string,
  model: proto.ModelProto,
  tensors: readonly string[],
  inputs: readonly GraphInput[],
): Promise<Map<string, number[]>> {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  const graph = copy.graph!;
  const outputs = graph.output ?? [];
  const declared = new Set(outputs.map((info) => info.name));
  for (const name of tensors) {
    if (!declared.has(name)) outputs.push(onnx.ValueInfoProto.create({ name }));
  }
  graph.output = outputs;
  let ort: typeof OrtModule;
  try {
    // CommonJS under Node's ESM loader: the namespace may carry the module as `default`.
    const module = (await import('onnxruntime-node')) as typeof OrtModule & { default?: typeof OrtModule };
    ort = module.default ?? module;
  } catch (error) {
    throw modelError(
      file,
      `the ConvTranspose input shapes are not static and onnxruntime-node cannot be loaded to compute them (${(error as Error).message})`,
    );
  }
  try {
    const session = await ort.InferenceSession.create(onnx.ModelProto.encode(copy).finish(), {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'basic',
      logSeverityLevel: 4,
    });
    const feeds = Object.fromEntries(inputs.map((input) => [input.name, randomFeed(ort, input)]));
    const results = await session.run(feeds, [...tensors]);
    await session.release();
    return new Map(tensors.map((name) => [name, [...results[name]!.dims]]));
  } catch (error) {
    const shapes = inputs.map((input) => `${input.name}=${shapeText(input.dims)}`).join(' ');
    throw modelError(
      file,
      `ONNX Runtime could not run the model with inputs ${shapes} to find the ConvTranspose input shapes: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}
