/** TensorFlow / Keras padding of generated cases: Keras defaults, TF output_shape, Keras output_padding. */
import { kerasOutputSize, tfAcceptedOutputRange } from '../../geometry/conventions.js';
import { params, type Axis, type Padding } from './axis.js';
import { clamp, range } from './draws.js';
import type { RawAxis } from './raw-axes.js';

export const TF_MODES = ['keras', 'output_shape', 'keras_output_padding'] as const;
type TfMode = (typeof TF_MODES)[number];

/** Keras output_padding values (< stride) whose length TF accepts for this axis. */
function kerasPaddings(a: Axis, padding: 'SAME' | 'VALID'): number[] {
  const [low, high] = tfAcceptedOutputRange(params(a), padding);
  return range(a.s).filter((op) => {
    const size = kerasOutputSize(params(a), padding, op);
    return size >= low && size <= high;
  });
}

export function tfPadding(
  axes: readonly Axis[],
  raws: readonly RawAxis[],
  padding: 'SAME' | 'VALID',
  wanted: TfMode,
): Padding {
  const mode =
    wanted === 'keras_output_padding' && axes.some((a) => kerasPaddings(a, padding).length === 0) ? 'keras' : wanted;
  switch (mode) {
    case 'keras':
      return {
        fields: { padding },
        outputs: axes.map((a) => kerasOutputSize(params(a), padding, null)),
        kind: `keras ${padding}`,
      };
    case 'output_shape': {
      const sizes = axes.map((a, index) => {
        const [low, high] = tfAcceptedOutputRange(params(a), padding);
        return clamp(low + raws[index]!.tfOffset, low, high);
      });
      return { fields: { padding, output_shape: sizes }, outputs: sizes, kind: `tf ${padding}+output_shape` };
    }
    case 'keras_output_padding': {
      const ops = axes.map((a, index) => {
        const candidates = kerasPaddings(a, padding);
        return candidates[clamp(raws[index]!.tfOffset, 0, candidates.length - 1)]!;
      });
      return {
        fields: { padding, output_padding: ops },
        outputs: axes.map((a, index) => kerasOutputSize(params(a), padding, ops[index]!)),
        kind: `keras ${padding}+output_padding`,
      };
    }
  }
}
