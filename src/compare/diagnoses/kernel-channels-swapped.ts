/** (c) Kernel in/out channel axes swapped: each group's [C/group, M/group, k...] block read as [M/group, C/group, k...]. */
import { swapKernelChannels } from '../transform.js';
import { hypothesisStep, referenceCandidate } from './fit.js';
import { bySubject } from './subject.js';
import type { DiagnosisInput, Hypothesis } from './types.js';

function kernelChannelsSwapped(input: DiagnosisInput): Hypothesis[] {
  const { geometry, tensors } = input;
  // With one channel on either side the two readings of the buffer are the same.
  if (Math.min(geometry.inChannelsPerGroup, geometry.outChannelsPerGroup) <= 1) return [];
  return [
    {
      kind: 'kernel-channels-swapped',
      label: 'kernel channel axes swapped',
      candidate: () =>
        referenceCandidate(geometry, { ...tensors, weight: swapKernelChannels(tensors.weight, geometry) }),
      detail:
        "matches with the kernel's input and output channel axes swapped: " +
        bySubject(input, 'the weight was read', 'the expect was made with the weight read') +
        ' as [M/group, C, k...] (the forward-convolution / TF [k..., out, in] order) instead of [C, M/group, k...]',
    },
  ];
}

export const kernelChannelsSwappedStep = hypothesisStep(
  'kernel-channels-swapped',
  ['kernel-channels-swapped'],
  kernelChannelsSwapped,
);
