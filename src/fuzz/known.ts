/**
 * Known runner divergences as predicates over the geometry: the fuzzer's counterpart of the
 * `expected:` entries in cases/**\/*.yaml and the pinned DIVERGENCES of
 * test/runner-onnxruntime.test.ts. A fuzz case whose runner variant fails with the listed status
 * while `when(geometry)` holds is counted as a known divergence, not reported as a new finding.
 *
 * ONNX Runtime variants are ONNX spellings of the geometry (spellings.ts); the predicates read the
 * attributes of the variant's spelling (its output_padding in particular, which the spelling
 * search may choose differently from the case's), so they say exactly when ORT sees the
 * configuration the divergence is about.
 */
import type { ExpectedDivergence } from '../case/types.js';
import type { RunnerName } from '../case/schema.js';
import { onnxSpellings, type OnnxAttributes } from '../geometry/spellings.js';
import type { ConvTransposeGeometry } from '../geometry/types.js';
import { finalStatus, type Verdict } from '../run/status.js';

export interface KnownDivergence {
  /** Short stable name, for counting and reports. */
  readonly id: string;
  readonly runner: RunnerName;
  /** The variant it applies to; all variants when absent. */
  readonly variant?: string;
  readonly status: ExpectedDivergence['status'];
  readonly when: (geometry: ConvTransposeGeometry) => boolean;
  readonly reason: string;
  readonly link: string;
}

/** The ONNX attributes of a variant (an ONNX spelling's form), or null when it has none. */
export function onnxAttributesOf(geometry: ConvTransposeGeometry, variant: string): OnnxAttributes | null {
  for (const spelling of onnxSpellings(geometry)) {
    if (spelling.expressible && spelling.form === variant && spelling.onnx) return spelling.onnx;
  }
  return null;
}

const outputPaddingOf = (attributes: OnnxAttributes, axis: number): number => attributes.output_padding?.[axis] ?? 0;

/** A predicate on the ONNX attributes ORT receives for `variant`. */
function onAttributes(
  variant: string,
  test: (attributes: OnnxAttributes, geometry: ConvTransposeGeometry) => boolean,
): (geometry: ConvTransposeGeometry) => boolean {
  return (geometry) => {
    const attributes = onnxAttributesOf(geometry, variant);
    return attributes !== null && test(attributes, geometry);
  };
}

/** Every variant name the onnxruntime runner can plan (spellings.ts forms). */
export const ORT_VARIANTS = [
  'pads',
  'auto_pad=SAME_UPPER',
  'auto_pad=SAME_LOWER',
  'auto_pad=VALID',
  'output_shape',
  'output_shape+SAME_UPPER',
] as const;

const ORT_AUTO_PAD_LINK =
  'https://github.com/onnx/onnx/blob/main/docs/Operators.md#ConvTranspose (auto_pad); https://github.com/microsoft/onnxruntime/blob/main/onnxruntime/core/providers/cpu/nn/conv_transpose_attributes.h';
const ORT_OUTPUT_SHAPE_LINK = 'https://github.com/microsoft/onnxruntime/pull/29446';
const ORT_OUTPUT_PADDING_LINK =
  'https://github.com/onnx/onnx/blob/main/docs/Operators.md#ConvTranspose (output_padding); https://github.com/onnx/onnx/pull/2343; https://github.com/microsoft/onnxruntime/pull/29446';

/** ONNX Runtime 1.30, native and its WebAssembly build: the same CPU kernels, the same divergences. */
type OrtRunner = 'onnxruntime' | 'onnxruntime-web';
export const ORT_RUNNERS: readonly OrtRunner[] = ['onnxruntime', 'onnxruntime-web'];

const autoPadShort = (runner: OrtRunner, variant: 'auto_pad=SAME_UPPER' | 'auto_pad=SAME_LOWER'): KnownDivergence => ({
  id: 'ort-auto-pad-same-short',
  runner,
  variant,
  status: 'mismatch',
  // ORT returns min(i*s, full + op) = full + op < i*s exactly when k_eff + op < s.
  when: onAttributes(variant, (attributes, geometry) =>
    geometry.axes.some((axis, index) => axis.effectiveKernelSize + outputPaddingOf(attributes, index) < axis.stride),
  ),
  reason:
    'ONNX auto_pad SAME_* gives o = i*s; when k_eff + output_padding < stride that is past full + output_padding, and ORT 1.30 clamps the total padding at 0 (ComputeTotalPad) and returns min(i*s, full + output_padding) elements (one or more short; the elements it returns equal the reference). Recorded in cases/onnx/auto-pad.yaml (same-upper-kernel-below-stride, ...), cases/tf/same.yaml, cases/tf/valid.yaml.',
  link: ORT_AUTO_PAD_LINK,
});

const outputShapePastStride = (
  runner: OrtRunner,
  variant: 'output_shape' | 'output_shape+SAME_UPPER',
): KnownDivergence => ({
  id: 'ort-output-shape-ge-full-plus-stride',
  runner,
  variant,
  status: 'error',
  when: onAttributes(variant, (_attributes, geometry) =>
    geometry.axes.some((axis) => axis.outputSize >= axis.fullSize + axis.stride),
  ),
  reason:
    'An ONNX output_shape past full + output_padding has a negative total padding (outside the spec; tconv reads zeros plus bias). ORT 1.30 accepts it only up to full + s - 1 and rejects every output_shape >= full + s, ignoring output_padding ("Explicit output_shape is inconsistent with input spatial dimensions and convolution parameters"). Recorded in cases/onnx/output-shape.yaml (notset-larger-by-stride, output-padding-larger-by-stride, ...).',
  link: ORT_OUTPUT_SHAPE_LINK,
});

