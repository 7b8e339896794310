/**
 * What an external runner is asked, per convention (docs/runner-protocol.md, section 4): every
 * spelling of the case that the framework's built-in runner would use (spellings.ts), each one
 * variant whose `call.attributes` are exactly the request's `attributes`; where the framework
 * cannot spell the case, its emulation (the full output, cropped by tconv).
 */
import { tfSpellings, kerasSpellings, type Spelling } from '../../src/geometry/spellings.js';
import type { ConvTransposeGeometry, LayoutName } from '../../src/geometry/types.js';
import { onnxPlan } from '../onnx/call.js';
import { torchPlan } from '../torch/call.js';
import type { Expression, NativeCall, Plan } from '../types.js';
import type { Convention } from './messages.js';
import { isChannelsLastLayout, moveShape } from './tensors.js';

type Expressible = Extract<Spelling, { expressible: true }>;
type Attributes = Record<string, unknown>;

/** The weight layout each convention takes. */
export const WEIGHT_LAYOUTS: Readonly<Record<Convention, string>> = {
  onnx: 'C,M/group,k...',
  torch: 'C,M/group,k...',
  canonical: 'C,M/group,k...',
  tf: 'k...,M,C',
};

export function weightShape(geometry: ConvTransposeGeometry, convention: Convention): number[] {
  if (convention !== 'tf') return [...geometry.weightShape];
  return [...geometry.axes.map((axis) => axis.kernelSize), geometry.outChannels, geometry.inChannels];
}

/** The native call of one request: the attributes as sent, layouts and shapes as sent. */
function requestCall(
  g: ConvTransposeGeometry,
  convention: Convention,
  layout: LayoutName,
  op: string,
  attributes: Attributes,
  outputSpatial: readonly number[],
): NativeCall {
  const output = moveShape(
    [g.batch, g.outChannels, ...outputSpatial],
    'NCHW',
    isChannelsLastLayout(layout) ? 'NHWC' : 'NCHW',
  );
  const moved = (direction: 'from' | 'to'): string =>
    layout === g.layout ? layout : `${layout} (tconv transposes ${direction} the case's ${g.layout})`;
  return {
    op,
    attributes,
    layouts: {
      input: moved('from'),
      weight: WEIGHT_LAYOUTS[convention],
      ...(g.hasBias ? { bias: 'M' } : {}),
      output: moved('to'),
    },
    shapes: {
      input: moveShape(g.inputShape, g.layout, layout),
      weight: weightShape(g, convention),
      ...(g.hasBias ? { bias: [g.outChannels] } : {}),
      output,
    },
  };
}

const fullSizes = (g: ConvTransposeGeometry): number[] => g.axes.map((axis) => axis.fullSize);
const outputSizes = (g: ConvTransposeGeometry): number[] => g.axes.map((axis) => axis.outputSize);

function canonicalPlan(g: ConvTransposeGeometry, layout: LayoutName): Plan {
  const attributes = {
    group: g.group,
    axes: g.axes.map((axis) => ({
      input_size: axis.inputSize,
      kernel_size: axis.kernelSize,
      stride: axis.stride,
      dilation: axis.dilation,
      effective_kernel_size: axis.effectiveKernelSize,
      full_size: axis.fullSize,
      begin_crop: axis.beginCrop,
      end_crop: axis.endCrop,
      output_padding: axis.outputPadding,
      output_size: axis.outputSize,
    })),
  };
  const call = requestCall(g, 'canonical', layout, 'tconv canonical geometry', attributes, outputSizes(g));
  return { supported: true, expressions: [{ variant: 'canonical', call }] };
}

function onnxExternalPlan(g: ConvTransposeGeometry, layout: LayoutName): Plan {
  const plan = onnxPlan(g);
  if (!plan.supported) return plan;
  const expressions = plan.expressions.map((expression) => ({
    variant: expression.variant,
    call: requestCall(g, 'onnx', layout, expression.call.op, { ...expression.call.attributes }, outputSizes(g)),
  }));
  return { supported: true, expressions };
}

