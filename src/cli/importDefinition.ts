/**
 * `tconv import`'s command definition (its usage is generated from it). Kept apart from import.ts
 * only while that file is being written; import.ts should parse with IMPORT_COMMAND.options.
 */
import { DEFAULT_MAX_ELEMENTS } from '../case/load.js';
import type { CommandDefinition } from './usage.js';

export const IMPORT_COMMAND: CommandDefinition = {
  name: 'import',
  synopsis: 'MODEL [-o FILE] [--weights] [--input-shape NAME=DIMS ...] | A B --compare',
  summary:
    "one case per transposed convolution of an ONNX (.onnx), Keras (.keras) or TF.js (model.json) model; with --compare, whether both models' layers resolve to the same geometry",
  options: {
    output: {
      type: 'string',
      short: 'o',
      value: 'FILE',
      description: 'the case file to write (replaces only a file tconv import wrote)',
      defaultText: 'cases/imported.yaml',
    },
    weights: {
      type: 'boolean',
      description: "embed the model's weights and bias as literal data (else seeded tensors)",
    },
    'input-shape': {
      type: 'string',
      multiple: true,
      value: 'NAME=DIMS',
      description:
        'size of dynamic dimensions: an ONNX graph input, or a Keras/TF.js layer path, e.g. input=1x3x64x64; repeatable',
    },
    compare: {
      type: 'boolean',
      description: 'compare two models (A B): whether their layers resolve to the same geometry; writes nothing',
    },
    'max-elements': {
      type: 'string',
      value: 'N',
      description: 'refuse tensors larger than N elements, and --weights embedding more values',
      defaultText: `${DEFAULT_MAX_ELEMENTS}, or the environment variable TCONV_MAX_ELEMENTS`,
    },
  },
};
