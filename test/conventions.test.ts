/**
 * Each framework's per-axis padding rule (src/geometry/conventions.ts) against values computed by
 * hand from the rules in /work/shared/CONVENTIONS.md. Per axis: k_eff = d(k-1)+1,
 * full = (i-1)s + k_eff; a decision keeps `outputSize` elements of `full` from `beginCrop`.
 */
import { describe, expect, it } from 'vitest';
import type { CaseSpec } from '../src/case/types.js';
import { buildAxis } from '../src/geometry/build.js';
import {
  isViolation,
  kerasOutputSize,
  onnxBeginCrop,
  onnxOutputPaddingViolation,
  resolveOnnxAxis,
  resolveTfAxis,
  resolveTorchAxis,
  tfAcceptedOutputRange,
  tfBeginCrop,
  torchMinimumOutputSize,
  torchOutputPaddingViolation,
  type AxisOutcome,
  type AxisParams,
} from '../src/geometry/conventions.js';
import { resolveGeometry, type GeometryIssue } from '../src/geometry/resolve.js';

const axis = (inputSize: number, kernelSize: number, stride: number, dilation = 1): AxisParams => ({
  inputSize,
  kernelSize,
  stride,
  dilation,
});

/** The decision of an outcome, with endCrop = full - begin - o derived the way the geometry does. */
function decided(params: AxisParams, outcome: AxisOutcome): { begin: number; end: number; o: number; op: number } {
  if (isViolation(outcome)) throw new Error(`expected a decision, got ${outcome.field}: ${outcome.message}`);
  const built = buildAxis({ ...params, ...outcome });
  return { begin: built.beginCrop, end: built.endCrop, o: built.outputSize, op: built.outputPadding };
}

function violation(outcome: AxisOutcome): { field: string; message: string } {
  if (!isViolation(outcome)) throw new Error(`expected a violation, got ${JSON.stringify(outcome)}`);
  return { field: outcome.field, message: outcome.message };
}

const CONV2D_BACKPROP = '(Conv2DBackpropInput: "Size of out_backprop doesn\'t match computed")';

describe('TensorFlow padding=SAME', () => {
  // i=3, k=3, s=2: full = 2*2 + 3 = 7; TF accepts ceil(o/2) = 3, i.e. o in [5, 6].
  const a = axis(3, 3, 2);

  it('accepts exactly o in [s(i-1)+1, s*i]', () => {
    expect(tfAcceptedOutputRange(a, 'SAME')).toEqual([5, 6]);
    expect(tfAcceptedOutputRange(axis(4, 4, 3), 'SAME')).toEqual([10, 12]);
    expect(tfAcceptedOutputRange(axis(1, 5, 1), 'SAME')).toEqual([1, 1]);
  });

  it('crops floor(total/2) at the start, the odd pixel at the end', () => {
    // o = 5: total 2 -> begin 1, end 1.
    expect(decided(a, resolveTfAxis(a, 'SAME', 5, null))).toEqual({ begin: 1, end: 1, o: 5, op: 0 });
    // o = 6: total 1 (odd) -> begin 0, end 1.
    expect(decided(a, resolveTfAxis(a, 'SAME', 6, null))).toEqual({ begin: 0, end: 1, o: 6, op: 0 });
    // i=4, k=4, s=3: full = 13, o in [10, 12]: totals 3, 2, 1 -> begins 1, 1, 0.
    const b = axis(4, 4, 3);
    expect([10, 11, 12].map((o) => decided(b, resolveTfAxis(b, 'SAME', o, null)))).toEqual([
      { begin: 1, end: 2, o: 10, op: 0 },
      { begin: 1, end: 1, o: 11, op: 0 },
      { begin: 0, end: 1, o: 12, op: 0 },
    ]);
  });

  it('counts the dilated kernel: i=2, k=2, s=1, d=3 has full 5 and total 3 for o = 2', () => {
    const c = axis(2, 2, 1, 3);
    expect(tfAcceptedOutputRange(c, 'SAME')).toEqual([2, 2]);
    expect(tfBeginCrop(c, 'SAME', 2)).toBe(1);
    expect(decided(c, resolveTfAxis(c, 'SAME', 2, null))).toEqual({ begin: 1, end: 2, o: 2, op: 0 });
  });

  it('clamps the total at 0 when o > full (k_eff < s): the extra outputs are zeros at the end', () => {
    // i=2, k=1, s=3: full = 4, accepted o in [4, 6].
    const d = axis(2, 1, 3);
    expect(tfAcceptedOutputRange(d, 'SAME')).toEqual([4, 6]);
    expect(decided(d, resolveTfAxis(d, 'SAME', 4, null))).toEqual({ begin: 0, end: 0, o: 4, op: 0 });
    expect(decided(d, resolveTfAxis(d, 'SAME', 5, null))).toEqual({ begin: 0, end: -1, o: 5, op: 0 });
    expect(decided(d, resolveTfAxis(d, 'SAME', 6, null))).toEqual({ begin: 0, end: -2, o: 6, op: 0 });
  });

  it('rejects an output_shape outside the range, quoting the rule', () => {
    expect(violation(resolveTfAxis(a, 'SAME', 4, null))).toEqual({
      field: 'output_shape',
      message: `TensorFlow rejects output size 4 for input 3, kernel 3, stride 2, dilation 1: SAME needs ceil(o/s) = i, i.e. o in [5, 6] ${CONV2D_BACKPROP}`,
    });
    expect(violation(resolveTfAxis(a, 'SAME', 7, null)).message).toContain('rejects output size 7 ');
  });
});

