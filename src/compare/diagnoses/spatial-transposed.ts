/**
 * (d) Two spatial axes transposed: of the output (the whole problem computed with the axes
 * swapped, or the result transposed), of the kernel, or of the input. Per pair of axes of equal
 * size, in that order.
 */
import { spatialAxisNames } from '../coords.js';
import { swapDims } from '../transform.js';
import { hypothesisStep, movedReference, referenceCandidate } from './fit.js';
import type { Candidate, DiagnosisInput, Hypothesis } from './types.js';

/** Axes a and b (spatial indices) and their names, e.g. pair 'H,W' and both 'H and W'. */
interface AxisPair {
  readonly a: number;
  readonly b: number;
  readonly pair: string;
  readonly both: string;
}

/** The hypothesis that `what`'s axes a and b were swapped; null unless they have the same size > 1. */
function transposed(
  p: AxisPair,
  what: 'output' | 'kernel' | 'input',
  sizes: readonly number[],
  candidate: () => Candidate,
  detail: string,
): Hypothesis | null {
  // Swapping axes of different sizes changes the shape; swapping two of size 1 changes nothing.
  if (sizes[p.a] !== sizes[p.b] || sizes[p.a]! <= 1) return null;
  return { kind: 'spatial-transposed', axis: p.pair, label: `${what} ${p.both} transposed`, candidate, detail };
}

function pairHypotheses(input: DiagnosisInput, p: AxisPair, names: readonly string[]): (Hypothesis | null)[] {
  const { geometry, tensors, reference } = input;
  const first = geometry.channelsLast ? 1 : 2;
  const sizes = (key: 'outputSize' | 'kernelSize' | 'inputSize'): number[] => geometry.axes.map((axis) => axis[key]);
  return [
    transposed(
      p,
      'output',
      sizes('outputSize'),
      () => movedReference(reference, (data) => swapDims(data, geometry.outputShape, first + p.a, first + p.b)),
      `matches with the output's spatial axes ${p.both} transposed (the whole problem computed with ${p.both} swapped, or the result transposed)`,
    ),
    transposed(
      p,
      'kernel',
      sizes('kernelSize'),
      () =>
        referenceCandidate(geometry, {
          ...tensors,
          weight: swapDims(tensors.weight, geometry.weightShape, 2 + p.a, 2 + p.b),
        }),
      `matches with the kernel's spatial axes ${p.both} transposed (the weight's k${names[p.a]} and k${names[p.b]} swapped)`,
    ),
    transposed(
      p,
      'input',
      sizes('inputSize'),
      () =>
        referenceCandidate(geometry, {
          ...tensors,
          input: swapDims(tensors.input, geometry.inputShape, first + p.a, first + p.b),
        }),
      `matches with the input's spatial axes ${p.both} transposed`,
    ),
  ];
}

function spatialTransposed(input: DiagnosisInput): Hypothesis[] {
  const names = spatialAxisNames(input.geometry.rank);
  const list: (Hypothesis | null)[] = [];
  for (let a = 0; a < names.length; a++) {
    for (let b = a + 1; b < names.length; b++) {
      const p = { a, b, pair: `${names[a]},${names[b]}`, both: `${names[a]} and ${names[b]}` };
      list.push(...pairHypotheses(input, p, names));
    }
  }
  return list.filter((hypothesis): hypothesis is Hypothesis => hypothesis !== null);
}

export const spatialTransposedStep = hypothesisStep('spatial-transposed', ['spatial-transposed'], spatialTransposed);
