/**
 * The comparator's result types. A `Comparison` is plain data: JSON-serialisable (no typed arrays,
 * no `undefined` values, non-finite numbers encoded as `JsonNumber` strings), so reporters
 * (console, JSON, JUnit, HTML) render from it and `JSON.parse(JSON.stringify(c))` deep-equals `c`.
 *
 * Conventions used throughout:
 * - "expected" is the float64 reference output, "actual" is the output under test: a runner's, or
 *   the case's documented `expect` (`subject` says which, and reports label the sides by it).
 * - Flat indices are into the output in the geometry's layout (row-major).
 * - `coordinates` are in the LAYOUT's order: (n, c, h, w) for NCHW, (n, h, w, c) for NHWC;
 *   `named` gives the same position by name ({ n, c, d?, h?, w }).
 * - Axis names are 'D', 'H', 'W' (a rank-1 problem has only 'W', rank 2 'H' and 'W').
 */
import type { LayoutName } from '../geometry/types.js';
import type { NamedCoordinates } from './coords.js';
import type { JsonNumber } from './json.js';

export type { JsonNumber, NonFiniteName } from './json.js';
export type { NamedCoordinates } from './coords.js';

/**
 * Same values as `Verdict` in src/run/status.ts: what the comparison says before known divergences
 * are applied. Shape and non-finite failures are 'mismatch' (see `stage` for which);
 * an internal failure of the comparator is 'error'.
 */
export type ComparisonVerdict = 'pass' | 'mismatch' | 'unsupported' | 'error' | 'crashed' | 'timeout';

/**
 * The stage that decided the verdict, in the order they run:
 * outcome (the runner did not produce an output) -> shape -> non-finite -> values.
 * 'internal' means the comparator itself failed (it never throws; the message says why).
 */
export type ComparisonStage = 'outcome' | 'shape' | 'non-finite' | 'values' | 'internal';

/** The tolerance as applied, in plain data. */
export interface ToleranceReport {
  readonly kind: 'auto' | 'absRel' | 'ulp';
  /** absRel only. */
  readonly atol?: JsonNumber;
  /** absRel only. */
  readonly rtol?: JsonNumber;
  /** ulp only. */
  readonly ulp?: JsonNumber;
  /** Whether a NaN in the output matches a NaN in the reference. */
  readonly nanEqual: boolean;
  /** Human-readable, e.g. "auto (float32 error bound from the reference)". */
  readonly description: string;
}

/**
 * What the comparison holds against the reference: a runner's output, or the case's documented
 * `expect` (pasted from another framework). Reports name the "actual" side by it.
 */
export type ComparisonSubject = 'runner' | 'expect';

interface ComparisonBase {
  /** Bumped when a field changes meaning. */
  readonly schemaVersion: 1;
  /** The side under test (absent in reports written before it existed: 'runner'). */
  readonly subject?: ComparisonSubject;
  readonly verdict: ComparisonVerdict;
  readonly stage: ComparisonStage;
  /** verdict === 'pass'. */
  readonly passed: boolean;
  /** The case's layout; the output is expected in it. */
  readonly layout: LayoutName;
  /** The reference output shape, in `layout` order. */
  readonly expectedShape: number[];
  readonly tolerance: ToleranceReport;
}

/** The runner produced no output. */
export interface OutcomeComparison extends ComparisonBase {
  readonly stage: 'outcome';
  readonly verdict: 'unsupported' | 'error' | 'crashed' | 'timeout';
  /** One line: the unsupported reason, the framework's error, the crash signal and last stderr line, or the timeout. */
  readonly message: string;
  /** crashed: the signal (or abort reason) the runner reported. */
  readonly signal?: string;
  /** crashed: the runner's last stderr lines. */
  readonly stderrTail?: string;
  /** timeout: the limit that was hit. */
  readonly timeoutMs?: number;
}

export type ShapeCauseKind =
  /** Different number of dimensions. */
  | 'rank'
  /** The actual shape is the expected one in the other layout (NCHW <-> NHWC). */
  | 'layout'
  /** Same dimensions in another order (not the other layout). */
  | 'permuted'
  | 'batch'
  /** Output channel count differs (group / out_channels / weight layout). */
  | 'channels'
  /** A spatial size differs (padding / output_padding / output_shape conventions). */
  | 'spatial'
  /** The shape is right but the flat data has another element count. */
  | 'length';