describe('TensorFlow padding=VALID', () => {
  it('accepts o in [full, full + s - 1], never crops the start, and appends the slack as zeros', () => {
    const a = axis(3, 3, 2); // full 7
    expect(tfAcceptedOutputRange(a, 'VALID')).toEqual([7, 8]);
    expect(decided(a, resolveTfAxis(a, 'VALID', 7, null))).toEqual({ begin: 0, end: 0, o: 7, op: 0 });
    expect(decided(a, resolveTfAxis(a, 'VALID', 8, null))).toEqual({ begin: 0, end: -1, o: 8, op: 0 });
    // i=2, k=2, s=3, d=2: k_eff 3, full 6, o in [6, 8].
    const b = axis(2, 2, 3, 2);
    expect(tfAcceptedOutputRange(b, 'VALID')).toEqual([6, 8]);
    expect(decided(b, resolveTfAxis(b, 'VALID', 8, null))).toEqual({ begin: 0, end: -2, o: 8, op: 0 });
    // Stride 1 leaves no slack.
    expect(tfAcceptedOutputRange(axis(5, 3, 1), 'VALID')).toEqual([7, 7]);
  });

  it('rejects sizes outside the range with the VALID rule', () => {
    const a = axis(3, 3, 2);
    expect(violation(resolveTfAxis(a, 'VALID', 9, null))).toEqual({
      field: 'output_shape',
      message: `TensorFlow rejects output size 9 for input 3, kernel 3, stride 2, dilation 1: VALID needs floor((o - k_eff)/s) + 1 = i, i.e. o in [7, 8] ${CONV2D_BACKPROP}`,
    });
    expect(isViolation(resolveTfAxis(a, 'VALID', 6, null))).toBe(true);
  });
});

