/** Plans as the runner interface's expressions: the exact tfjs call made, for reports. */
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { Expression, NativeCall } from '../types.js';
import type { TfCallPlan, TfjsCallPlan } from './calls.js';

const LAYOUTS = {
  conv2dTranspose: { x: 'NHWC', filter: 'HWOI (kh, kw, C_out, C_in)' },
  conv3dTranspose: { x: 'NDHWC', filter: 'DHWOI (kd, kh, kw, C_out, C_in)' },
} as const;

export function nativeCall(geometry: ConvTransposeGeometry, plan: TfCallPlan | TfjsCallPlan): NativeCall {
  const layouts = LAYOUTS[plan.op];
  const heightOne = geometry.rank === 1 ? ' (1-D case as H = 1)' : '';
  return {
    op: `tf.${plan.op}`,
    attributes: {
      pad: plan.pad,
      strides: plan.strides,
      outputShape: plan.outputShape,
      ...(plan.groupCalls > 1 ? { calls: plan.groupCalls, concat: 'tf.concat(outputs, -1)' } : {}),
      ...(geometry.hasBias ? { bias: 'tf.add(y, bias)' } : {}),
      ...(plan.crop ? { crop: { begin: plan.crop.begin, size: plan.crop.size } } : {}),
    },
    layouts: { x: layouts.x + heightOne, filter: layouts.filter, output: layouts.x + heightOne },
    shapes: {
      x: plan.xShape,
      filter: plan.filterShape,
      outputShape: plan.outputShape,
      ...(geometry.hasBias ? { bias: [geometry.outChannels] } : {}),
    },
  };
}

export function toExpression(geometry: ConvTransposeGeometry, plan: TfCallPlan | TfjsCallPlan): Expression {
  return {
    variant: plan.variant,
    ...(plan.emulation ? { emulation: plan.emulation } : {}),
    call: nativeCall(geometry, plan),
  };
}
