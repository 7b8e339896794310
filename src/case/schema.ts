/**
 * The case file vocabulary, schema v1: the single definition behind validation and
 * `cases/schema.json`. Semantic rules that need more than one field (ranks, geometry) live in
 * `geometry/resolve.ts`.
 */
import type { Schema } from './schemaDsl.js';

export const SCHEMA_VERSION = 1;

/** The built-in runners. */
export const RUNNER_NAMES = [
  'reference',
  'tfjs-node',
  'onnxruntime',
  'tfjs-cpu',
  'tfjs-wasm',
  'onnxruntime-web',
  'torch',
] as const;
export type BuiltinRunnerName = (typeof RUNNER_NAMES)[number];
/**
 * A runner's name: a built-in one or one registered for a run (`--runner-exec NAME=COMMAND`,
 * `--runner-module NAME=PATH`), so case files and expectations may name runners tconv does not ship.
 */
export type RunnerName = string;
/** What a runner name may look like (external runners' names are checked against it too). */
export const RUNNER_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]*$';
export const runnerNameSchema: Schema = {
  kind: 'string',
  pattern: RUNNER_NAME_PATTERN,
  description: `a runner: one of ${RUNNER_NAMES.join(', ')}, or a name registered with --runner-exec / --runner-module`,
};

export const LAYOUTS = ['NCW', 'NWC', 'NCHW', 'NHWC', 'NCDHW', 'NDHWC'] as const;
export const AUTO_PADS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'] as const;
export const DISTRIBUTIONS = ['uniform', 'normal', 'integers', 'special', 'subnormal', 'large'] as const;
/** Statuses a known divergence may declare. */
export const EXPECTED_STATUSES = ['mismatch', 'error', 'crash', 'timeout', 'unsupported'] as const;

const positiveInt: Schema = { kind: 'integer', minimum: 1 };
const nonNegativeInt: Schema = { kind: 'integer', minimum: 0 };
/** The largest finite float32; data beyond it would silently become Infinity when rounded. */
const FLOAT32_MAX = 3.4028234663852886e38;
const float32Number: Schema = { kind: 'number', minimum: -FLOAT32_MAX, maximum: FLOAT32_MAX };
/** The spellings of NaN and the infinities JSON can carry (YAML's `.nan`, `.inf`, `-.inf` are numbers). */
export const SPECIAL_VALUE_STRINGS = ['NaN', 'Infinity', '-Infinity'] as const;
/**
 * A float32 tensor value: a number within float32's range (subnormals and -0.0 included), NaN or
 * an infinity (IEEE 754 special values, for the special-value cases), as a YAML number or string.
 */
const float32Value: Schema = {
  kind: 'oneOf',
  label: `a number from ${-FLOAT32_MAX} to ${FLOAT32_MAX}, .nan, .inf, -.inf or one of "NaN", "Infinity", "-Infinity"`,
  options: [
    { ...float32Number, nonFinite: true },
    { kind: 'string', enum: SPECIAL_VALUE_STRINGS, description: 'NaN or an infinity, spelled as in JSON' },
  ],
};

const intOrList = (item: Schema, description: string): Schema => ({
  kind: 'oneOf',
  label: `${item.kind === 'integer' && item.minimum === 1 ? 'a positive integer' : 'a non-negative integer'} or a list of them (one per spatial axis)`,
  description,
  options: [item, { kind: 'array', items: item, minItems: 1, maxItems: 3 }],
});