describe('Keras Conv*DTranspose output length', () => {
  it('without output_padding: SAME i*s, VALID i*s + max(k_eff - s, 0)', () => {
    expect(kerasOutputSize(axis(3, 3, 2), 'SAME', null)).toBe(6);
    expect(kerasOutputSize(axis(3, 3, 2), 'VALID', null)).toBe(7);
    // The Keras doc example: Conv2DTranspose(32, 3, 2) on 10 x 8 gives 21 x 17.
    expect(kerasOutputSize(axis(10, 3, 2), 'VALID', null)).toBe(21);
    expect(kerasOutputSize(axis(8, 3, 2), 'VALID', null)).toBe(17);
    // k_eff < s: no max term, 2 slack rows past full = 4.
    expect(kerasOutputSize(axis(2, 1, 3), 'VALID', null)).toBe(6);
    // Dilation: k=3, d=2 -> k_eff 5; VALID 3 + 4 = 7 = full.
    expect(kerasOutputSize(axis(3, 3, 1, 2), 'VALID', null)).toBe(7);
    expect(kerasOutputSize(axis(3, 3, 1, 2), 'SAME', null)).toBe(3);
  });

  it('with output_padding: (i-1)s + k_eff - 2*pad + op, pad = k_eff // 2 for SAME, 0 for VALID', () => {
    // i=3, k=3, s=2: SAME pad 1 -> 4 + 3 - 2 + op; VALID -> 7 + op.
    expect(kerasOutputSize(axis(3, 3, 2), 'SAME', 0)).toBe(5);
    expect(kerasOutputSize(axis(3, 3, 2), 'SAME', 1)).toBe(6);
    expect(kerasOutputSize(axis(3, 3, 2), 'VALID', 0)).toBe(7);
    expect(kerasOutputSize(axis(3, 3, 2), 'VALID', 1)).toBe(8);
    // Even k_eff: k=4, s=2, SAME pad 2 -> 4 + 4 - 4 + 0 = 4.
    expect(kerasOutputSize(axis(3, 4, 2), 'SAME', 0)).toBe(4);
  });

  it('crops with TF rule for the derived size and records the output_padding', () => {
    const a = axis(3, 3, 2);
    expect(decided(a, resolveTfAxis(a, 'SAME', null, null))).toEqual({ begin: 0, end: 1, o: 6, op: 0 });
    expect(decided(a, resolveTfAxis(a, 'SAME', null, 0))).toEqual({ begin: 1, end: 1, o: 5, op: 0 });
    expect(decided(a, resolveTfAxis(a, 'SAME', null, 1))).toEqual({ begin: 0, end: 1, o: 6, op: 1 });
    expect(decided(a, resolveTfAxis(a, 'VALID', null, 1))).toEqual({ begin: 0, end: -1, o: 8, op: 1 });
  });

  it('rejects output_padding >= stride with the Keras message', () => {
    expect(violation(resolveTfAxis(axis(3, 3, 2), 'SAME', null, 2))).toEqual({
      field: 'output_padding',
      message:
        'Keras requires output_padding < strides ("Strides must be greater than output padding"): got output_padding 2 with stride 2',
    });
    // Unlike ONNX/PyTorch, a larger dilation does not help.
    expect(violation(resolveTfAxis(axis(3, 3, 1, 3), 'VALID', null, 1)).field).toBe('output_padding');
  });

  it('rejects a derived size TF would refuse, blaming output_padding', () => {
    // Even kernel, SAME, op 0: o = 4 is below [5, 6].
    expect(violation(resolveTfAxis(axis(3, 4, 2), 'SAME', null, 0))).toEqual({
      field: 'output_padding',
      message: `TensorFlow rejects output size 4 for input 3, kernel 4, stride 2, dilation 1: SAME needs ceil(o/s) = i, i.e. o in [5, 6] ${CONV2D_BACKPROP}`,
    });
  });

  it('refuses output_shape and output_padding together', () => {
    expect(violation(resolveTfAxis(axis(3, 3, 2), 'SAME', 6, 1))).toEqual({
      field: 'output_padding',
      message:
        'with TF/Keras padding give either output_shape (tf.nn.conv2d_transpose) or output_padding (Keras Conv2DTranspose), not both',
    });
  });
});

