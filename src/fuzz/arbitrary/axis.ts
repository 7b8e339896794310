/** One valid spatial axis clamped from its raw draws, and what a convention's padding makes of the axes. */
import type { CaseSpec } from '../../case/types.js';
import type { AxisParams } from '../../geometry/conventions.js';
import { clamp } from './draws.js';
import type { RawAxis } from './raw-axes.js';

export interface Axis {
  readonly i: number;
  readonly k: number;
  readonly s: number;
  readonly d: number;
}

export const params = (a: Axis): AxisParams => ({ inputSize: a.i, kernelSize: a.k, stride: a.s, dilation: a.d });
const effective = (a: Axis): number => a.d * (a.k - 1) + 1;
export const fullOf = (a: Axis): number => (a.i - 1) * a.s + effective(a);

/**
 * A valid axis with full + max(s, d) <= budget, so every output a convention can produce from it
 * (at most full + max(s, d) - 1, or full + op + s for an ONNX output_shape, clamped) fits.
 */
export function axisOf(raw: RawAxis, budget: number, dilated: boolean): Axis {
  const s = clamp(raw.s, 1, budget - 1);
  const d = dilated ? clamp(raw.d, 1, budget - 1) : 1;
  const room = budget - Math.max(s, d); // >= 1: what the full size may use
  const k = clamp(raw.k, 1, Math.floor((room - 1) / d) + 1);
  const i = clamp(raw.i, 1, Math.floor((room - d * (k - 1) - 1) / s) + 1);
  return { i, k, s, d };
}

/** What a convention chose: the case fields and the output length per axis they give. */
export interface Padding {
  readonly fields: Pick<CaseSpec, 'padding' | 'output_padding' | 'output_shape'>;
  readonly outputs: readonly number[];
  /** For statistics, e.g. 'onnx output_shape+SAME_LOWER', 'keras VALID+output_padding'. */
  readonly kind: string;
}

/** ONNX and PyTorch accept output_padding below the stride OR the dilation. */
export const outputPaddingOf = (raw: RawAxis, a: Axis): number => clamp(raw.op, 0, Math.max(a.s, a.d) - 1);
