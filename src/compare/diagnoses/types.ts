/**
 * The shared shape of every diagnosis: what it is given, what it tests against, what it returns.
 * Each diagnosis is one `DiagnosisStep` (registry.ts lists them in the order they are tried).
 */
import type { ConvTransposeGeometry } from '../../geometry/types.js';
import type { SpecialValues } from '../../reference/special.js';
import type { CaseTensors } from '../../tensor.js';
import type { OutputIndexer } from '../coords.js';
import type { Tolerance } from '../tolerance.js';
import type { ComparisonSubject, Explanation, ExplanationKind, LocationSummary, TriedHypothesis } from '../types.js';

export interface ReferenceValues {
  readonly output: Float64Array;
  readonly termCount: Uint32Array;
  readonly absSum: Float64Array;
  /** The element classes of a case with special values (reference/special.ts `withSpecialValues`). */
  readonly special?: SpecialValues;
}

export interface DiagnosisInput {
  readonly actual: ArrayLike<number>;
  readonly reference: ReferenceValues;
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  readonly tolerance: Tolerance;
  readonly nanEqual: boolean;
  /** 1 where the output is not close to the reference. */
  readonly mismatchMask: Uint8Array;
  readonly indexer: OutputIndexer;
  /** Skip the hypotheses, describe only where the mismatches are (non-finite mismatches). */
  readonly locationOnly?: boolean;
  /** Largest single-axis beginCrop offset tried (default 3). */
  readonly maxShift?: number;
  /** What `actual` is (default 'runner'): the diagnosis explains it, in words naming it. */
  readonly subject?: ComparisonSubject;
}

/** The absolute difference allowed at one element of a candidate expectation. */
export type Allowed = (expected: number, index: number) => number;

/** A candidate expectation with its own float32 budget (auto tolerance needs per-element bounds). */
export interface Candidate {
  readonly output: ArrayLike<number>;
  readonly termCount: ArrayLike<number>;
  readonly absSum: ArrayLike<number>;
}

/** One transformation to test: the expectation it implies, and the words if it fits. */
export interface Hypothesis {
  readonly kind: Explanation['kind'];
  readonly axis?: string;
  readonly label: string;
  /** Returns null when the hypothesis does not apply (identity or impossible for this geometry). */
  readonly candidate: () => Candidate | null;
  readonly detail: string;
}

export interface DiagnosisContext {
  readonly input: DiagnosisInput;
  /** Where the mismatches are (computed once, before any step runs). */
  readonly location: LocationSummary;
}

/** What one step found: the hypotheses it tested, in order, and its explanation if one fits. */
export interface Finding {
  readonly tried: readonly TriedHypothesis[];
  readonly explanation: Explanation | null;
}

/** One diagnosis (or a family of closely related ones). Returns data, never throws. */
export interface DiagnosisStep {
  readonly name: string;
  /** The explanation kinds this step can name. */
  readonly kinds: readonly ExplanationKind[];
  explain(context: DiagnosisContext): Finding;
}
