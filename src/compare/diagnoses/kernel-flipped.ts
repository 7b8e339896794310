/** (b) Kernel rotated 180 degrees: correlation instead of transposed convolution. */
import { flipKernel } from '../transform.js';
import { hypothesisStep, referenceCandidate } from './fit.js';
import { bySubject } from './subject.js';
import type { DiagnosisInput, Hypothesis } from './types.js';

function kernelFlipped(input: DiagnosisInput): Hypothesis[] {
  const { geometry, tensors } = input;
  const taps = geometry.axes.reduce((total, axis) => total * axis.kernelSize, 1);
  // A single tap is its own rotation.
  if (taps <= 1) return [];
  return [
    {
      kind: 'kernel-flipped',
      label: 'kernel rotated 180 degrees',
      candidate: () => referenceCandidate(geometry, { ...tensors, weight: flipKernel(tensors.weight, geometry) }),
      detail:
        'matches with the kernel rotated 180 degrees (every spatial kernel axis flipped): ' +
        bySubject(
          input,
          'the runner computes a correlation where a transposed convolution is expected, or flips the kernel ' +
            'once too often / too few times when lowering to a forward convolution',
          'the expect was computed as a correlation (or with the kernel flipped once too often / too few times, ' +
            'e.g. a forward convolution fed the kernel as stored)',
        ),
    },
  ];
}

export const kernelFlippedStep = hypothesisStep('kernel-flipped', ['kernel-flipped'], kernelFlipped);
