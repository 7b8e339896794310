/**
 * What `tconv import` reads out of a model, before it becomes a case file: one entry per
 * transposed-convolution layer, its parameters in the model's own convention (case fields, so
 * src/geometry/ stays the only code that interprets them) and, when asked for, its weights.
 */
import type { CaseSpec } from '../case/types.js';

export type ModelFormat = 'onnx' | 'keras' | 'tfjs';

/** The geometry fields of a case, as the model states them. */
export type LayerFields = Pick<
  CaseSpec,
  | 'input'
  | 'layout'
  | 'out_channels'
  | 'kernel'
  | 'strides'
  | 'dilations'
  | 'group'
  | 'bias'
  | 'padding'
  | 'output_padding'
  | 'output_shape'
>;

/** Weights in the case file layout: weight [C, M/group, k...] row-major, bias [M]. */
export interface LayerWeights {
  readonly weight: Float32Array;
  readonly bias: Float32Array | null;
}

export interface ImportedLayer {
  /** The node or layer name as the model has it (nested Keras layers: `outer/inner`). */
  readonly name: string;
  /** `ConvTranspose`, `Conv2DTranspose`, ... */
  readonly op: string;
  readonly fields: LayerFields;
  /** Present only when weights were asked for. */
  readonly weights: LayerWeights | null;
}

export interface ImportedModel {
  readonly file: string;
  readonly format: ModelFormat;
  /** What wrote the model, for descriptions: `ONNX opset 17 (pytorch 2.13.0)`, `Keras 3.15.1`. */
  readonly origin: string;
  readonly layers: readonly ImportedLayer[];
  /** Things the user should know (a dynamic batch taken as 1, ...), printed by the command. */
  readonly notes: readonly string[];
}

export interface ImportOptions {
  readonly weights: boolean;
  /** `--input-shape NAME=1x3x64x64`: shapes for a model's dynamic dimensions. */
  readonly inputShapes: ReadonlyMap<string, readonly number[]>;
  /**
   * An --input-shape name the model does not have is an error, except with --compare, where the
   * names given serve both models (an ONNX graph input name means nothing to a Keras model).
   */
  readonly strictInputNames: boolean;
}