const paddingSchema: Schema = {
  kind: 'oneOf',
  label:
    "'SAME' or 'VALID' (TensorFlow/Keras), {auto_pad: ...} or {pads: [...]} (ONNX), an integer / list of integers (PyTorch), or {webnn: [bH, eH, bW, eW]} (WebNN)",
  description:
    'The padding, which also names the convention. SAME | VALID: TensorFlow/Keras. {auto_pad} or {pads}: ONNX ConvTranspose. An integer or list: PyTorch ConvTranspose symmetric padding. {webnn: [beginHeight, endHeight, beginWidth, endWidth]}: WebNN convTranspose2d options.padding (2-D only).',
  options: [
    { kind: 'string', enum: ['SAME', 'VALID'], description: 'TensorFlow/Keras padding' },
    { kind: 'integer', minimum: 0, description: 'PyTorch symmetric padding (all axes)' },
    {
      kind: 'array',
      items: nonNegativeInt,
      minItems: 1,
      maxItems: 3,
      description: 'PyTorch symmetric padding per spatial axis',
    },
    {
      kind: 'object',
      description: 'ONNX ConvTranspose padding attributes',
      properties: {
        auto_pad: {
          kind: 'string',
          enum: AUTO_PADS,
          description: 'ONNX auto_pad (default NOTSET)',
        },
        pads: {
          kind: 'array',
          items: nonNegativeInt,
          minItems: 2,
          maxItems: 6,
          description: 'ONNX pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...]',
        },
      },
    },
    {
      kind: 'object',
      description:
        'W3C WebNN MLGraphBuilder.convTranspose2d options.padding (2-D cases only); output_padding is options.outputPadding, output_shape is options.outputSizes, layout NCHW/NHWC is options.inputLayout nchw/nhwc, data.weight is the default filterLayout iohw',
      required: ['webnn'],
      properties: {
        webnn: {
          kind: 'array',
          items: nonNegativeInt,
          minItems: 1,
          description:
            'WebNN padding, 4 values "[beginningHeight, endingHeight, beginningWidth, endingWidth]" (begin/end per axis, not ONNX\'s begins-then-ends)',
        },
      },
    },
  ],
};

const flatNumbers = (description: string): Schema => ({
  kind: 'array',
  items: float32Value,
  description,
});

const toleranceSchema: Schema = {
  kind: 'object',
  description:
    'Comparison tolerance: {atol, rtol} (|a-b| <= atol + rtol*|b|) or {ulp}; default: automatic (a float32 error bound from the reference).',
  properties: {
    atol: { kind: 'number', minimum: 0, description: 'absolute tolerance' },
    rtol: { kind: 'number', minimum: 0, description: 'relative tolerance' },
    ulp: { kind: 'integer', minimum: 0, description: 'units in the last place (float32)' },
    signed_zero: {
      kind: 'boolean',
      description:
        'also compare the signs of zeros (IEEE 754 6.3: a sum of -0 terms is -0, an exact zero sum of mixed signs +0); default false',
    },
  },
};

const expectedEntry: Schema = {
  kind: 'object',
  description: 'A known divergence of one runner (or one of its variants) on this case.',
  required: ['runner', 'status', 'reason'],
  properties: {
    runner: runnerNameSchema,
    variant: { kind: 'string', description: "the runner's variant (spelling) it applies to; all when absent" },
    status: { kind: 'string', enum: EXPECTED_STATUSES },
    reason: { kind: 'string', description: 'why the runner diverges' },
    diagnosis: {
      kind: 'string',
      pattern: '^[a-z0-9-]+$',
      description:
        'mismatch only: the diagnosis kind that must name it (e.g. subnormal-flushed, zero-sign, inserted-zero-nan, nan-not-propagated, float32-overflow); a mismatch diagnosed otherwise is unexpected',
    },
    intermittent: {
      kind: 'boolean',
      description:
        'the divergence shows on some runs only (e.g. the implementation reads memory it does not own): a pass is accepted, not an unexpected pass',
    },
    link: { kind: 'string', description: 'an issue, spec clause or source line' },
  },
};

