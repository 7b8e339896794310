/**
 * (g) Input rows not read: the output matches the reference with x cut short along one axis (the
 * rows past some r, or before it, never read): a loop bound over x computed from the wrong size,
 * stride or axis. tfjs's numeric pad is one: conv_util computes the width's forward size with the
 * filter and stride HEIGHT, so the kernel reads 6 of 15 columns. Only tried where the mismatches
 * fill a band at one end of an axis (location.bands); the band's first (or last) index gives r.
 */
import { spatialAxisNames } from '../coords.js';
import { rowMajorStrides } from '../../tensor.js';
import type { AxisGeometry, ConvTransposeGeometry } from '../../geometry/types.js';
import type { LocationSummary } from '../types.js';
import { referenceCandidate, testHypotheses } from './fit.js';
import { bySubject } from './subject.js';
import type { DiagnosisInput, DiagnosisStep, Hypothesis } from './types.js';

const UNIT: Record<string, string> = { D: 'plane', H: 'row', W: 'column' };

/** The input with the rows of `axis` in [from, to) zeroed (never read). */
function withoutRows(geometry: ConvTransposeGeometry, input: Float32Array, axis: number, from: number, to: number) {
  const dim = (geometry.channelsLast ? 1 : 2) + axis;
  const stride = rowMajorStrides(geometry.inputShape)[dim]!;
  const size = geometry.inputShape[dim]!;
  const result = Float32Array.from(input);
  for (let index = 0; index < result.length; index++) {
    const y = Math.floor(index / stride) % size;
    if (y >= from && y < to) result[index] = 0;
  }
  return result;
}

/**
 * Rows read [0, r) whose first affected output index is the band's start (x row y reaches output
 * j = y*s + tap*d - beginCrop, so the first row not read, r, first reaches r*s - beginCrop); or
 * rows [r, i) whose last affected index is the band's end.
 */
function cuts(axis: AxisGeometry, band: { from: number; to: number; size: number }): [number, number][] {
  const { stride: s, beginCrop, inputSize: i } = axis;
  const reach = (axis.kernelSize - 1) * axis.dilation;
  const list: [number, number][] = [];
  if (band.to === band.size - 1 && band.from > 0) {
    const r = (band.from + beginCrop) / s;
    if (Number.isInteger(r) && r >= 1 && r < i) list.push([r, i]);
  }
  if (band.from === 0 && band.to < band.size - 1) {
    const r = (band.to + beginCrop - reach) / s + 1;
    if (Number.isInteger(r) && r >= 1 && r < i) list.push([0, r]);
  }
  return list;
}

function inputRowsHypotheses(input: DiagnosisInput, location: LocationSummary): Hypothesis[] {
  const { geometry, tensors } = input;
  const names = spatialAxisNames(geometry.rank);
  return (location.bands ?? []).flatMap((band) => {
    const a = names.indexOf(band.axis);
    const axis = geometry.axes[a];
    if (!axis) return [];
    const unit = UNIT[band.axis] ?? 'element';
    return cuts(axis, band).map(([from, to]): Hypothesis => {
      const missing = `x's ${unit}s ${from}-${to - 1} along ${band.axis}`;
      const read = from === 0 ? `${unit}s ${to}-${axis.inputSize - 1}` : `${unit}s 0-${from - 1}`;
      return {
        kind: 'input-rows-missing',
        axis: band.axis,
        label: `input ${band.axis} ${unit}s ${from}-${to - 1} not read`,
        candidate: () =>
          referenceCandidate(geometry, { ...tensors, input: withoutRows(geometry, tensors.input, a, from, to) }),
        detail:
          `matches with ${missing} never read (only ${read} of ${axis.inputSize}): ` +
          bySubject(input, 'the runner', 'the expect was computed by a kernel that') +
          ` stops its loop over x early: a bound computed from the wrong size, stride or axis (e.g. tfjs's numeric pad: conv_util computes the width's forward size with the filter and stride height)`,
      };
    });
  });
}

export const inputRowsStep: DiagnosisStep = {
  name: 'input-rows-missing',
  kinds: ['input-rows-missing'],
  explain: ({ input, location }) => testHypotheses(input, inputRowsHypotheses(input, location)),
};