describe('ONNX ConvTranspose', () => {
  // i=3, k=3, s=3: full = 9 (the H axis of the ONNX doc examples).
  const h = axis(3, 3, 3);
  // i=3, k=3, s=2: full = 7 (their W axis).
  const w = axis(3, 3, 2);

  it('explicit pads: o = s(i-1) + op + k_eff - pad_begin - pad_end, begin = pad_begin', () => {
    // test_convtranspose_pads: strides [3, 2], pads [1, 2, 1, 2] -> 7 x 3.
    expect(decided(h, resolveOnnxAxis(h, 'NOTSET', 1, 1, null, 0))).toEqual({ begin: 1, end: 1, o: 7, op: 0 });
    expect(decided(w, resolveOnnxAxis(w, 'NOTSET', 2, 2, null, 0))).toEqual({ begin: 2, end: 2, o: 3, op: 0 });
    // Asymmetric pads, with output_padding: 9 + 1 - 1 - 2 = 7, endCrop = pad_end - op = 1.
    expect(decided(h, resolveOnnxAxis(h, 'NOTSET', 1, 2, null, 1))).toEqual({ begin: 1, end: 1, o: 7, op: 1 });
    // No pads, output_padding 2 < s=3: two zero rows past full.
    expect(decided(h, resolveOnnxAxis(h, 'NOTSET', 0, 0, null, 2))).toEqual({ begin: 0, end: -2, o: 11, op: 2 });
  });

  it('explicit pads that leave no output are rejected', () => {
    expect(violation(resolveOnnxAxis(h, 'NOTSET', 5, 4, null, 0))).toEqual({
      field: 'padding',
      message: 'output size would be 0 (full 9 + output_padding 0 - pads 5 - 4); it must be > 0',
    });
    expect(violation(resolveOnnxAxis(h, 'NOTSET', 6, 6, null, 2)).message).toBe(
      'output size would be -1 (full 9 + output_padding 2 - pads 6 - 6); it must be > 0',
    );
  });

  it('auto_pad SAME_*: o = i*s; an odd total puts the extra pixel at the end (UPPER) or start (LOWER)', () => {
    // full 7, o 6, total 1.
    expect(decided(w, resolveOnnxAxis(w, 'SAME_UPPER', 0, 0, null, 0))).toEqual({ begin: 0, end: 1, o: 6, op: 0 });
    expect(decided(w, resolveOnnxAxis(w, 'SAME_LOWER', 0, 0, null, 0))).toEqual({ begin: 1, end: 0, o: 6, op: 0 });
    // Even total: i=3, k=4, s=2: full 8, o 6, total 2 -> begin 1 for both.
    const even = axis(3, 4, 2);
    expect(decided(even, resolveOnnxAxis(even, 'SAME_UPPER', 0, 0, null, 0)).begin).toBe(1);
    expect(decided(even, resolveOnnxAxis(even, 'SAME_LOWER', 0, 0, null, 0)).begin).toBe(1);
    // output_padding joins the total (7 + 1 - 6 = 2) but not the size.
    expect(decided(w, resolveOnnxAxis(w, 'SAME_UPPER', 0, 0, null, 1))).toEqual({ begin: 1, end: 0, o: 6, op: 1 });
    // k_eff < s: full 5 < o 6, the negative total is clamped to 0.
    const sparse = axis(3, 1, 2);
    expect(decided(sparse, resolveOnnxAxis(sparse, 'SAME_LOWER', 0, 0, null, 0))).toEqual({
      begin: 0,
      end: -1,
      o: 6,
      op: 0,
    });
  });

  it('auto_pad VALID: no crop, o = full + output_padding', () => {
    expect(decided(w, resolveOnnxAxis(w, 'VALID', 0, 0, null, 0))).toEqual({ begin: 0, end: 0, o: 7, op: 0 });
    expect(decided(w, resolveOnnxAxis(w, 'VALID', 0, 0, null, 1))).toEqual({ begin: 0, end: -1, o: 8, op: 1 });
  });

  it('the total-padding split: SAME_UPPER begin = total/2, everything else total - total/2', () => {
    expect(onnxBeginCrop('SAME_UPPER', 5)).toBe(2);
    expect(onnxBeginCrop('SAME_LOWER', 5)).toBe(3);
    expect(onnxBeginCrop('NOTSET', 5)).toBe(3);
    expect(onnxBeginCrop('SAME_UPPER', 4)).toBe(2);
    expect(onnxBeginCrop('NOTSET', 4)).toBe(2);
    expect(onnxBeginCrop('NOTSET', -3)).toBe(0);
    expect(onnxBeginCrop('SAME_UPPER', -3)).toBe(0);
  });

  it('NOTSET + output_shape smaller than full: odd totals crop the extra pixel at the start', () => {
    // full 9, o 6: total 3 -> NOTSET/SAME_LOWER begin 2, SAME_UPPER begin 1.
    expect(decided(h, resolveOnnxAxis(h, 'NOTSET', 0, 0, 6, 0))).toEqual({ begin: 2, end: 1, o: 6, op: 0 });
    expect(decided(h, resolveOnnxAxis(h, 'SAME_LOWER', 0, 0, 6, 0))).toEqual({ begin: 2, end: 1, o: 6, op: 0 });
    expect(decided(h, resolveOnnxAxis(h, 'SAME_UPPER', 0, 0, 6, 0))).toEqual({ begin: 1, end: 2, o: 6, op: 0 });
    // Even total 2: all agree on begin 1.
    expect(decided(h, resolveOnnxAxis(h, 'NOTSET', 0, 0, 7, 0)).begin).toBe(1);
    // Explicit pads are ignored when output_shape is given.
    expect(decided(h, resolveOnnxAxis(h, 'NOTSET', 4, 4, 6, 0))).toEqual({ begin: 2, end: 1, o: 6, op: 0 });
  });

  it('NOTSET + output_shape larger than full: total clamped to 0, zeros at the end (test_convtranspose_output_shape)', () => {
    // strides [3, 2], output_shape [10, 8] on full 9 x 7: one extra zero row/column at the end.
    expect(decided(h, resolveOnnxAxis(h, 'NOTSET', 0, 0, 10, 0))).toEqual({ begin: 0, end: -1, o: 10, op: 0 });
    expect(decided(w, resolveOnnxAxis(w, 'NOTSET', 0, 0, 8, 0))).toEqual({ begin: 0, end: -1, o: 8, op: 0 });
    expect(decided(h, resolveOnnxAxis(h, 'NOTSET', 0, 0, 12, 0))).toEqual({ begin: 0, end: -3, o: 12, op: 0 });
    // test_convtranspose_kernel_shape: output_shape 10 with output_padding 1 -> total 0.
    expect(decided(h, resolveOnnxAxis(h, 'NOTSET', 0, 0, 10, 1))).toEqual({ begin: 0, end: -1, o: 10, op: 1 });
    // output_padding participates in the total: 9 + 2 - 8 = 3 -> NOTSET begin 2.
    expect(decided(h, resolveOnnxAxis(h, 'NOTSET', 0, 0, 8, 2))).toEqual({ begin: 2, end: -1, o: 8, op: 2 });
  });

  it('output_padding must be less than the stride or the dilation', () => {
    expect(onnxOutputPaddingViolation(axis(3, 3, 2), 1)).toBeNull();
    expect(onnxOutputPaddingViolation(axis(3, 3, 1, 3), 2)).toBeNull(); // < dilation
    expect(onnxOutputPaddingViolation(axis(3, 3, 1, 3), 3)).not.toBeNull();
    expect(onnxOutputPaddingViolation(axis(3, 3, 1), 1)).not.toBeNull();
    expect(violation(resolveOnnxAxis(axis(3, 3, 2), 'NOTSET', 0, 0, null, 2))).toEqual({
      field: 'output_padding',
      message:
        'ONNX requires output_padding to be less than the stride or the dilation: got 2 with stride 2, dilation 1',
    });
    // Checked for every form, output_shape included.
    expect(violation(resolveOnnxAxis(axis(3, 3, 2), 'SAME_UPPER', 0, 0, 6, 2)).field).toBe('output_padding');
  });
});