export interface ShapeCause {
  readonly kind: ShapeCauseKind;
  /** 'N', 'C', 'D', 'H' or 'W' for the per-dimension kinds. */
  readonly axis?: string;
  readonly expected?: number;
  readonly actual?: number;
  /** actual - expected, for batch / channels / spatial. */
  readonly delta?: number;
  /** The likely cause, in words. */
  readonly detail: string;
  /** Where `detail` lists several explanations: the first (most specific) one alone, for one-line summaries. */
  readonly brief?: string;
}

/** The output has the wrong shape (values are not compared). */
export interface ShapeComparison extends ComparisonBase {
  readonly stage: 'shape';
  readonly verdict: 'mismatch';
  readonly actualShape: number[];
  /** Elements in the runner's flat output. */
  readonly actualElements: number;
  readonly expectedElements: number;
  /** Likely causes, most specific first (at least one). */
  readonly causes: ShapeCause[];
}

/** One output element, with both values and its errors. */
export interface ElementReport {
  /** Flat index into the output (layout order). */
  readonly index: number;
  /** Layout-order coordinates, e.g. [n, c, h, w] for NCHW. */
  readonly coordinates: number[];
  readonly named: NamedCoordinates;
  readonly actual: JsonNumber;
  readonly expected: JsonNumber;
  /** |actual - expected| */
  readonly absDiff: JsonNumber;
  /** |actual - expected| / |expected| ('Infinity' when expected is 0 and they differ). */
  readonly relDiff: JsonNumber;
  /** |actual - expected| / (float32 spacing at expected): the measure the `ulp` tolerance uses. */
  readonly ulpDiff: JsonNumber;
  /** The absolute difference the tolerance allows at this element. */
  readonly allowed: JsonNumber;
  readonly close: boolean;
}

/** Elements with lower < error <= upper (the first bucket of each histogram is exactly 0). */
export interface HistogramBucket {
  readonly label: string;
  readonly lower: JsonNumber;
  readonly upper: JsonNumber;
  readonly count: number;
}

/** Smallest tolerances of each kind under which every element would have been close. */
export interface WouldPass {
  /** Smallest atol with rtol 0 (= the greatest absolute difference); null if none would (non-finite mismatches). */
  readonly atol: number | null;
  /** Smallest rtol with atol 0; null if none would (an expected 0 with a nonzero actual, or non-finite mismatches). */
  readonly rtol: number | null;
  /** Smallest `ulp` tolerance (greatest ulpDiff); null if none would. */
  readonly ulp: number | null;
}

/**
 * Value statistics. Errors (mean, median, max, histograms, greatest differences, wouldPass) are over
 * the `compared` elements where both values are finite; non-finite elements are counted in
 * `NonFiniteSummary` and in `mismatched`.
 */
export interface ValueStatistics {
  readonly total: number;
  /** Elements that are not close (non-finite mismatches included). */
  readonly mismatched: number;
  /** mismatched / total, in [0, 1] (0 when total is 0). */
  readonly mismatchedFraction: number;
  /** Elements where both values are finite. */
  readonly compared: number;
  /** The element with the greatest |actual - expected| (first one on ties); null when compared is 0. */
  readonly greatestAbsolute: ElementReport | null;
  /** The element with the greatest relative difference; null when compared is 0. */
  readonly greatestRelative: ElementReport | null;
  readonly absError: { readonly mean: JsonNumber; readonly median: JsonNumber; readonly max: JsonNumber };
  /**
   * ulpDiff rounded up, bucketed 0, 1, 2-4, 5-16, 17-256, >256: an element in bucket "2-4" passes
   * a `{ ulp: 4 }` tolerance.
   */
  readonly ulpHistogram: HistogramBucket[];
  /** Relative error in decades: 0, (0, 1e-8], (1e-8, 1e-7], ..., (0.1, 1], > 1 (expected 0 counts as > 1). */
  readonly relativeHistogram: HistogramBucket[];
  /**
   * The worst elements, most severe first: non-finite mismatches, then by absDiff / allowed (how many
   * times over the tolerance), then by absDiff. Present whether or not they are close.
   */
  readonly worst: ElementReport[];
  readonly wouldPass: WouldPass;
}

