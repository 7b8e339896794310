/**
 * Keras-style layer parameters (Keras 3 .keras and TF.js layers models share them) as case
 * fields: padding SAME/VALID, Keras output_padding, data_format as the case layout.
 */
import type { LayoutName } from '../../geometry/types.js';
import { modelError } from '../errors.js';
import { shapeText } from '../shapes.js';
import type { LayerFields } from '../types.js';

export interface KerasParams {
  readonly rank: 1 | 2 | 3;
  readonly filters: unknown;
  readonly kernelSize: unknown;
  readonly strides: unknown;
  readonly padding: unknown;
  readonly outputPadding: unknown;
  readonly dataFormat: unknown;
  readonly dilationRate: unknown;
  readonly useBias: unknown;
  readonly groups: unknown;
}

const LAYOUTS: Record<1 | 2 | 3, readonly [LayoutName, LayoutName]> = {
  1: ['NWC', 'NCW'],
  2: ['NHWC', 'NCHW'],
  3: ['NDHWC', 'NCDHW'],
};

function positiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

/** An int or a list of `rank` ints (Keras accepts both); `minimum` 0 for output_padding. */
function perAxis(file: string, layer: string, field: string, value: unknown, rank: number, minimum = 1): number[] {
  const list = typeof value === 'number' ? new Array<number>(rank).fill(value) : value;
  if (
    !Array.isArray(list) ||
    list.length !== rank ||
    !list.every((item) => typeof item === 'number' && Number.isInteger(item) && item >= minimum)
  ) {
    throw modelError(file, `${field} is ${JSON.stringify(value)}; expected ${rank} integer(s) >= ${minimum}`, layer);
  }
  return list as number[];
}

/** The saved input shape with a missing batch taken as 1 and other gaps from --input-shape. */
export function layerInput(
  file: string,
  layer: string,
  name: string,
  shape: readonly (number | null)[] | null,
  rank: number,
  given: ReadonlyMap<string, readonly number[]>,
): number[] {
  const fixed = given.get(name);
  if (fixed) {
    if (fixed.length !== rank + 2) {
      throw modelError(
        file,
        `--input-shape ${name}=${shapeText(fixed)} needs ${rank + 2} dimensions (batch, spatial and channels in the layer's data_format)`,
        layer,
      );
    }
    return [...fixed];
  }
  if (!shape) {
    throw modelError(
      file,
      `the model does not record this layer's input shape (saved before it was built?): give it with --input-shape ${name}=${new Array(rank + 2).fill('N').join('x')}`,
      layer,
    );
  }
  if (shape.length !== rank + 2) {
    throw modelError(
      file,
      `its input shape ${shapeText(shape)} has ${shape.length} dimensions; a ${rank}-D transposed convolution needs ${rank + 2}`,
      layer,
    );
  }
  return shape.map((dim, index) => {
    if (dim !== null) return dim;
    if (index === 0) return 1;
    throw modelError(
      file,
      `input dimension ${index} is unknown in the saved model (input shape ${shapeText(shape)}), so the output size cannot be resolved: give it with --input-shape ${name}=${shape.map((d, i) => (d === null ? (i === 0 ? 1 : 'N') : d)).join('x')}`,
      layer,
    );
  });
}

export function kerasFields(file: string, layer: string, params: KerasParams, input: number[]): LayerFields {
  const { rank } = params;
  if (!positiveInt(params.filters))
    throw modelError(file, `filters is ${JSON.stringify(params.filters)}; expected a positive integer`, layer);
  if (params.groups !== undefined && params.groups !== null && params.groups !== 1) {
    throw modelError(
      file,
      `groups ${JSON.stringify(params.groups)}: Keras transposed convolutions have no groups; expected 1`,
      layer,
    );
  }
  const padding = typeof params.padding === 'string' ? params.padding.toUpperCase() : '';
  if (padding !== 'SAME' && padding !== 'VALID') {
    throw modelError(file, `padding is ${JSON.stringify(params.padding)}; expected 'same' or 'valid'`, layer);
  }
  const format = params.dataFormat ?? 'channels_last';
  if (format !== 'channels_last' && format !== 'channels_first') {
    throw modelError(file, `data_format is ${JSON.stringify(format)}; expected channels_last or channels_first`, layer);
  }
  const fields: { -readonly [K in keyof LayerFields]: LayerFields[K] } = {
    input,
    layout: LAYOUTS[rank][format === 'channels_last' ? 0 : 1],
    out_channels: params.filters,
    kernel: perAxis(file, layer, 'kernel_size', params.kernelSize, rank),
  };
  const strides = perAxis(file, layer, 'strides', params.strides ?? 1, rank);
  if (strides.some((stride) => stride !== 1)) fields.strides = strides;
  const dilations = perAxis(file, layer, 'dilation_rate', params.dilationRate ?? 1, rank);
  if (dilations.some((dilation) => dilation !== 1)) fields.dilations = dilations;
  fields.bias = params.useBias !== false;
  fields.padding = padding;
  // None (null) and 0 differ in Keras: None is the default length rule, 0 a stated output_padding.
  if (params.outputPadding !== null && params.outputPadding !== undefined) {
    fields.output_padding = perAxis(file, layer, 'output_padding', params.outputPadding, rank, 0);
  }
  return fields;
}

/** Keras kernel [k..., M, C] (TF's conv_transpose filter) -> the case layout [C, M, k...]. */
export function kerasKernelToCase(kernel: Float32Array, kernelShape: readonly number[]): Float32Array {
  const spatial = kernelShape.slice(0, -2).reduce((product, size) => product * size, 1);
  const outChannels = kernelShape[kernelShape.length - 2]!;
  const inChannels = kernelShape[kernelShape.length - 1]!;
  const result = new Float32Array(kernel.length);
  for (let tap = 0; tap < spatial; tap++) {
    for (let m = 0; m < outChannels; m++) {
      for (let c = 0; c < inChannels; c++) {
        result[(c * outChannels + m) * spatial + tap] = kernel[(tap * outChannels + m) * inChannels + c]!;
      }
    }
  }
  return result;
}
