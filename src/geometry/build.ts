import { elementCount } from '../tensor.js';
import type { AxisGeometry, ConventionSource, ConvTransposeGeometry, LayoutName, Rank } from './types.js';

/** What a convention decided for one axis; everything else about the axis is derived. */
export interface AxisCrop {
  readonly inputSize: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly dilation: number;
  readonly beginCrop: number;
  readonly outputSize: number;
  readonly outputPadding: number;
}

export function effectiveKernelSize(kernelSize: number, dilation: number): number {
  return dilation * (kernelSize - 1) + 1;
}

/** full = (i - 1) * s + k_eff: the transposed convolution's length before any crop. */
export function fullOutputSize(inputSize: number, kernelSize: number, stride: number, dilation: number): number {
  return (inputSize - 1) * stride + effectiveKernelSize(kernelSize, dilation);
}

export function buildAxis(crop: AxisCrop): AxisGeometry {
  const effective = effectiveKernelSize(crop.kernelSize, crop.dilation);
  const fullSize = (crop.inputSize - 1) * crop.stride + effective;
  return {
    inputSize: crop.inputSize,
    kernelSize: crop.kernelSize,
    stride: crop.stride,
    dilation: crop.dilation,
    effectiveKernelSize: effective,
    fullSize,
    beginCrop: crop.beginCrop,
    endCrop: fullSize - crop.beginCrop - crop.outputSize,
    outputPadding: crop.outputPadding,
    outputSize: crop.outputSize,
  };
}

export const CHANNELS_LAST_LAYOUTS: readonly LayoutName[] = ['NWC', 'NHWC', 'NDHWC'];

export function isChannelsLast(layout: LayoutName): boolean {
  return CHANNELS_LAST_LAYOUTS.includes(layout);
}

/** The layout name for a rank, channels-first or channels-last. */
export function layoutFor(rank: Rank, channelsLast: boolean): LayoutName {
  const firsts: Record<Rank, LayoutName> = { 1: 'NCW', 2: 'NCHW', 3: 'NCDHW' };
  const lasts: Record<Rank, LayoutName> = { 1: 'NWC', 2: 'NHWC', 3: 'NDHWC' };
  return channelsLast ? lasts[rank] : firsts[rank];
}

export interface GeometryParts {
  readonly layout: LayoutName;
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly group: number;
  readonly hasBias: boolean;
  readonly axes: readonly AxisCrop[];
  readonly convention: ConventionSource;
}

/** Assembles the canonical struct from per-axis crops (no validation: see resolve.ts). */
export function buildGeometry(parts: GeometryParts): ConvTransposeGeometry {
  const axes = parts.axes.map(buildAxis);
  const channelsLast = isChannelsLast(parts.layout);
  const spatialIn = axes.map((axis) => axis.inputSize);
  const spatialOut = axes.map((axis) => axis.outputSize);
  const shapeOf = (channels: number, spatial: number[]): number[] =>
    channelsLast ? [parts.batch, ...spatial, channels] : [parts.batch, channels, ...spatial];
  const inputShape = shapeOf(parts.inChannels, spatialIn);
  const outputShape = shapeOf(parts.outChannels, spatialOut);
  const weightShape = [parts.inChannels, parts.outChannels / parts.group, ...axes.map((axis) => axis.kernelSize)];
  return {
    rank: axes.length as Rank,
    layout: parts.layout,
    channelsLast,
    batch: parts.batch,
    inChannels: parts.inChannels,
    outChannels: parts.outChannels,
    group: parts.group,
    inChannelsPerGroup: parts.inChannels / parts.group,
    outChannelsPerGroup: parts.outChannels / parts.group,
    hasBias: parts.hasBias,
    axes,
    inputShape,
    weightShape,
    outputShape,
    inputElements: elementCount(inputShape),
    weightElements: elementCount(weightShape),
    outputElements: elementCount(outputShape),
    convention: parts.convention,
  };
}