/** Non-finite values in the output. */
export interface NonFiniteSummary {
  /** NaN where the reference is finite. */
  readonly nan: number;
  /** +Infinity where the reference is finite. */
  readonly posInf: number;
  /** -Infinity where the reference is finite. */
  readonly negInf: number;
  /** Elements where the reference itself is non-finite (non-finite inputs). */
  readonly referenceNonFinite: number;
  /** Of those, how many the output does not match (NaN vs NaN matches only with nanEqual). */
  readonly referenceNonFiniteMismatched: number;
  /** First element of each kind (where the reference is finite), or null. */
  readonly firstNan: ElementReport | null;
  readonly firstPosInf: ElementReport | null;
  readonly firstNegInf: ElementReport | null;
  /**
   * Present when the case holds special values (reference/special.ts): each class of special-value
   * mismatch counted separately, and the order-dependent elements. Absent otherwise.
   */
  readonly special?: SpecialSummary;
}

/** Special-value classes of a comparison (NaN, infinities, signed zeros, order-dependent overflow). */
export interface SpecialSummary {
  /** Reference NaN (a NaN operand, 0 * Inf, Inf - Inf), output not NaN. */
  readonly nanLost: number;
  /** Reference +-Inf, output finite or NaN. */
  readonly infLost: number;
  /** Reference +-Inf, output the other infinity. */
  readonly infSign: number;
  /** With signed_zero: zeros of the wrong sign. */
  readonly zeroSign: number;
  /** Elements whose outcome depends on the float32 summation order (partial sums may overflow). */
  readonly orderDependent: number;
  /** Of those, how many outputs took an outcome other than the exactly rounded one (accepted). */
  readonly alternative: number;
  /** Whether zero signs were compared (`tolerance: {signed_zero: true}`). */
  readonly signedZero: boolean;
}

export type ExplanationKind =
  /** Differences within float32 rounding: the tolerance is tighter than the auto bound. */
  | 'rounding'
  /** Output shifted along one or more axes: beginCrop differs (pad split / output_padding side). */
  | 'shift'
  /** Kernel rotated 180 degrees (correlation instead of transposed convolution). */
  | 'kernel-flipped'
  /** Kernel in/out channel axes swapped ([M/group, C, k...] read as [C, M/group, k...]). */
  | 'kernel-channels-swapped'
  /** Two spatial axes transposed (of the output, the kernel or the input). */
  | 'spatial-transposed'
  /** Output (or input) data in the other layout (NCHW <-> NHWC). */
  | 'layout'
  | 'bias-missing'
  | 'bias-doubled'
  /** Rows of the input along one axis never read (a loop bound from the wrong size / stride / axis). */
  | 'input-rows-missing'
  /** Within the error bound of reduced-precision arithmetic (float16 / TF32 / bfloat16). */
  | 'reduced-precision'
  /** Subnormal operands (or outputs) read as zero: the CPU's denormals-are-zero / flush-to-zero mode. */
  | 'subnormal-flushed'
  /** NaN from Inf * 0 at zero-inserted (or padding, or dilation) positions: inserted zeros multiplied. */
  | 'inserted-zero-nan'
  /** The reference is NaN (NaN operand, Inf * 0, Inf - Inf) where the output holds a number. */
  | 'nan-not-propagated'
  /** Infinity or NaN where the sum is finite: float32 overflow in the accumulation order. */
  | 'float32-overflow'
  /** Zeros of the wrong sign (signed_zero): e.g. -0 sums turned +0 by an accumulator starting at +0. */
  | 'zero-sign'
  /** Location patterns (no transformation fits). */
  | 'border'
  /** Mismatches fill a contiguous band of indices along some axis (a wrong region). */
  | 'band'
  | 'stride-phase'
  | 'channels'
  | 'batch'
  /** No known explanation ("no known pattern"). */
  | 'none';

/** One per-axis crop change of a 'shift' explanation. */
export interface AxisShift {
  readonly axis: string;
  /** Runner's beginCrop - case's beginCrop: +1 means the output starts one row later. */
  readonly delta: number;
  readonly expectedBeginCrop: number;
  readonly actualBeginCrop: number;
}

export interface Explanation {
  readonly kind: ExplanationKind;
  /** The axis (or axes, comma-separated, e.g. 'H,W') the explanation is about. */
  readonly axis?: string;
  /** The explanation in words. */
  readonly detail: string;
  /** 'shift' only: per-axis crop changes. */
  readonly shifts?: AxisShift[];
}

