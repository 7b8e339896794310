/**
 * Which case field to point at when a tensor is over the element limit: the factor of its size
 * that makes it large (a huge stride must not be reported at `out_channels`).
 */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { CaseSpec } from './types.js';

const product = (values: readonly number[]): number => values.reduce((total, value) => total * value, 1);

/** The output is N x M x o...: o = (i-1)*s + d*(k-1) + 1 (+ output_padding) unless output_shape gives it. */
function outputCulprit(spec: CaseSpec, g: ConvTransposeGeometry): string {
  if (g.batch * g.outChannels >= product(g.axes.map((axis) => axis.outputSize))) {
    return g.outChannels >= g.batch ? 'out_channels' : 'input';
  }
  if (spec.output_shape !== undefined) return 'output_shape';
  const axis = g.axes.reduce((largest, candidate) => (candidate.outputSize > largest.outputSize ? candidate : largest));
  const strideTerm = axis.stride * (axis.inputSize - 1);
  const kernelTerm = axis.dilation * (axis.kernelSize - 1);
  if (axis.outputSize - axis.fullSize > Math.max(strideTerm, kernelTerm)) return 'output_padding';
  if (strideTerm >= kernelTerm) return axis.stride >= axis.inputSize - 1 ? 'strides' : 'input';
  return axis.dilation >= axis.kernelSize - 1 ? 'dilations' : 'kernel';
}

/** The weight is C x M/group x k...: the kernel sizes or the channels. */
function weightCulprit(g: ConvTransposeGeometry): string {
  const taps = product(g.axes.map((axis) => axis.kernelSize));
  if (taps >= g.inChannels * g.outChannelsPerGroup) return 'kernel';
  return g.outChannelsPerGroup >= g.inChannels ? 'out_channels' : 'input';
}

export function sizeCulprit(tensor: 'input' | 'weight' | 'output', spec: CaseSpec, g: ConvTransposeGeometry): string {
  if (tensor === 'input') return 'input';
  return tensor === 'weight' ? weightCulprit(g) : outputCulprit(spec, g);
}