describe('PyTorch ConvTranspose', () => {
  it('o = (i-1)s - 2p + k_eff + op with begin p', () => {
    // The PyTorch doc example: i=2, k=2, s=1: p=0 -> 3, p=1 -> 1 (the centre).
    const doc = axis(2, 2, 1);
    expect(torchMinimumOutputSize(doc, 0)).toBe(3);
    expect(decided(doc, resolveTorchAxis(doc, 0, 0, null))).toEqual({ begin: 0, end: 0, o: 3, op: 0 });
    expect(decided(doc, resolveTorchAxis(doc, 1, 0, null))).toEqual({ begin: 1, end: 1, o: 1, op: 0 });
    // i=3, k=3, s=2, p=1: min 5; op 1 -> 6, endCrop p - op = 0.
    const a = axis(3, 3, 2);
    expect(torchMinimumOutputSize(a, 1)).toBe(5);
    expect(decided(a, resolveTorchAxis(a, 1, 1, null))).toEqual({ begin: 1, end: 0, o: 6, op: 1 });
    // Dilation 2: k_eff 5, full 9; p=2 -> 5.
    const dil = axis(3, 3, 2, 2);
    expect(decided(dil, resolveTorchAxis(dil, 2, 0, null))).toEqual({ begin: 2, end: 2, o: 5, op: 0 });
  });

  it('output_padding must be smaller than the stride or the dilation; negative totals are rejected', () => {
    expect(torchOutputPaddingViolation(axis(3, 3, 1, 2), 1)).toBeNull();
    expect(decided(axis(3, 3, 1, 2), resolveTorchAxis(axis(3, 3, 1, 2), 0, 1, null))).toEqual({
      begin: 0,
      end: -1,
      o: 8,
      op: 1,
    });
    expect(violation(resolveTorchAxis(axis(3, 3, 2), 1, 2, null))).toEqual({
      field: 'output_padding',
      message:
        'PyTorch requires output padding to be smaller than either stride or dilation: got 2 with stride 2, dilation 1',
    });
    expect(violation(resolveTorchAxis(axis(2, 3, 1), 2, 0, null))).toEqual({
      field: 'padding',
      message: 'output size would be 0 ((i-1)*s - 2*padding + k_eff + output_padding with padding 2); it must be > 0',
    });
  });

  it('output_size o is allowed in [min, min + s - 1] and means output_padding o - min', () => {
    const a = axis(3, 3, 2); // p=1: min 5, max 6
    expect(decided(a, resolveTorchAxis(a, 1, null, 5))).toEqual({ begin: 1, end: 1, o: 5, op: 0 });
    expect(decided(a, resolveTorchAxis(a, 1, null, 6))).toEqual({ begin: 1, end: 0, o: 6, op: 1 });
    expect(violation(resolveTorchAxis(a, 1, null, 7))).toEqual({
      field: 'output_shape',
      message:
        'PyTorch: requested an output size of 7, but valid sizes range from 5 to 6 (input 3, stride 2, padding 1)',
    });
    expect(violation(resolveTorchAxis(a, 1, null, 4)).message).toBe(
      'PyTorch: requested an output size of 4, but valid sizes range from 5 to 6 (input 3, stride 2, padding 1)',
    );
    // s = 4: full 6 = min (p 0), sizes 6..9.
    const wide = axis(2, 2, 4, 1);
    expect(torchMinimumOutputSize(wide, 0)).toBe(6);
    expect(decided(wide, resolveTorchAxis(wide, 0, null, 9))).toEqual({ begin: 0, end: -3, o: 9, op: 3 });
    expect(isViolation(resolveTorchAxis(wide, 0, null, 10))).toBe(true);
    // Stride 1 allows only min, even with a dilation that would permit output_padding 1.
    const dilated = axis(3, 3, 1, 2); // full 7
    expect(violation(resolveTorchAxis(dilated, 0, null, 8)).message).toBe(
      'PyTorch: requested an output size of 8, but valid sizes range from 7 to 7 (input 3, stride 1, padding 0)',
    );
  });

  it('refuses output_size and output_padding together', () => {
    expect(violation(resolveTorchAxis(axis(3, 3, 2), 1, 1, 6))).toEqual({
      field: 'output_padding',
      message: 'with PyTorch padding give either output_shape (forward(..., output_size)) or output_padding, not both',
    });
  });
});

