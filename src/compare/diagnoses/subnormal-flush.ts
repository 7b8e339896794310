/**
 * Subnormal operands (or outputs) flushed to zero. x86 CPUs can run with MXCSR's DAZ bit (a
 * subnormal operand reads as a zero of the same sign) and FTZ bit (a subnormal result becomes
 * zero); Arm has FPCR.FZ. IEEE 754 keeps subnormals (gradual underflow, clause 7.5 signals the
 * underflow but delivers the subnormal result). TensorFlow sets both in its thread pools
 * (port::ScopedFlushDenormal). Hypotheses: the outputs flushed (FTZ on the final result, which the
 * automatic bound already tolerates: this one fits only under tighter tolerances), then the
 * subnormal inputs, weights and bias read as zero (DAZ), the reference recomputed from them.
 */
import { convTransposeReference, withSpecialValues } from '../../reference/index.js';
import { isSubnormal } from '../../reference/special.js';
import type { CaseTensors } from '../../tensor.js';
import type { TriedHypothesis } from '../types.js';
import { candidateMismatches, classMismatches } from './special-fit.js';
import { bySubject } from './subject.js';
import type { Candidate, DiagnosisInput, DiagnosisStep, Finding } from './types.js';

/** x with subnormals replaced by a zero of the same sign (DAZ). */
function flushed(values: Float32Array): Float32Array {
  return values.map((value) => (isSubnormal(value) ? (value < 0 ? -0 : 0) : value));
}

export function hasSubnormal(tensors: CaseTensors): boolean {
  return [tensors.input, tensors.weight, tensors.bias ?? new Float32Array(0)].some((values) =>
    values.some(isSubnormal),
  );
}

/** The reference with subnormal float32 outputs set to zero (FTZ on the result). */
function outputsFlushed(input: DiagnosisInput): Candidate {
  const { reference } = input;
  const output = reference.output.map((value) => (isSubnormal(Math.fround(value)) ? 0 : value));
  return { output, termCount: reference.termCount, absSum: reference.absSum };
}

/** The reference recomputed with subnormal operands read as zero (DAZ), its subnormal results flushed. */
export function operandsFlushed(input: DiagnosisInput): Candidate {
  const tensors: CaseTensors = {
    input: flushed(input.tensors.input),
    weight: flushed(input.tensors.weight),
    bias: input.tensors.bias ? flushed(input.tensors.bias) : null,
  };
  const result = convTransposeReference(input.geometry, tensors, { withBounds: true });
  const output = withSpecialValues(input.geometry, tensors, result).output;
  return {
    output: output.map((value) => (isSubnormal(Math.fround(value)) ? 0 : value)),
    termCount: result.termCount,
    absSum: result.absSum,
  };
}

export const subnormalFlushStep: DiagnosisStep = {
  name: 'subnormal-flush',
  kinds: ['subnormal-flushed'],
  explain({ input }): Finding {
    const tried: TriedHypothesis[] = [];
    const candidates: [string, () => Candidate, string][] = [];
    if (input.reference.output.some((value) => isSubnormal(Math.fround(value)))) {
      candidates.push([
        'subnormal outputs flushed to zero',
        () => outputsFlushed(input),
        'subnormal outputs flushed to zero (FTZ): the output is the reference with every subnormal result set to 0',
      ]);
    }
    if (hasSubnormal(input.tensors)) {
      candidates.push([
        'subnormal inputs flushed to zero',
        () => operandsFlushed(input),
        bySubject(
          input,
          'subnormal inputs flushed to zero (DAZ/FTZ): the output equals the reference computed with every subnormal input, weight and bias value read as 0 (the CPU runs with denormals-are-zero, e.g. TensorFlow sets it in its thread pools); IEEE 754 keeps subnormals (gradual underflow)',
          'subnormal inputs flushed to zero: the expect was computed with subnormal inputs, weights and bias read as 0 (a framework running with denormals-are-zero)',
        ),
      ]);
    }
    for (const [label, build, detail] of candidates) {
      const candidate = build();
      const mismatched = candidateMismatches(input, candidate);
      if (mismatched === 0 && classMismatches(input.reference.output, candidate, input.tolerance) === 0) {
        tried.push({
          kind: 'subnormal-flushed',
          label,
          fits: false,
          mismatched: null,
          notTried: 'the reference fits it as well: on this case it cannot be told from a correct output',
        });
        continue;
      }
      tried.push({ kind: 'subnormal-flushed', label, fits: mismatched === 0, mismatched });
      if (mismatched === 0) return { tried, explanation: { kind: 'subnormal-flushed', detail } };
    }
    return { tried, explanation: null };
  },
};
