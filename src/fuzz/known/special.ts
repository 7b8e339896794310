/**
 * Known divergences on special values (`fuzz --special`). They depend on the data, not on the
 * geometry alone, so each is recognised by the diagnosis that names it: a variant that fails with
 * that diagnosis (and the listed status) is known; any other failure on the same case is new.
 * Recorded on the bundled cases in cases/special/ (cases/README.md explains each).
 */
import type { ExplanationKind } from '../../compare/types.js';
import type { KnownDivergence } from '../known.js';

/**
 * tfjs-node runs TensorFlow's kernels in thread pools that set the CPU's flush-to-zero and
 * denormals-are-zero modes (port::ScopedFlushDenormal), so subnormal inputs, weights and bias
 * read as zero; IEEE 754 keeps them (gradual underflow).
 */
const tfjsNodeDaz: KnownDivergence = {
  id: 'tfjs-node-subnormals-flushed',
  runner: 'tfjs-node',
  status: 'mismatch',
  when: () => true,
  diagnoses: ['subnormal-flushed'],
  reason:
    "TensorFlow's CPU thread pools run with flush-to-zero / denormals-are-zero (port::ScopedFlushDenormal): subnormal operands read as 0, so products of a subnormal and a large value vanish; IEEE 754 keeps subnormals (gradual underflow). Diagnosed 'subnormal inputs flushed to zero'; recorded in cases/special/zeros-subnormals.yaml.",
  link: 'https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/platform/denormal.h',
};

/**
 * The tfjs runners emulate dilation (TensorFlow.js and tfjs-node's conv2d_transpose have none) by
 * dilating the kernel with inserted zeros; an infinite or NaN input under such a zero gives
 * 0 * Inf = NaN (IEEE 754 7.2), a product the definition does not form.
 */
const dilatedKernelEmulation = (runner: 'tfjs-node' | 'tfjs-cpu' | 'tfjs-wasm'): KnownDivergence => ({
  id: 'tfjs-dilated-kernel-emulation-nan',
  runner,
  status: 'mismatch',
  when: (geometry) => geometry.axes.some((axis) => axis.dilation > 1),
  diagnoses: ['inserted-zero-nan'],
  reason:
    "tconv's tfjs runners emulate dilation with a zero-dilated kernel (a labelled emulation: TF's conv2d_transpose has no dilations); an infinite or NaN input meeting an inserted kernel zero gives 0 * Inf = NaN (IEEE 754 7.2), where the definition forms no product. Diagnosed 'Inf * 0 produced NaN at zero-inserted kernel positions'; recorded in cases/special/generated.yaml.",
  link: 'https://www.tensorflow.org/api_docs/python/tf/nn/conv2d_transpose',
});

/**
 * tfjs-node's 3-D path, TensorFlow 2.21's CPU Conv3DBackpropInputV2 (Conv3DCustomBackpropInputOp),
 * runs GEMM + col2im (real products only) unless its col buffer would exceed 25 times the tensors;
 * then it falls back on Eigen's CuboidConvolutionBackwardInput, a dense correlation over the
 * zero-inserted input padded up to the output size. The buffer is sized for shard_size images,
 * ceil((L3 / 4) / work unit) when the batch is > 1, so a batch of small tensors always falls back;
 * with batch 1, only large kernels at stride 1 do (e.g. 10^3 input, 5^3 kernel). The dense path
 * multiplies inserted, padding and past-full zeros by NaN / infinite taps, and tconv's zero-dilated
 * kernel's zeros by infinite inputs: 0 * Inf = NaN. Which path runs depends on the L3 size, so the
 * entry holds for any 3-D geometry and the diagnosis decides: the output must be the reference
 * with NaN exactly where that dense formulation meets a zero with a non-finite value
 * (diagnoses/dense-zeros.ts). Recorded in cases/special/dense-3d.yaml and generated.yaml.
 */
const tfjsNode3dInsertedZeros: KnownDivergence = {
  id: 'tfjs-node-3d-inserted-zero-nan',
  runner: 'tfjs-node',
  status: 'mismatch',
  when: (geometry) => geometry.rank === 3,
  diagnoses: ['inserted-zero-nan'],
  reason:
    "TensorFlow's conv3d_transpose (Conv3DBackpropInputV2) falls back from GEMM + col2im to Eigen's dense CuboidConvolutionBackwardInput when its col buffer would exceed 25x the tensors (any batch > 1 of small tensors; batch 1 with large stride-1 kernels): a correlation over the zero-inserted input padded up to the output size, which multiplies inserted, padding and past-full zeros by NaN / Inf weights (0 * Inf = NaN, IEEE 754 7.2) where the definition forms no product. Diagnosed 'Inf * 0 produced NaN at zero-inserted positions'; recorded in cases/special/dense-3d.yaml.",
  link: 'https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/kernels/conv_grad_input_ops_3d.cc',
};

export const SPECIAL_VALUE_KNOWN: readonly KnownDivergence[] = [
  tfjsNodeDaz,
  tfjsNode3dInsertedZeros,
  ...(['tfjs-node', 'tfjs-cpu', 'tfjs-wasm'] as const).map(dilatedKernelEmulation),
];

/** Whether an entry that needs a diagnosis applies to a failure diagnosed as `kind`. */
export function diagnosisMatches(entry: KnownDivergence, kind: ExplanationKind | null): boolean {
  return entry.diagnoses === undefined || (kind !== null && entry.diagnoses.includes(kind));
}
