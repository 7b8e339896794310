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
 * tfjs-node's 3-D path (TensorFlow's Conv3DBackpropInputV2) returns NaN at zero-inserted or
 * padding positions of its dense formulation when the weights hold NaN or infinities: it
 * multiplies those zeros (0 * NaN = NaN), for some shapes (stride 1 too: a 2x5x1 kernel over a
 * single input). Found by `fuzz --special`, recorded in cases/special/generated.yaml
 * (fuzz-3d-k1-stride2-nan-weight); the 2-D path, and the literal 3-D probes of nan-inf.yaml, do not.
 */
const tfjsNode3dInsertedZeros: KnownDivergence = {
  id: 'tfjs-node-3d-inserted-zero-nan',
  runner: 'tfjs-node',
  status: 'mismatch',
  when: (geometry) => geometry.rank === 3,
  diagnoses: ['inserted-zero-nan'],
  reason:
    "TensorFlow's conv3d_transpose (Conv3DBackpropInputV2) gives NaN at zero-inserted or padding positions when the weights hold NaN or Inf (for some shapes): it multiplies those zeros (0 * NaN = NaN, IEEE 754 7.2), where the definition forms no product. Diagnosed 'Inf * 0 produced NaN at zero-inserted positions'; recorded in cases/special/generated.yaml.",
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