describe('the rules applied per axis by resolveGeometry', () => {
  const base: CaseSpec = { name: 'c', input: [1, 1, 3, 3], out_channels: 1, kernel: [3, 3], strides: [3, 2] };
  const cropsOf = (spec: CaseSpec): number[][] | readonly GeometryIssue[] => {
    const result = resolveGeometry(spec);
    return result.ok ? result.geometry.axes.map((a) => [a.beginCrop, a.endCrop, a.outputSize]) : result.issues;
  };

  it('an integer applies to every axis, a list gives one value per axis', () => {
    // test_convtranspose_output_shape: full 9 x 7, output_shape [10, 8].
    expect(cropsOf({ ...base, padding: { auto_pad: 'NOTSET' }, output_shape: [10, 8] })).toEqual([
      [0, -1, 10],
      [0, -1, 8],
    ]);
    // stride 2 on both axes (full 7), PyTorch padding [1, 0], output_padding 1 on both.
    expect(cropsOf({ ...base, strides: 2, padding: [1, 0], output_padding: 1 })).toEqual([
      [1, 0, 6],
      [0, -1, 8],
    ]);
  });

  it('names the failing axis', () => {
    // H (s=3) accepts 7 in [7, 9]; W (s=2) rejects 4 outside [5, 6].
    expect(cropsOf({ ...base, padding: 'SAME', output_shape: [7, 4] })).toEqual([
      {
        field: 'output_shape',
        message: `TensorFlow rejects output size 4 for input 3, kernel 3, stride 2, dilation 1: SAME needs ceil(o/s) = i, i.e. o in [5, 6] ${CONV2D_BACKPROP} (axis W)`,
      },
    ]);
  });

  it('refuses PyTorch output_size together with output_padding, and per-axis lists of the wrong length', () => {
    expect(cropsOf({ ...base, padding: 1, output_shape: [7, 5], output_padding: [0, 0] })).toEqual([
      {
        field: 'output_padding',
        message:
          'with PyTorch padding give either output_shape (forward(..., output_size)) or output_padding, not both',
      },
    ]);
    expect(cropsOf({ ...base, strides: [2, 2, 2], dilations: [1, 1, 1] })).toEqual([
      { field: 'strides', message: 'strides has 3 values but the kernel has 2 spatial axes' },
      { field: 'dilations', message: 'dilations has 3 values but the kernel has 2 spatial axes' },
    ]);
  });
});
