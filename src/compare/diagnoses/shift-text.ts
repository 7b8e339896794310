/** The words of a 'shift' explanation: the crop the runner used and the convention slip it suggests. */
import type { ConvTransposeGeometry } from '../../geometry/types.js';
import { spatialAxisNames } from '../coords.js';
import type { AxisShift, Explanation } from '../types.js';

const AXIS_WORDS: Record<string, [string, string]> = {
  D: ['plane', 'planes'],
  H: ['row', 'rows'],
  W: ['column', 'columns'],
};

function rowWord(axis: string, count: number): string {
  const words = AXIS_WORDS[axis] ?? ['element', 'elements'];
  return count === 1 ? words[0] : words[1];
}

/** Words for one shifted axis: the crop the runner used, and the convention slip it suggests. */
function describeAxisShift(geometry: ConvTransposeGeometry, axisIndex: number, delta: number, name: string) {
  const axis = geometry.axes[axisIndex]!;
  const begin = axis.beginCrop;
  const end = axis.endCrop;
  // The crop total the SAME rules split (ONNX counts output_padding in it).
  const total = begin + end + (geometry.convention.kind === 'onnx' ? axis.outputPadding : 0);
  const crop = `beginCrop ${begin + delta} instead of ${begin} on axis ${name}`;
  let side: string;
  let hint: string | null = null;
  if (axis.outputPadding > 0 && delta === -axis.outputPadding) {
    side = `the output_padding ${axis.outputPadding} were added at the start`;
    hint = 'output_padding belongs at the end (ONNX / PyTorch)';
  } else if (delta === 1 && total > 0 && total % 2 === 1 && begin === Math.floor(total / 2)) {
    side = `the extra pad ${rowWord(name, 1)} were at the start`;
    hint = 'TF SAME / SAME_UPPER vs SAME_LOWER / NOTSET+output_shape';
  } else if (delta === -1 && total > 0 && total % 2 === 1 && begin === Math.ceil(total / 2)) {
    side = `the extra pad ${rowWord(name, 1)} were at the end`;
    hint = 'SAME_LOWER / NOTSET+output_shape vs TF SAME / SAME_UPPER';
  } else {
    const moved = Math.abs(delta);
    side = `the output started ${moved} ${rowWord(name, moved)} ${delta > 0 ? 'later' : 'earlier'}`;
    hint = 'pads / output_padding / output_shape split between start and end differently';
  }
  return { crop, side, hint };
}

export function shiftExplanation(geometry: ConvTransposeGeometry, deltas: readonly number[]): Explanation {
  const names = spatialAxisNames(geometry.rank);
  const parts = deltas
    .map((delta, index) => ({ delta, index }))
    .filter((entry) => entry.delta !== 0)
    .map((entry) => ({
      ...entry,
      name: names[entry.index]!,
      ...describeAxisShift(geometry, entry.index, entry.delta, names[entry.index]!),
    }));
  const shifts: AxisShift[] = parts.map((part) => ({
    axis: part.name,
    delta: part.delta,
    expectedBeginCrop: geometry.axes[part.index]!.beginCrop,
    actualBeginCrop: geometry.axes[part.index]!.beginCrop + part.delta,
  }));
  const sides = [...new Set(parts.map((part) => part.side))];
  const hints = [...new Set(parts.map((part) => part.hint).filter((hint): hint is string => hint !== null))];
  const axis = parts.map((part) => part.name).join(',');
  const sideText =
    sides.length === 1 && parts.length > 1
      ? `${sides[0]} on ${parts.map((part) => part.name).join(' and ')}`
      : sides.join(' and ');
  const detail = `output shifted along ${axis}: matches if ${sideText} (${parts.map((part) => part.crop).join(', ')})${hints.length ? `: ${hints.join('; ')}` : ''}`;
  return { kind: 'shift', axis, detail, shifts };
}
