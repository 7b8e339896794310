/** The layers the bench times: realistic transposed convolutions, seeded float32 data. */
import { buildGeometry, layoutFor, type AxisCrop } from '../src/geometry/build.js';
import type { ConvTransposeGeometry, Rank } from '../src/geometry/types.js';
import type { CaseTensors } from '../src/tensor.js';
import { fillRandom } from '../src/data/random.js';

export interface BenchLayer {
  /** Short key used in the JSON output (reference_<id>_ms, ...). */
  readonly id: string;
  readonly title: string;
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  /** 2 * N * C * (M/group) * prod(input spatial) * prod(kernel). */
  readonly flops: number;
}

interface LayerSpec {
  readonly id: string;
  readonly title: string;
  readonly channelsLast: boolean;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Per spatial axis. */
  readonly inputSize: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly beginCrop: number;
  readonly outputSize: number;
  readonly rank: Rank;
}

const LAYER_SPECS: readonly LayerSpec[] = [
  {
    id: 'dcgan',
    title: 'DCGAN 1x128x32x32 -> 64, k4 s2 p1 (NCHW)',
    channelsLast: false,
    inChannels: 128,
    outChannels: 64,
    rank: 2,
    inputSize: 32,
    kernelSize: 4,
    stride: 2,
    beginCrop: 1,
    outputSize: 64,
  },
  {
    id: 'small',
    title: 'small 1x8x8x8 -> 8, k3 s2 SAME (NHWC)',
    channelsLast: true,
    inChannels: 8,
    outChannels: 8,
    rank: 2,
    // TF SAME with o = 16: total = 7*2 + 3 - 16 = 1, begin = 0.
    inputSize: 8,
    kernelSize: 3,
    stride: 2,
    beginCrop: 0,
    outputSize: 16,
  },
  {
    id: 'decoder',
    title: 'decoder 1x64x16x16 -> 32, k3 s1 p1 (NCHW)',
    channelsLast: false,
    inChannels: 64,
    outChannels: 32,
    rank: 2,
    inputSize: 16,
    kernelSize: 3,
    stride: 1,
    beginCrop: 1,
    outputSize: 16,
  },
  {
    id: 'volumetric',
    title: '3-D 1x32x8x8x8 -> 16, k4 s2 p1 (NCDHW)',
    channelsLast: false,
    inChannels: 32,
    outChannels: 16,
    rank: 3,
    inputSize: 8,
    kernelSize: 4,
    stride: 2,
    beginCrop: 1,
    outputSize: 16,
  },
];

/** Deterministic uniform values in [-1, 1), the same generator case files use. */
function seededFloats(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  fillRandom(values, seed, 'uniform');
  return values;
}

function layerGeometry(spec: LayerSpec): ConvTransposeGeometry {
  const axis: AxisCrop = {
    inputSize: spec.inputSize,
    kernelSize: spec.kernelSize,
    stride: spec.stride,
    dilation: 1,
    beginCrop: spec.beginCrop,
    outputSize: spec.outputSize,
    outputPadding: 0,
  };
  const axes = Array.from({ length: spec.rank }, () => axis);
  return buildGeometry({
    layout: layoutFor(spec.rank, spec.channelsLast),
    batch: 1,
    inChannels: spec.inChannels,
    outChannels: spec.outChannels,
    group: 1,
    hasBias: true,
    axes,
    convention: {
      kind: 'torch',
      padding: axes.map((a) => a.beginCrop),
      outputPadding: axes.map(() => 0),
      outputSize: null,
    },
  });
}

export function layerFlops(geometry: ConvTransposeGeometry): number {
  const product = (values: number[]): number => values.reduce((a, b) => a * b, 1);
  const inputPixels = product(geometry.axes.map((axis) => axis.inputSize));
  const taps = product(geometry.axes.map((axis) => axis.kernelSize));
  return 2 * geometry.batch * geometry.inChannels * geometry.outChannelsPerGroup * inputPixels * taps;
}

export function benchLayers(): BenchLayer[] {
  return LAYER_SPECS.map((spec, index) => {
    const geometry = layerGeometry(spec);
    const seed = 1000 * (index + 1);
    return {
      id: spec.id,
      title: spec.title,
      geometry,
      tensors: {
        input: seededFloats(geometry.inputElements, seed),
        weight: seededFloats(geometry.weightElements, seed + 1),
        bias: seededFloats(geometry.outChannels, seed + 2),
      },
      flops: layerFlops(geometry),
    };
  });
}