/** Fields a case may set (and so may `defaults`). */
const caseProperties: Record<string, Schema> = {
  name: {
    kind: 'string',
    pattern: '^[A-Za-z0-9._-]+$',
    description: 'Unique in the file; part of the case id file/name.',
  },
  description: { kind: 'string' },
  tags: { kind: 'array', items: { kind: 'string' } },
  input: {
    kind: 'array',
    items: positiveInt,
    minItems: 3,
    maxItems: 5,
    description: 'Input shape [N, C, spatial...] in `layout` order.',
  },
  layout: { kind: 'string', enum: LAYOUTS, description: 'Data layout (default channels-first).' },
  out_channels: { ...positiveInt, description: 'Total output channels M.' },
  kernel: {
    kind: 'array',
    items: positiveInt,
    minItems: 1,
    maxItems: 3,
    description: 'Spatial kernel size; its length (1, 2 or 3) is the rank.',
  },
  strides: intOrList(positiveInt, 'Stride per spatial axis (default 1).'),
  dilations: intOrList(positiveInt, 'Dilation per spatial axis (default 1).'),
  group: { ...positiveInt, description: 'Groups; must divide C and M (default 1).' },
  bias: { kind: 'boolean', description: 'Whether the operation adds a bias (default false).' },
  padding: paddingSchema,
  output_padding: intOrList(nonNegativeInt, 'Output padding (ONNX/PyTorch/Keras; WebNN outputPadding).'),
  output_shape: {
    kind: 'array',
    items: positiveInt,
    minItems: 1,
    maxItems: 3,
    description:
      "Spatial output size: TF's output_shape, ONNX's output_shape attribute, PyTorch's output_size, or WebNN's outputSizes.",
  },
  dtype: { kind: 'string', enum: ['float32'], description: 'Element type (float32 only for now).' },
  seed: { ...nonNegativeInt, description: 'Seed for generated tensors (default: hash of file and case name).' },
  distribution: {
    kind: 'string',
    enum: DISTRIBUTIONS,
    description:
      'How generated tensors are drawn: uniform [-1, 1) (default), normal, integers in [-4, 4], special (a mix with NaN, +-Inf, +-0, subnormals and values near float32 max), subnormal (subnormal input and bias, weights ~2^100), large (input and bias up to 2^127: sums overflow float32).',
  },
  data: {
    kind: 'object',
    description: 'Literal tensors, flat row-major; those left out are generated from the seed.',
    properties: {
      input: flatNumbers('input in `layout` order'),
      weight: flatNumbers('weight as [C, M/group, k...] (ONNX/PyTorch layout)'),
      bias: flatNumbers('bias [M]'),
    },
  },
  expect: {
    kind: 'object',
    description: 'A documented expected output, flat in `layout` order.',
    properties: {
      shape: { kind: 'array', items: positiveInt, minItems: 3, maxItems: 5 },
      output: flatNumbers('expected output values'),
    },
  },
  tolerance: toleranceSchema,
  runners: {
    kind: 'array',
    items: runnerNameSchema,
    minItems: 1,
    description: 'Restrict the case to these runners.',
  },
  expected: { kind: 'array', items: expectedEntry, description: 'Known divergences.' },
};

/** Required once `defaults` are merged in (so not enforced on the case mapping alone). */
export const REQUIRED_CASE_FIELDS = ['input', 'out_channels', 'kernel'] as const;

export const caseSchema: Schema = {
  kind: 'object',
  required: ['name'],
  properties: caseProperties,
};

/** `defaults` may hold any case field except the case's name. */
const defaultsProperties = Object.fromEntries(Object.entries(caseProperties).filter(([name]) => name !== 'name'));

const fileHeadProperties: Readonly<Record<string, Schema>> = {
  $schema: { kind: 'string', description: 'Path or URL of this JSON Schema (for editors).' },
  description: { kind: 'string', description: 'What this file covers.' },
  defaults: { kind: 'object', properties: defaultsProperties, description: 'Fields every case inherits.' },
};

/** A case file but its cases (a large file is read one case at a time, each against caseSchema). */
export const caseFileHeadSchema: Schema = { kind: 'object', required: ['description'], properties: fileHeadProperties };

export const caseFileSchema: Schema = {
  kind: 'object',
  description: 'A tconv case file (schema v1): transposed convolutions to run and compare.',
  required: ['description', 'cases'],
  properties: { ...fileHeadProperties, cases: { kind: 'array', items: caseSchema, minItems: 1 } },
};