/** PyTorch's API names in requests: `forward(x)` is the functional call. */
const TORCH_APIS: Readonly<Record<string, string>> = {
  padding: 'torch.nn.functional.conv_transpose',
  output_size: 'torch.nn.ConvTranspose.forward(output_size)',
  'full+crop': 'torch.nn.functional.conv_transpose',
};

function torchExternalPlan(g: ConvTransposeGeometry, layout: LayoutName): Plan {
  const plan = torchPlan(g);
  if (!plan.supported) return plan;
  const expressions = plan.expressions.map((expression): Expression => {
    const emulated = expression.emulation !== undefined;
    const attributes = { api: TORCH_APIS[expression.variant], ...expression.call.attributes };
    const spatial = emulated ? fullSizes(g) : outputSizes(g);
    return { ...expression, call: requestCall(g, 'torch', layout, expression.call.op, attributes, spatial) };
  });
  return { supported: true, expressions };
}

function tfExternalPlan(g: ConvTransposeGeometry, layout: LayoutName): Plan {
  if (g.group > 1)
    return { supported: false, reason: 'TensorFlow has no grouped transposed convolution (no groups argument)' };
  const channelsLast = isChannelsLastLayout(layout);
  const nnCall = (padding: 'SAME' | 'VALID', spatial: readonly number[]): Attributes => ({
    api: 'tf.nn.conv_transpose',
    padding,
    output_shape: channelsLast ? [g.batch, ...spatial, g.outChannels] : [g.batch, g.outChannels, ...spatial],
    strides: g.axes.map((axis) => axis.stride),
    dilations: g.axes.map((axis) => axis.dilation),
    data_format: layout,
  });
  const expressions: Expression[] = [];
  for (const spelling of tfSpellings(g).filter((s): s is Expressible => s.expressible && s.tf !== undefined)) {
    const attributes = nnCall(spelling.tf!.padding, outputSizes(g));
    expressions.push({
      variant: `tf.nn:${spelling.tf!.padding}`,
      call: requestCall(g, 'tf', layout, spelling.form, attributes, outputSizes(g)),
    });
  }
  for (const spelling of kerasSpellings(g).filter((s): s is Expressible => s.expressible)) {
    const keras = spelling.keras;
    if (!keras) continue;
    const attributes = {
      api: 'keras.layers.ConvTranspose',
      filters: keras.filters,
      kernel_size: keras.kernelSize,
      strides: keras.strides,
      padding: keras.padding,
      output_padding: keras.outputPadding,
      dilation_rate: keras.dilationRate,
      data_format: channelsLast ? 'channels_last' : 'channels_first',
      use_bias: keras.useBias,
    };
    expressions.push({
      variant: `keras:${keras.padding}`,
      call: requestCall(g, 'tf', layout, spelling.form, attributes, outputSizes(g)),
    });
  }
  if (expressions.length > 0) return { supported: true, expressions };
  const reason = tfSpellings(g)
    .map((s) => (s.expressible ? s.form : s.reason))
    .join('; ');
  return {
    supported: true,
    expressions: [
      {
        variant: 'valid+crop',
        emulation: `TensorFlow cannot spell this geometry (${reason}); the runner computes the full output ${fullSizes(g).join('x')} (VALID) and tconv keeps [begin, begin + o) per axis (begin ${g.axes.map((a) => a.beginCrop).join(',')}, o ${outputSizes(g).join('x')})`,
        call: requestCall(
          g,
          'tf',
          layout,
          `tf.nn.conv${g.rank}d_transpose`,
          nnCall('VALID', fullSizes(g)),
          fullSizes(g),
        ),
      },
    ],
  };
}

const PLANS: Readonly<Record<Convention, (g: ConvTransposeGeometry, layout: LayoutName) => Plan>> = {
  canonical: canonicalPlan,
  onnx: onnxExternalPlan,
  torch: torchExternalPlan,
  tf: tfExternalPlan,
};

export function conventionPlan(convention: Convention, g: ConvTransposeGeometry, layout: LayoutName): Plan {
  return PLANS[convention](g, layout);
}