/** A hypothesis the diagnosis tested, in order. */
export interface TriedHypothesis {
  readonly kind: ExplanationKind;
  readonly axis?: string;
  /** A short label, e.g. 'beginCrop H+1'. */
  readonly label: string;
  readonly fits: boolean;
  /** Elements still mismatching under it (null when rejected early, or not tried). */
  readonly mismatched: number | null;
  /**
   * Set when the hypothesis was not tested because its test could not fail on this case (e.g. an
   * error bound as large as the outputs, or a candidate the reference already fits): why.
   */
  readonly notTried?: string;
  /** Set when the output is within the hypothesis' bound but its other checks fail (fits is false): why. */
  readonly rejected?: string;
}

/** Where the mismatches are. */
export interface LocationSummary {
  readonly mismatched: number;
  /** Every mismatch is within `borderWidth` of an output edge on some axis (and some element is not). */
  readonly borderOnly: boolean;
  /** Per spatial axis (D, H, W order): max(1, k_eff - 1). */
  readonly borderWidth: number[];
  /** Mismatches in each border zone (zones overlap at corners). */
  readonly edges: { readonly axis: string; readonly side: 'start' | 'end'; readonly count: number }[];
  /**
   * Axes with stride > 1 whose mismatches all fall on a proper subset of stride phases, where the
   * phase of output index j is (j + beginCrop) mod stride.
   */
  readonly stridePhases: { readonly axis: string; readonly stride: number; readonly phases: number[] }[];
  /** Output channels with mismatches, when not all of them; else null. */
  readonly channels: number[] | null;
  /** Batch items with mismatches, when not all of them; else null. */
  readonly batches: number[] | null;
  /**
   * Spatial axes whose mismatches fill one contiguous run of output indices `from..to` (of `size`)
   * densely (at least half of the elements there), not the whole axis: a wrong region. Absent in
   * reports written before it existed.
   */
  readonly bands?: { readonly axis: string; readonly from: number; readonly to: number; readonly size: number }[];
}

export interface Diagnosis {
  /**
   * The first transformation that fits within the tolerance (shift, kernel, axes, layout, bias,
   * input rows not read) and that a correct output would not fit as well; else a location pattern
   * (border, stride-phase, channels, batch, band); else 'reduced-precision' when the error fits a
   * float16/TF32 or bfloat16 bound that is not vacuous on the case and looks like rounding; else
   * kind 'none' ("no known pattern"). Of a runner's output, or of a documented expect
   * (`Comparison.subject`), in words for that side.
   */
  readonly explanation: Explanation;
  readonly location: LocationSummary;
  readonly tried: TriedHypothesis[];
  /** One line for reports (= explanation.detail). */
  readonly summary: string;
}

/** The values were compared (shape right). */
export interface ValuesComparison extends ComparisonBase {
  /** 'non-finite' when NaN / Inf appear where the reference is finite (or non-finite values differ). */
  readonly stage: 'non-finite' | 'values';
  readonly verdict: 'pass' | 'mismatch';
  readonly statistics: ValueStatistics;
  readonly nonFinite: NonFiniteSummary;
  /** Present on mismatch; null on pass. */
  readonly diagnosis: Diagnosis | null;
}

/** The comparator failed internally (bad input or a bug); it reports instead of throwing. */
export interface InternalComparison extends ComparisonBase {
  readonly stage: 'internal';
  readonly verdict: 'error';
  readonly message: string;
}

export type Comparison = OutcomeComparison | ShapeComparison | ValuesComparison | InternalComparison;

// ------------------------------------------------------------------ runner vs runner

export interface PairAgreement {
  /** Labels; 'reference' for the reference. */
  readonly a: string;
  readonly b: string;
  readonly agree: boolean;
  readonly mismatched: number;
  readonly total: number;
  /** Over finite pairs; 'NaN' when lengths differ. */
  readonly maxAbsDiff: JsonNumber;
  /** Set when the outputs could not be compared element-wise (length differs). */
  readonly note?: string;
}

export interface RunnerAgreement {
  readonly labels: string[];
  /** Every pair: each runner vs the reference first, then runner vs runner. */
  readonly pairs: PairAgreement[];
  /** Groups of sides connected by agreement ('reference' included), largest first. */
  readonly groups: string[][];
  /**
   * The side that disagrees with every other side while the others all agree with each other: a
   * runner label, 'reference', or null (all agree, or no single odd one out).
   */
  readonly oddOneOut: string | null;
  readonly detail: string;
}
