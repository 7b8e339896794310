/**
 * The implementations the bench times, behind one small interface so that more (tfjs-node,
 * onnxruntime, ...) are one more entry in `BENCH_IMPLEMENTATIONS`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { tfSpellings } from '../src/geometry/spellings.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { channelsFirstToLast, channelsLastToFirst } from '../src/layout.js';
import {
  convTransposeReference,
  convTransposeReferenceParallel,
  type ReferenceStorage,
} from '../src/reference/index.js';
import type { BenchLayer } from './layers.js';
import { RUNNER_IMPLEMENTATIONS } from './runners.js';
import { torchFloat64 } from './torch-f64.js';

export type BenchOutput = Float32Array | Float64Array;

/** A layer made ready for one implementation: inputs converted, nothing left but the work. */
export interface PreparedRun {
  /** Untimed, before each timed run (e.g. selecting a tfjs backend another entry switched). */
  before?(): Promise<void>;
  /** One timed evaluation, forced to completion; the output in the implementation's layout. */
  run(): Promise<BenchOutput> | BenchOutput;
  /**
   * When present, the time of the last `run` as the implementation measured it itself (ms),
   * used instead of the wall time around `run` (a peer timed inside its own process).
   */
  selfTimedMs?(): number;
  /** An output of `run` in the layer's layout (not timed). */
  inLayerLayout(output: BenchOutput): BenchOutput;
  dispose(): void;
}

export interface BenchImplementation {
  /** JSON key prefix: <key>_<layer>_ms, <key>_vs_tfjs_cpu_<layer>. */
  readonly key: string;
  /** Table label. */
  readonly name: string;
  /** Once, before any layer (backend selection, sessions...). */
  setup?(): Promise<void>;
  /** null when the implementation cannot run this layer. */
  prepare(layer: BenchLayer): Promise<PreparedRun | null>;
}

const identity = (output: BenchOutput): BenchOutput => output;

/**
 * The reference rows write into arrays allocated once per layer (the `into` option), as a caller
 * evaluating a layer repeatedly would: PyTorch's process reuses its freed memory for each new
 * output, while Node hands freed large buffers back to the kernel, and faulting a fresh 2 MB
 * output back in took ~6 ms on this VM (more than the DCGAN kernel on one core). The
 * `reference_fresh` row keeps allocating a new output per call, to show that cost.
 */
const storage = (geometry: ConvTransposeGeometry, withBounds: boolean): ReferenceStorage => ({
  output: new Float64Array(geometry.outputElements),
  ...(withBounds ? { absSum: new Float64Array(geometry.outputElements) } : {}),
});

const referenceParallel: BenchImplementation = {
  key: 'reference',
  name: 'reference (parallel)',
  prepare: async ({ geometry, tensors }) => {
    const into = storage(geometry, false);
    return {
      run: async () => (await convTransposeReferenceParallel(geometry, tensors, { withBounds: false, into })).output,
      inLayerLayout: identity,
      dispose: () => {},
    };
  },
};

const referenceFreshOutput: BenchImplementation = {
  key: 'reference_fresh',
  name: 'reference (parallel, new output)',
  prepare: async ({ geometry, tensors }) => ({
    run: async () => (await convTransposeReferenceParallel(geometry, tensors, { withBounds: false })).output,
    inLayerLayout: identity,
    dispose: () => {},
  }),
};

const referenceSync: BenchImplementation = {
  key: 'reference_sync',
  name: 'reference (sync)',
  prepare: async ({ geometry, tensors }) => {
    const into = storage(geometry, false);
    return {
      run: () => convTransposeReference(geometry, tensors, { withBounds: false, into }).output,
      inLayerLayout: identity,
      dispose: () => {},
    };
  },
};

const referenceWithBounds: BenchImplementation = {
  key: 'reference_bounds',
  name: 'reference + bounds (parallel)',
  prepare: async ({ geometry, tensors }) => {
    const into = storage(geometry, true);
    return {
      run: async () => (await convTransposeReferenceParallel(geometry, tensors, { into })).output,
      inLayerLayout: identity,
      dispose: () => {},
    };
  },
};

