/** (e) Layout confusion (NCHW <-> NHWC): the output written, or the input read, in the other layout. */
import { layoutFor } from '../../geometry/build.js';
import { misreadLayout, toOtherLayout } from '../transform.js';
import { hypothesisStep, movedReference, referenceCandidate } from './fit.js';
import { bySubject } from './subject.js';
import type { DiagnosisInput, Hypothesis } from './types.js';

function pixels(sizes: readonly number[]): number {
  return sizes.reduce((total, size) => total * size, 1);
}

function layoutConfusion(input: DiagnosisInput): Hypothesis[] {
  const { geometry, tensors, reference } = input;
  const list: Hypothesis[] = [];
  const otherLayout = layoutFor(geometry.rank, !geometry.channelsLast);
  // One channel or one pixel looks the same in both layouts.
  if (geometry.outChannels > 1 && pixels(geometry.axes.map((axis) => axis.outputSize)) > 1) {
    list.push({
      kind: 'layout',
      label: `output in ${otherLayout}`,
      candidate: () =>
        movedReference(reference, (data) =>
          toOtherLayout(data, geometry.batch, geometry.outChannels, geometry.channelsLast),
        ),
      detail: `matches the reference laid out ${otherLayout} while the output is declared ${geometry.layout}: ${geometry.layout}/${otherLayout} layout confusion (${bySubject(input, "the runner's flat output is in the other layout: a missing or extra transpose", `the expect was pasted in ${otherLayout} order: flatten it in ${geometry.layout} order, or declare layout ${otherLayout}`)})`,
    });
  }
  if (geometry.inChannels > 1 && pixels(geometry.axes.map((axis) => axis.inputSize)) > 1) {
    list.push({
      kind: 'layout',
      label: `input read as ${otherLayout}`,
      candidate: () =>
        referenceCandidate(geometry, {
          ...tensors,
          input: misreadLayout(tensors.input, geometry.batch, geometry.inChannels, geometry.channelsLast),
        }),
      detail: `matches with the ${geometry.layout} input read as ${otherLayout}: ${geometry.layout}/${otherLayout} layout confusion on the input${bySubject(input, '', ` (the expect was made from the ${geometry.layout} data read as ${otherLayout})`)}`,
    });
  }
  return list;
}

export const layoutStep = hypothesisStep('layout', ['layout'], layoutConfusion);
