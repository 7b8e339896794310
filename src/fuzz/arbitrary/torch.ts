/** PyTorch padding of generated cases: symmetric padding, + output_padding, forward(output_size). */
import { fullOf, outputPaddingOf, type Axis, type Padding } from './axis.js';
import { clamp, compact } from './draws.js';
import type { RawAxis } from './raw-axes.js';

export const TORCH_MODES = ['padding', 'output_padding', 'output_size'] as const;
type TorchMode = (typeof TORCH_MODES)[number];

export function torchPadding(axes: readonly Axis[], raws: readonly RawAxis[], mode: TorchMode): Padding {
  switch (mode) {
    case 'padding': {
      // o = full - 2p >= 1.
      const pads = axes.map((a, index) => clamp(raws[index]!.p, 0, Math.floor((fullOf(a) - 1) / 2)));
      return {
        fields: { padding: compact(pads) },
        outputs: axes.map((a, index) => fullOf(a) - 2 * pads[index]!),
        kind: 'torch padding',
      };
    }
    case 'output_padding': {
      const ops = axes.map((a, index) => outputPaddingOf(raws[index]!, a));
      const pads = axes.map((a, index) => clamp(raws[index]!.p, 0, Math.floor((fullOf(a) + ops[index]! - 1) / 2)));
      return {
        fields: { padding: compact(pads), output_padding: ops },
        outputs: axes.map((a, index) => fullOf(a) - 2 * pads[index]! + ops[index]!),
        kind: 'torch padding+output_padding',
      };
    }
    case 'output_size': {
      // forward(x, output_size=o): o in [min, min + s - 1] with min = full - 2p, and o >= 1.
      const pads = axes.map((a, index) => clamp(raws[index]!.p, 0, Math.floor((fullOf(a) + a.s - 2) / 2)));
      const sizes = axes.map((a, index) => {
        const minimum = fullOf(a) - 2 * pads[index]!;
        return clamp(minimum + raws[index]!.sizeOffset, Math.max(1, minimum), minimum + a.s - 1);
      });
      return { fields: { padding: compact(pads), output_shape: sizes }, outputs: sizes, kind: 'torch output_size' };
    }
  }
}
