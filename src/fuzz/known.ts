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
import type { ExplanationKind } from '../compare/types.js';
import { diagnosisMatches, SPECIAL_VALUE_KNOWN } from './known/special.js';
import { backendKernel, kernelDiverges, tfjsAxes, tfjsDiverges } from './known/tfjs.js';

export interface KnownDivergence {
  /** Short stable name, for counting and reports. */
  readonly id: string;
  readonly runner: RunnerName;
  /** The variant it applies to; all variants when absent. */
  readonly variant?: string;
  readonly status: ExpectedDivergence['status'];
  readonly when: (geometry: ConvTransposeGeometry) => boolean;
  /**
   * For divergences that depend on the data (special values): the diagnosis kinds that name it;
   * the entry applies only to a failure diagnosed as one of them (known/special.ts).
   */
  readonly diagnoses?: readonly ExplanationKind[];
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
const backendOf = (runner: TfjsRunner): 'cpu' | 'wasm' => (runner === 'tfjs-cpu' ? 'cpu' : 'wasm');

/**
 * tfjs conv_util: a numeric pad's width is computed from the kernel and stride HEIGHT.
 *
 * getPadAndOutInfo passes computeOutputShape2D only (filterHeight, strideHeight), so for
 * tf.conv2dTranspose(x, w, [N, o_h, o_w, M], [s_h, s_w], p) tfjs reads
 * outWidth = trunc((o_w + 2p - k_h) / s_h + 1) columns of x instead of
 * trunc((o_w + 2p - k_w) / s_w + 1) = i_w (the planner only spells a numeric pad whose correct
 * read is i_w; the height is computed right). Both backends' kernels (CPU, and wasm's 2-D kernel,
 * which has the CPU's bounds) then drop x's columns from outWidth on (outWidth < i_w) or read
 * columns past x, i.e. the next row's or none (outWidth > i_w). The output changes exactly when
 * outWidth != i_w AND such a column carries a real (non-inserted-zero) tap to a kept output
 * column: known/tfjs.ts computes outWidth as tfjs does and compares the kernel's terms with the
 * geometry's. (k_h == k_w and s_h == s_w gives outWidth = i_w; so do many rectangular kernels.)
 */
const tfjsNumericPadRectangular = (runner: TfjsRunner): KnownDivergence => ({
  id: 'tfjs-numeric-pad-uses-height',
  runner,
  variant: 'numeric-pad',
  status: 'mismatch',
  when: (geometry) => tfjsDiverges(geometry, 'numeric-pad', backendOf(runner)),
  reason:
    "tfjs conv_util getPadAndOutInfo computes a numeric pad's output width with the kernel height and stride height (outWidth = trunc((o_w + 2p - k_h) / s_h + 1)); when that is not the input width, the kernel drops or over-reads input columns, and the output differs when such a column reaches a kept output column. Recorded in cases/torch/padding.yaml (output-size-rect-max-bias, output-size-mixed).",
  link: 'https://github.com/tensorflow/tfjs/issues/649',
});

/**
 * tfjs conv_util get3DPadAndOutInfo: SAME padding without max(0, ...) when the output passes full.
 *
 * For 'same' it computes padAlong = (ceil(o/s) - 1) * s + k - o = full - o per axis (the planner
 * only spells 'same' when ceil(o/s) = i) and front/top/left = floor(padAlong / 2), where TF (and
 * tfjs's 2-D getPadAndOutInfo) take max(0, padAlong): so the pad is wrong exactly when o > full on
 * some axis, where it is floor((full - o) / 2) <= -1 instead of 0 and the output is full shifted
 * towards the end. The shift shows: output[0] should hold full[0], which has the term x[0] * w[0]
 * (tap 0 is never an inserted zero), and gets full[pad] = 0; unless every element is bias only on
 * both sides anyway, because on another axis the output window holds only inserted dilation zeros
 * (e.g. k 2, d 3, i 1, begin 1, o 2: taps 1 and 2). The predicate is that exactly: tfjs's pad
 * differs from the begin crop (o > full on some axis) and the exact kernel (tfjs-cpu's bounds) with
 * tfjs's pads differs from the geometry (known/tfjs.ts). A tfjs-cpu run that passes anyway has data
 * zeros (the integer distribution's small tensors), which a geometry predicate cannot see. On
 * tfjs-wasm the kernel's own bounds bug (below) comes on top, so there it also requires the wasm
 * kernel, given tfjs's pads, to differ.
 */
const tfjs3dSamePastFull = (runner: TfjsRunner): KnownDivergence => ({
  id: 'tfjs-3d-same-negative-pad',
  runner,
  variant: 'same',
  status: 'mismatch',
  when: (geometry) => {
    if (geometry.rank !== 3) return false;
    const call = tfjsAxes(geometry, 'same');
    if (!call || call.axes.every((axis) => axis.pad === axis.beginCrop)) return false;
    return (
      kernelDiverges(call.axes, backendKernel('cpu', call.op)) &&
      (runner === 'tfjs-cpu' || tfjsDiverges(geometry, 'same', 'wasm'))
    );
  },
  reason:
    "tfjs's 3-D SAME padding (get3DPadAndOutInfo) lacks TF's max(0, ...): when the output passes the full size the begin pad is floor((full - o) / 2) < 0 instead of 0, and the output shifts by that much; recorded in cases/tf/same.yaml (3d-stride-gt-kernel-past-full).",
  link: 'https://github.com/tensorflow/tfjs/blob/tfjs-v4.22.0/tfjs-core/src/ops/conv_util.ts',
});

/**
 * tfjs-backend-wasm's conv3dTranspose kernel has wrong loop bounds (conv3d_impl.h,
 * NDHWCConv3DBackpropInputV2Impl). With corner = q - (k - 1 - pad) for output position q and C's
 * truncating division, it sums x rows y in [max(0, DivCeil(corner, s)), hi) where
 * hi = min(i, DivFloor(k, s)) along depth and min(i, DivFloor(k + corner, s)) along height and
 * width; the right range is [max(0, ceil(corner / s)), min(i, ceil((k + corner) / s))). So a
 * position can be wrong where corner is in (-s, 0) (DivCeil gives 1: input 0 is lost), where
 * k + corner is not a multiple of s (rows/columns: the last input is lost), and along depth
 * wherever DivFloor(k, s) is not the right bound (inputs lost, or taps past the filter read from
 * the memory before it); a lost term may also be one of the zeros tconv inserts for dilation
 * (then nothing changes). The output differs when a wrong position meets, on the other axes,
 * positions with terms (an element with an empty factor on both sides stays bias only).
 * known/tfjs.ts builds the call as the runner plans it (crop, dilation zeros), takes the pads
 * conv_util gives (for 'same' past full the wrong ones above), and compares the kernel's terms
 * with the geometry's per output position. The one thing it cannot know is the heap: a tap read
 * from before the filter counts as a difference, and it is, except when that memory holds zeros
 * (e.g. golden/keras/keras-3d-17-same, which passes): the few "held but passed" left.
 */
const tfjsWasmConv3d = (variant: 'same' | 'valid' | 'valid+crop'): KnownDivergence => ({
  id: 'tfjs-wasm-conv3d-bounds',
  runner: 'tfjs-wasm',
  variant,
  status: 'mismatch',
  when: (geometry) => geometry.rank === 3 && tfjsDiverges(geometry, variant, 'wasm'),
  reason:
    "tfjs-backend-wasm 4.22's conv3dTranspose kernel (conv3d_impl.h) has wrong depth/row/column loop bounds: the depth bound DivFloor(k, s) lacks the corner offset, rows/columns stop at DivFloor(k + corner, s) (the last tap is dropped when there is a remainder), and DivCeil gives 1 for corners in (-s, 0); recorded on the bundled 3-D cases.",
  link: 'https://github.com/tensorflow/tfjs/blob/tfjs-v4.22.0/tfjs-backend-wasm/src/cc/conv3d_impl.h',
});

/**
 * The divergences recorded for the bundled runners: ONNX Runtime 1.30 (cases/**, native) and its
 * web build (pinned in test/runner-onnxruntime-web.test.ts), and the tfjs backends. tfjs-node has
 * none that a finite, normal-range fuzz case can reach (its DAZ / Inf-weight divergences need
 * subnormal or infinite data).
 */
export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [
  ...TFJS_RUNNERS.flatMap((runner) => [tfjsNumericPadRectangular(runner), tfjs3dSamePastFull(runner)]),
  ...(['same', 'valid', 'valid+crop'] as const).map(tfjsWasmConv3d),
  ...ORT_RUNNERS.flatMap((runner) => [
    autoPadShort(runner, 'auto_pad=SAME_UPPER'),
    autoPadShort(runner, 'auto_pad=SAME_LOWER'),
    outputShapePastStride(runner, 'output_shape'),
    outputShapePastStride(runner, 'output_shape+SAME_UPPER'),
    ...ORT_VARIANTS.map((variant) => outputPaddingGeStride(runner, variant)),
  ]),
  ...SPECIAL_VALUE_KNOWN,
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
  diagnosis: ExplanationKind | null = null,
): KnownDivergence | undefined {
  return known.find(
    (entry) =>
      entry.runner === runner &&
      (entry.variant === undefined || entry.variant === variant) &&
      finalStatus(verdict, entry).startsWith('expected-') &&
      diagnosisMatches(entry, diagnosis) &&
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
  // Data-dependent entries (a diagnosis) cannot be too wide: a pass only means other data.
  return known.find(
    (entry) =>
      entry.runner === runner &&
      (entry.variant === undefined || entry.variant === variant) &&
      entry.diagnoses === undefined &&
      entry.when(geometry),
  );
}
