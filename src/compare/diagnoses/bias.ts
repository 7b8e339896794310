/** (f) Bias missing (B not wired / use_bias ignored) or added twice (fused and added again). */
import { hypothesisStep } from './fit.js';
import { bySubject } from './subject.js';
import type { Candidate, DiagnosisInput, Hypothesis } from './types.js';

/** The reference with the bias subtracted (-1) or added once more (+1, which also grows its budget). */
function biasShifted({ reference, indexer }: DiagnosisInput, bias: Float32Array, sign: 1 | -1): Candidate {
  const output = Float64Array.from(reference.output);
  const absSum = Float64Array.from(reference.absSum);
  const termCount = Float64Array.from(reference.termCount);
  for (let index = 0; index < output.length; index++) {
    const b = bias[indexer.channelOf(index)]!;
    output[index] = output[index]! + sign * b;
    if (sign > 0) {
      absSum[index] = absSum[index]! + Math.abs(b);
      termCount[index] = termCount[index]! + 1;
    }
  }
  return { output, termCount, absSum };
}

function biasHypotheses(input: DiagnosisInput): Hypothesis[] {
  const bias = input.tensors.bias;
  // A zero bias cannot be told from a missing or doubled one.
  if (!input.geometry.hasBias || bias === null || !bias.some((value) => value !== 0)) return [];
  return [
    {
      kind: 'bias-missing',
      label: 'bias missing',
      candidate: () => biasShifted(input, bias, -1),
      detail: bySubject(
        input,
        'matches without the bias: the runner dropped B (e.g. an optional third input not wired, or use_bias ignored)',
        'matches without the bias: the expect was computed without B (use_bias off, or the bias left out when it was made)',
      ),
    },
    {
      kind: 'bias-doubled',
      label: 'bias doubled',
      candidate: () => biasShifted(input, bias, 1),
      detail: bySubject(
        input,
        'matches with the bias added twice (e.g. fused into the op and added again afterwards)',
        'matches with the bias added twice: the expect was made with B added once more (fused and added again)',
      ),
    },
  ];
}

export const biasStep = hypothesisStep('bias', ['bias-missing', 'bias-doubled'], biasHypotheses);
