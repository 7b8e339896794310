/** ONNX padding of generated cases: explicit pads, auto_pad, output_shape (each +/- output_padding). */
import type { OnnxPaddingSpec } from '../../case/types.js';
import type { AutoPad } from '../../geometry/conventions.js';
import { fullOf, outputPaddingOf, type Axis, type Padding } from './axis.js';
import { clamp } from './draws.js';
import type { RawAxis } from './raw-axes.js';

export const ONNX_MODES = ['pads', 'auto_pad', 'output_shape'] as const;
type OnnxMode = (typeof ONNX_MODES)[number];
/** auto_pad without output_shape (NOTSET without pads is the 'pads' mode with zeros). */
const AUTO_PADS: readonly AutoPad[] = ['SAME_UPPER', 'SAME_LOWER', 'VALID'];
const SHAPE_AUTO_PADS: readonly AutoPad[] = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

export function onnxPadding(
  axes: readonly Axis[],
  raws: readonly RawAxis[],
  budget: number,
  mode: OnnxMode,
  withOutputPadding: boolean,
  autoPadIndex: number,
): Padding {
  const ops = axes.map((a, index) => (withOutputPadding ? outputPaddingOf(raws[index]!, a) : 0));
  const opField = withOutputPadding ? { output_padding: ops } : {};
  const suffix = withOutputPadding ? '+output_padding' : '';
  const extended = axes.map((a, index) => fullOf(a) + ops[index]!);
  switch (mode) {
    case 'pads': {
      // o = full + op - begin - end >= 1.
      const begins = axes.map((_, index) => clamp(raws[index]!.padBegin, 0, extended[index]! - 1));
      const ends = axes.map((_, index) => clamp(raws[index]!.padEnd, 0, extended[index]! - 1 - begins[index]!));
      return {
        fields: { padding: { pads: [...begins, ...ends] }, ...opField },
        outputs: axes.map((_, index) => extended[index]! - begins[index]! - ends[index]!),
        kind: `onnx pads${suffix}`,
      };
    }
    case 'auto_pad': {
      const autoPad = AUTO_PADS[autoPadIndex % AUTO_PADS.length]!;
      return {
        fields: { padding: { auto_pad: autoPad }, ...opField },
        outputs: axes.map((a, index) => (autoPad === 'VALID' ? extended[index]! : a.i * a.s)),
        kind: `onnx auto_pad=${autoPad}${suffix}`,
      };
    }
    case 'output_shape': {
      // Any o >= 1: a crop (smaller than full + op), no crop, or past full (zeros plus bias) up to full + op + s.
      const autoPad = SHAPE_AUTO_PADS[autoPadIndex % SHAPE_AUTO_PADS.length]!;
      const sizes = axes.map((a, index) =>
        clamp(extended[index]! - raws[index]!.crop, 1, Math.min(budget, extended[index]! + a.s)),
      );
      const padding: OnnxPaddingSpec = { auto_pad: autoPad };
      return {
        fields: { padding, output_shape: sizes, ...opField },
        outputs: sizes,
        kind: `onnx output_shape+${autoPad}${suffix}`,
      };
    }
  }
}
