/**
 * Inf * 0 at zero-inserted positions. The definition of transposed convolution forms no product at
 * the zeros a dense implementation inserts between input elements (stride), pads around them, or
 * inserts between kernel taps (dilation): a scatter or a col2im sums only the real products. An
 * implementation that runs a dense stride-1 correlation over the zero-inserted, padded input
 * multiplies those zeros too, and IEEE 754 7.2 makes 0 * Inf (and 0 * NaN) a NaN (dense-zeros.ts
 * says exactly where). The hypotheses differ in which zeros are multiplied (the input's, the
 * dilated kernel's, or both, as when a dense kernel runs a zero-dilated kernel) and in whether
 * output rows past the full size are computed over trailing padding or appended.
 */
import type { TriedHypothesis } from '../types.js';
import { denseZeroNan, hasRowsPastFull, type DenseZeros } from './dense-zeros.js';
import { candidateMismatches, classMismatches, withNanAt } from './special-fit.js';
import { hasSubnormal, operandsFlushed } from './subnormal-flush.js';
import { bySubject } from './subject.js';
import type { Candidate, DiagnosisInput, DiagnosisStep, Finding } from './types.js';

interface ZeroHypothesis {
  readonly zeros: DenseZeros;
  readonly label: string;
  readonly detail: string;
}

const INPUT_DETAIL = [
  'Inf * 0 produced NaN at zero-inserted positions: the implementation multiplies the zeros it inserts between (and pads around) the input elements by the kernel (a dense correlation over the upsampled input), and 0 * Inf is NaN (IEEE 754 7.2); the definition forms no product there',
  'Inf * 0 produced NaN at zero-inserted positions: the expect was made by a dense correlation over the zero-inserted input, which multiplies inserted zeros by infinite weights',
] as const;
const KERNEL_DETAIL =
  'Inf * 0 produced NaN at zero-inserted kernel positions: the implementation dilates the kernel by inserting zeros and multiplies them by infinite inputs (0 * Inf is NaN, IEEE 754 7.2); the definition forms no product there';
const PAST_FULL_DETAIL =
  ', including the output rows past the full size, which it computes over trailing padding zeros instead of appending bias-only rows';

/** The zero sides this case can show: input zeros need a non-finite weight, kernel zeros a non-finite input and a dilation. */
function sides(input: DiagnosisInput): { zeros: Omit<DenseZeros, 'pastFull'>; label: string; detail: string }[] {
  const weightSide = input.tensors.weight.some((value) => !Number.isFinite(value));
  const kernelSide =
    input.tensors.input.some((value) => !Number.isFinite(value)) && input.geometry.axes.some((a) => a.dilation > 1);
  const inputDetail = bySubject(input, ...INPUT_DETAIL);
  return [
    ...(weightSide
      ? [
          {
            zeros: { input: true, kernel: false },
            label: 'Inf * 0 at zero-inserted input positions',
            detail: inputDetail,
          },
        ]
      : []),
    ...(kernelSide
      ? [{ zeros: { input: false, kernel: true }, label: 'Inf * 0 at dilated-kernel zeros', detail: KERNEL_DETAIL }]
      : []),
    ...(weightSide && kernelSide
      ? [
          {
            zeros: { input: true, kernel: true },
            label: 'Inf * 0 at zero-inserted input positions and dilated-kernel zeros',
            detail: `${inputDetail}; besides, ${KERNEL_DETAIL.replace(/^Inf \* 0 produced NaN at zero-inserted kernel positions: /, '')}`,
          },
        ]
      : []),
  ];
}

/** Every hypothesis: each side, with the rows past the full size computed (when there are any) or appended. */
function hypotheses(input: DiagnosisInput): ZeroHypothesis[] {
  const pastFullRows = hasRowsPastFull(input.geometry);
  return sides(input).flatMap(({ zeros, label, detail }) => [
    { zeros: { ...zeros, pastFull: false }, label, detail },
    ...(pastFullRows && zeros.input
      ? [
          {
            zeros: { ...zeros, pastFull: true },
            label: `${label}, rows past the full size computed`,
            detail: `${detail}${PAST_FULL_DETAIL}`,
          },
        ]
      : []),
  ]);
}

/** Tests one hypothesis on `base`: the reference, or (flushed) the reference with subnormal operands read as 0. */
function tryHypothesis(
  input: DiagnosisInput,
  hypothesis: ZeroHypothesis,
  base: Candidate,
  flushed: boolean,
): TriedHypothesis | null {
  const label = flushed ? `${hypothesis.label}, subnormal inputs flushed` : hypothesis.label;
  const nan = denseZeroNan(input.geometry, input.tensors, hypothesis.zeros);
  // No zero meets a non-finite value outside the reference's own NaN: nothing to tell apart (the
  // flushed part alone is the subnormal-flush diagnosis).
  if (!nan.some((flag, index) => flag === 1 && !Number.isNaN(base.output[index]!))) return null;
  const candidate = withNanAt(base, nan);
  if (classMismatches(input.reference.output, candidate, input.tolerance) === 0) {
    return {
      kind: 'inserted-zero-nan',
      label,
      fits: false,
      mismatched: null,
      notTried: "no NaN beyond the reference's own: on this case it cannot be told from a correct output",
    };
  }
  const mismatched = candidateMismatches(input, candidate);
  return { kind: 'inserted-zero-nan', label, fits: mismatched === 0, mismatched };
}

export const insertedZeroNanStep: DiagnosisStep = {
  name: 'inserted-zero-nan',
  kinds: ['inserted-zero-nan'],
  explain({ input }): Finding {
    const tried: TriedHypothesis[] = [];
    // With subnormal operands the same outputs may also show flushing (DAZ): tried combined last.
    const flushings = hasSubnormal(input.tensors) ? [false, true] : [false];
    const candidates = hypotheses(input);
    for (const flushed of flushings) {
      const base = flushed ? operandsFlushed(input) : input.reference;
      for (const hypothesis of candidates) {
        const result = tryHypothesis(input, hypothesis, base, flushed);
        if (result === null) continue;
        tried.push(result);
        if (!result.fits) continue;
        const detail = flushed
          ? `${hypothesis.detail}; besides, subnormal inputs are flushed to zero (denormals-are-zero)`
          : hypothesis.detail;
        return { tried, explanation: { kind: 'inserted-zero-nan', detail } };
      }
    }
    return { tried, explanation: null };
  },
};