/** ONNX/PyTorch W[C, M, k...] -> TF filter [k..., M, C] (no spatial flip). */
function toTfFilter(geometry: ConvTransposeGeometry, weight: Float32Array): Float32Array {
  const channels = geometry.inChannels;
  const outChannels = geometry.outChannels;
  const taps = weight.length / (channels * outChannels);
  const filter = new Float32Array(weight.length);
  for (let c = 0; c < channels; c++) {
    for (let m = 0; m < outChannels; m++) {
      for (let tap = 0; tap < taps; tap++) {
        filter[(tap * outChannels + m) * channels + c] = weight[(c * outChannels + m) * taps + tap]!;
      }
    }
  }
  return filter;
}

/** TF's own padding for this geometry, from the one module that knows the conventions. */
function tfjsPadding(geometry: ConvTransposeGeometry): 'same' | 'valid' | null {
  const spelling = tfSpellings(geometry).find((candidate) => candidate.expressible && candidate.tf);
  return spelling?.expressible && spelling.tf ? (spelling.tf.padding === 'SAME' ? 'same' : 'valid') : null;
}

function tfjsSupports(geometry: ConvTransposeGeometry): boolean {
  return geometry.rank >= 2 && tfjsPadding(geometry) !== null && geometry.axes.every((axis) => axis.dilation === 1);
}

/** tfjs conv{2,3}dTranspose + bias add on NHWC / NDHWC tensors. */
function tfjsForward(
  geometry: ConvTransposeGeometry,
  x: tf.Tensor,
  filter: tf.Tensor,
  bias: tf.Tensor | null,
): tf.Tensor {
  const outputShape = geometry.channelsLast
    ? [...geometry.outputShape]
    : [geometry.batch, ...geometry.axes.map((axis) => axis.outputSize), geometry.outChannels];
  const strides = geometry.axes.map((axis) => axis.stride);
  const padding = tfjsPadding(geometry)!;
  const y =
    geometry.rank === 2
      ? tf.conv2dTranspose(
          x as tf.Tensor4D,
          filter as tf.Tensor4D,
          outputShape as [number, number, number, number],
          strides as [number, number],
          padding,
        )
      : tf.conv3dTranspose(
          x as tf.Tensor5D,
          filter as tf.Tensor5D,
          outputShape as [number, number, number, number, number],
          strides as [number, number, number],
          padding,
        );
  return bias === null ? y : tf.add(y, bias);
}

const tfjsCpu: BenchImplementation = {
  key: 'tfjs_cpu',
  name: 'tfjs-backend-cpu',
  setup: async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  },
  prepare: async ({ geometry, tensors }) => {
    if (!tfjsSupports(geometry)) return null;
    const { batch, inChannels, outChannels } = geometry;
    const inputLast = geometry.channelsLast ? tensors.input : channelsFirstToLast(tensors.input, batch, inChannels);
    const inputShape = [batch, ...geometry.axes.map((axis) => axis.inputSize), inChannels];
    const filterShape = [...geometry.axes.map((axis) => axis.kernelSize), outChannels, inChannels];
    const x = tf.tensor(inputLast, inputShape, 'float32');
    const filter = tf.tensor(toTfFilter(geometry, tensors.weight), filterShape, 'float32');
    const bias = tensors.bias === null ? null : tf.tensor1d(tensors.bias, 'float32');
    return {
      // Runner entries in this process (tfjs-node) switch the tfjs backend.
      before: async () => {
        if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
      },
      run: () => {
        const y = tf.tidy(() => tfjsForward(geometry, x, filter, bias));
        const data = y.dataSync() as Float32Array;
        y.dispose();
        return data;
      },
      inLayerLayout: (output) => (geometry.channelsLast ? output : channelsLastToFirst(output, batch, outChannels)),
      dispose: () => tf.dispose([x, filter, ...(bias === null ? [] : [bias])]),
    };
  },
};

/** The baseline every ratio is taken against. */
export const BASELINE_KEY = 'tfjs_cpu';

/** Further peers the reference entries are compared with: <reference key>_vs_<peer>_<layer>. */
export const PEER_KEYS: readonly string[] = ['torch_f64'];

/** The entries that are the native reference (compared with every peer). */
export const REFERENCE_KEYS: readonly string[] = ['reference', 'reference_fresh', 'reference_sync', 'reference_bounds'];

export const BENCH_IMPLEMENTATIONS: readonly BenchImplementation[] = [
  referenceParallel,
  referenceFreshOutput,
  referenceSync,
  referenceWithBounds,
  tfjsCpu,
  torchFloat64,
  ...RUNNER_IMPLEMENTATIONS,
];