const outputPaddingGeStride = (runner: OrtRunner, variant: string): KnownDivergence => ({
  id: 'ort-output-padding-ge-stride',
  runner,
  variant,
  status: 'error',
  when: onAttributes(variant, (attributes, geometry) =>
    geometry.axes.some((axis, index) => outputPaddingOf(attributes, index) >= axis.stride),
  ),
  reason:
    'ONNX (and PyTorch) allow output_padding < stride OR < dilation; ORT 1.30 requires output_padding < stride and rejects a spelling carrying output_padding >= stride (< dilation) at run time ("output_padding (1) may be too large for stride (1)", or "Explicit output_shape is inconsistent ..."). Recorded in cases/onnx/pads.yaml (output-padding-ge-stride-lt-dilation*) and cases/torch/padding.yaml (op-ge-stride-lt-dilation*).',
  link: ORT_OUTPUT_PADDING_LINK,
});

type TfjsRunner = 'tfjs-cpu' | 'tfjs-wasm';
const TFJS_RUNNERS: readonly TfjsRunner[] = ['tfjs-cpu', 'tfjs-wasm'];

/** tfjs conv_util: a numeric pad's width is computed from the kernel and stride HEIGHT. */
const tfjsNumericPadRectangular = (runner: TfjsRunner): KnownDivergence => ({
  id: 'tfjs-numeric-pad-uses-height',
  runner,
  variant: 'numeric-pad',
  status: 'mismatch',
  when: (geometry) => {
    const [height, width] = geometry.axes.slice(-2);
    return !!height && !!width && (height.kernelSize !== width.kernelSize || height.stride !== width.stride);
  },
  reason:
    "tfjs conv_util getPadAndOutInfo computes a numeric pad's output width with the kernel height and stride height; recorded in cases/torch/padding.yaml (output-size-rect-max-bias, output-size-mixed).",
  link: 'https://github.com/tensorflow/tfjs/issues/649',
});

/** tfjs conv_util get3DPadAndOutInfo: SAME padding without max(0, ...) when the output passes full. */
const tfjs3dSamePastFull = (runner: TfjsRunner): KnownDivergence => ({
  id: 'tfjs-3d-same-negative-pad',
  runner,
  variant: 'same',
  status: 'mismatch',
  when: (geometry) => geometry.rank === 3 && geometry.axes.some((axis) => axis.outputSize > axis.fullSize),
  reason:
    "tfjs's 3-D SAME padding lacks TF's max(0, ...), so an output past the full size shifts by one; recorded in cases/tf/same.yaml (3d-stride-gt-kernel-past-full).",
  link: 'https://github.com/tensorflow/tfjs/blob/tfjs-v4.22.0/tfjs-core/src/ops/conv_util.ts',
});

/** tfjs-backend-wasm's conv3dTranspose kernel has wrong loop bounds. */
const tfjsWasmConv3d: KnownDivergence = {
  id: 'tfjs-wasm-conv3d-bounds',
  runner: 'tfjs-wasm',
  status: 'mismatch',
  when: (geometry) => geometry.rank === 3,
  reason:
    "tfjs-backend-wasm 4.22's conv3dTranspose kernel (conv3d_impl.h) has wrong depth/row/column loop bounds; recorded on every bundled 3-D case.",
  link: 'https://github.com/tensorflow/tfjs/blob/tfjs-v4.22.0/tfjs-backend-wasm/src/cc/conv3d_impl.h',
};

/**
 * The divergences recorded for the bundled runners: ONNX Runtime 1.30 (cases/**, native) and its
 * web build (pinned in test/runner-onnxruntime-web.test.ts), and the tfjs backends. tfjs-node has
 * none that a finite, normal-range fuzz case can reach (its DAZ / Inf-weight divergences need
 * subnormal or infinite data).
 */
export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [
  ...TFJS_RUNNERS.flatMap((runner) => [tfjsNumericPadRectangular(runner), tfjs3dSamePastFull(runner)]),
  tfjsWasmConv3d,
  ...ORT_RUNNERS.flatMap((runner) => [
    autoPadShort(runner, 'auto_pad=SAME_UPPER'),
    autoPadShort(runner, 'auto_pad=SAME_LOWER'),
    outputShapePastStride(runner, 'output_shape'),
    outputShapePastStride(runner, 'output_shape+SAME_UPPER'),
    ...ORT_VARIANTS.map((variant) => outputPaddingGeStride(runner, variant)),
  ]),
];

/**
 * The known divergence that explains this verdict, if any: same runner, same variant (or none
 * listed), a status that matches the verdict, and the predicate holds. `listed` also returns
 * entries whose predicate holds whatever the verdict (to count predicates that no longer fire).
 */
export function findKnown(
  known: readonly KnownDivergence[],
  runner: string,
  variant: string | null,
  verdict: Verdict,
  geometry: ConvTransposeGeometry,
): KnownDivergence | undefined {
  return known.find(
    (entry) =>
      entry.runner === runner &&
      (entry.variant === undefined || entry.variant === variant) &&
      finalStatus(verdict, entry).startsWith('expected-') &&
      entry.when(geometry),
  );
}

/** Known entries whose predicate holds for a variant that passed (the predicate is too wide). */
export function knownButPassed(
  known: readonly KnownDivergence[],
  runner: string,
  variant: string | null,
  geometry: ConvTransposeGeometry,
): KnownDivergence | undefined {
  return known.find(
    (entry) =>
      entry.runner === runner && (entry.variant === undefined || entry.variant === variant) && entry.when(geometry),
  );
}
