/** (b) Kernel rotated 180 degrees: correlation instead of transposed convolution. */
import { flipKernel } from '../transform.js';
import { hypothesisStep, referenceCandidate } from './fit.js';
import type { DiagnosisInput, Hypothesis } from './types.js';

function kernelFlipped({ geometry, tensors }: DiagnosisInput): Hypothesis[] {
  const taps = geometry.axes.reduce((total, axis) => total * axis.kernelSize, 1);
  // A single tap is its own rotation.
  if (taps <= 1) return [];
  return [
    {
      kind: 'kernel-flipped',
      label: 'kernel rotated 180 degrees',
      candidate: () => referenceCandidate(geometry, { ...tensors, weight: flipKernel(tensors.weight, geometry) }),
      detail:
        'matches with the kernel rotated 180 degrees (every spatial kernel axis flipped): the runner computes a ' +
        'correlation where a transposed convolution is expected, or flips the kernel once too often / too few ' +
        'times when lowering to a forward convolution',
    },
  ];
}

export const kernelFlippedStep = hypothesisStep('kernel-flipped', ['kernel-flipped'], kernelFlipped);
