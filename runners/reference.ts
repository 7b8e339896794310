/** The native TypeScript reference as a runner: in-process, float64 accumulation. */
import { convTransposeReferenceParallel } from '../src/reference/index.js';
import type { Runner } from './types.js';

export const referenceRunner: Runner = {
  name: 'reference',
  isolated: false,
  plan: (geometry) => ({
    supported: true,
    expressions: [
      {
        variant: 'float64',
        call: {
          op: 'tconv.reference.convTranspose',
          attributes: {
            beginCrop: geometry.axes.map((axis) => axis.beginCrop),
            endCrop: geometry.axes.map((axis) => axis.endCrop),
            strides: geometry.axes.map((axis) => axis.stride),
            dilations: geometry.axes.map((axis) => axis.dilation),
            group: geometry.group,
          },
          layouts: { input: geometry.layout, weight: 'C,M/group,k...', output: geometry.layout },
          shapes: { input: geometry.inputShape, weight: geometry.weightShape, output: geometry.outputShape },
        },
      },
    ],
  }),
  load: () => Promise.resolve('tconv reference (float64)'),
  execute: async (geometry, _expression, tensors) => {
    const result = await convTransposeReferenceParallel(geometry, tensors, { withBounds: false });
    return { status: 'ok', output: result.output, shape: geometry.outputShape };
  },
};
