/**
 * The suite both ONNX Runtime runners (onnxruntime: the native CPU build; onnxruntime-web: the
 * WebAssembly build) must pass: every ONNX spelling (variant) of each geometry reproduces the
 * float64 reference within the float32 error bound, or departs from it exactly as DIVERGENCES
 * pins (the web build runs the same CPU kernel compiled to WebAssembly, so the departures are the
 * same; only the web build wraps a kernel's error message in its OrtRun prefix).
 */
import { describe, expect, it } from 'vitest';
import type { Expression, Runner } from '../../runners/types.js';
import { expectOk, outOfBound, setupCase, unplannedExpression, type Spec } from './runnerChecks.js';

export const ONNX_CASES: Readonly<Record<string, Spec>> = {
  // The ONNX backend test 'convtranspose_pads' geometry (Operators.md, ConvTranspose examples).
  'onnx-doc-pads': {
    input: [1, 1, 3, 3],
    out_channels: 2,
    kernel: [3, 3],
    strides: [3, 2],
    padding: { pads: [1, 2, 1, 2] },
  },
  '1d-dilated-bias': {
    input: [2, 3, 7],
    out_channels: 4,
    kernel: [4],
    strides: 3,
    dilations: 2,
    bias: true,
    padding: { pads: [2, 1] },
  },
  // total = s(i-1) + k - i*s = 1: odd, SAME_LOWER puts the odd pixel at the start.
  '1d-groups-same-lower-odd': {
    input: [1, 4, 5],
    out_channels: 6,
    group: 2,
    kernel: [3],
    strides: 2,
    bias: true,
    padding: { auto_pad: 'SAME_LOWER' },
  },
  '3d-bias': {
    input: [1, 2, 3, 4, 3],
    out_channels: 3,
    kernel: [2, 3, 2],
    strides: [2, 1, 3],
    bias: true,
    padding: { pads: [1, 0, 1, 0, 1, 1] },
  },
  // full is 6x5x4; NOTSET + output_shape crops it to 5x4x4.
  '3d-groups-dilated-output-shape': {
    input: [1, 4, 3, 3, 2],
    out_channels: 4,
    group: 2,
    kernel: [2, 2, 2],
    strides: [2, 1, 2],
    dilations: [1, 2, 1],
    bias: true,
    padding: { auto_pad: 'NOTSET' },
    output_shape: [5, 4, 4],
  },
  'groups-m-per-group-3': {
    input: [2, 4, 4, 5],
    out_channels: 6,
    group: 2,
    kernel: [3, 3],
    strides: 2,
    bias: true,
    padding: { pads: [1, 1, 1, 1] },
  },
  dilations: {
    input: [1, 2, 5, 5],
    out_channels: 2,
    kernel: [3, 3],
    strides: 2,
    dilations: [2, 3],
    padding: { pads: [2, 1, 3, 2] },
  },
  nhwc: {
    input: [2, 4, 5, 3],
    layout: 'NHWC',
    out_channels: 4,
    kernel: [3, 2],
    strides: [2, 3],
    bias: true,
    padding: { pads: [1, 0, 0, 1] },
  },
  'ndhwc-groups': {
    input: [1, 2, 3, 4, 4],
    layout: 'NDHWC',
    out_channels: 4,
    group: 2,
    kernel: [2, 2, 2],
    strides: [1, 2, 2],
    bias: true,
    padding: { pads: [0, 1, 0, 1, 0, 1] },
  },
  'output-padding': {
    input: [1, 2, 4, 4],
    out_channels: 3,
    kernel: [3, 3],
    strides: 3,
    padding: { pads: [1, 1, 1, 1] },
    output_padding: [2, 1],
  },
  'same-upper-odd': {
    input: [1, 1, 3, 3],
    out_channels: 1,
    kernel: [3, 4],
    strides: [2, 1],
    padding: { auto_pad: 'SAME_UPPER' },
  },
  'same-lower-odd': {
    input: [1, 1, 3, 3],
    out_channels: 1,
    kernel: [3, 4],
    strides: [2, 1],
    padding: { auto_pad: 'SAME_LOWER' },
  },
  // onnx/onnx#4299: shape inference says 7x7, the spec text (and ORT) i*s = 6x6.
  'same-upper-output-padding': {
    input: [1, 2, 3, 3],
    out_channels: 1,
    kernel: [3, 3],
    strides: 2,
    padding: { auto_pad: 'SAME_UPPER' },
    output_padding: 1,
  },
  'output-shape-smaller': {
    input: [1, 1, 4, 4],
    out_channels: 1,
    kernel: [3, 3],
    strides: 2,
    padding: { auto_pad: 'NOTSET' },
    output_shape: [6, 7],
  },
  // full is 12x15; up to s - 1 = 2 rows past it (zeros plus bias).
  'output-shape-larger': {
    input: [1, 2, 4, 5],
    out_channels: 2,
    kernel: [3, 3],
    strides: 3,
    bias: true,
    padding: { auto_pad: 'NOTSET' },
    output_shape: [13, 17],
  },
  // full is 9x9; 11 is s = 2 past it.
  'output-shape-too-large': {
    input: [1, 1, 4, 4],
    out_channels: 2,
    kernel: [3, 3],
    strides: 2,
    bias: true,
    padding: { auto_pad: 'NOTSET' },
    output_shape: [11, 10],
  },
  // k_eff = 1 < s = 2: SAME wants i*s = 6, the full output is only 5.
  'same-kernel-below-stride': {
    input: [1, 1, 3, 3],
    out_channels: 1,
    kernel: [1, 1],
    strides: 2,
    bias: true,
    padding: { auto_pad: 'SAME_UPPER' },
  },
  // k_eff + output_padding = 2 < s = 3 on both axes: SAME wants 9x12, full + output_padding is 8x11.
  'same-lower-output-padding-kernel-below-stride': {
    input: [1, 2, 3, 4],
    out_channels: 2,
    kernel: [1, 2],
    strides: 3,
    bias: true,
    padding: { auto_pad: 'SAME_LOWER' },
    output_padding: [1, 0],
  },
  // The spec allows output_padding < stride OR < dilation; ORT 1.30 requires < stride.
  'output-padding-below-dilation': {
    input: [1, 1, 4],
    out_channels: 1,
    kernel: [3],
    strides: 1,
    dilations: 2,
    padding: { pads: [0, 0] },
    output_padding: 1,
  },
  'tf-same-nhwc': { input: [1, 2, 2, 1], layout: 'NHWC', out_channels: 1, kernel: [3, 3], strides: 2, padding: 'SAME' },
  'torch-output-padding': {
    input: [1, 2, 3, 3],
    out_channels: 2,
    kernel: [3, 3],
    strides: 2,
    padding: 1,
    output_padding: 1,
  },
};

const AUTO_PAD_SHAPE =
  'ONNX ConvTranspose, auto_pad: "SAME_UPPER or SAME_LOWER mean pad the input so that output_shape[i] = input_shape[i] * strides[i]". ' +
  'ORT 1.30 (native, and the web build: the same CPU kernel compiled to WebAssembly) clamps the total padding at 0 ' +
  '(ComputeTotalPad, std::max(0, ...)) and returns min(i*s, full + output_padding), so when k_eff + output_padding < s ' +
  'the output is full + output_padding long, not i*s; the elements it does return equal the reference.';
const OUTPUT_SHAPE_RANGE =
  'ONNX ConvTranspose, output_shape: pads are generated from total_padding = s(i-1) + output_padding + k_eff - output_shape, and ' +
  '"pads ... can take any value greater than or equal to 0", so an output_shape past full + output_padding is outside the spec. ' +
  'tconv reads it as zeros (plus bias) past full; ORT 1.30 does so only up to full + s - 1 and ' +
  'rejects output_shape >= full + s at run time.';
const OUTPUT_PADDING_DILATION =
  'ONNX ConvTranspose, output_padding: "must be less than either stride or dilation" (Operators.md attribute text). ' +
  'ORT 1.30 requires output_padding < stride: its kernel recomputes the input size from the ' +
  'output shape and rejects the mismatch at run time.';
const AUTO_PAD_LINK =
  'https://github.com/onnx/onnx/blob/main/docs/Operators.md#ConvTranspose; ORT: ' +
  'https://github.com/microsoft/onnxruntime/blob/main/onnxruntime/core/providers/cpu/nn/conv_transpose_attributes.h';
// The consistency check that rejects an output_shape (ORT's message: "Explicit output_shape is inconsistent ...").
const OUTPUT_SHAPE_LINK = 'https://github.com/microsoft/onnxruntime/pull/29446';

/** What the kernel says when output_padding >= stride (but < dilation) on some axis. */
const outputPaddingRejected = (expected: number, got: number): string =>
  'Computed output shape is inconsistent with input spatial dimensions. output_padding (1) may be too large for ' +
  `stride (1). Expected input size ${expected} but got ${got}.`;
/** The same, when output_shape is given: the check added by onnxruntime PR #29446 catches it first. */
const outputShapeRejected = (detail: string): string =>
  `Explicit output_shape is inconsistent with input spatial dimensions and convolution parameters. ${detail}`;
// Axis 0: full 9, output_shape 11 = full + s.
const OUTPUT_SHAPE_REJECTED = outputShapeRejected(
  'Expected input size 5 but got 4 (output_size=11, kernel=3, stride=2, dilation=1, output_padding=0).',
);
const OUTPUT_PADDING_DILATION_REJECTED = outputShapeRejected(
  'Expected input size 5 but got 4 (output_size=9, kernel=3, stride=1, dilation=2, output_padding=1).',
);

export type OnnxDivergence = { readonly reason: string; readonly link: string } & (
  | { readonly kind: 'shape'; readonly shape: readonly number[] }
  /** The kernel's run-time status message, whole. */
  | { readonly kind: 'error'; readonly message: string }
);

const autoPadShape = (shape: readonly number[]): OnnxDivergence => ({
  kind: 'shape',
  shape,
  reason: AUTO_PAD_SHAPE,
  link: AUTO_PAD_LINK,
});
const rejected = (message: string, reason: string, link: string): OnnxDivergence => ({
  kind: 'error',
  message,
  reason,
  link,
});

/** `${case}/${variant}` -> what ORT 1.30 (both builds) does instead of the reference. */
export const ONNX_DIVERGENCES: Readonly<Record<string, OnnxDivergence>> = {
  'same-kernel-below-stride/auto_pad=SAME_UPPER': autoPadShape([1, 1, 5, 5]),
  'same-kernel-below-stride/auto_pad=SAME_LOWER': autoPadShape([1, 1, 5, 5]),
  'same-lower-output-padding-kernel-below-stride/auto_pad=SAME_LOWER': autoPadShape([1, 2, 8, 11]),
  'same-lower-output-padding-kernel-below-stride/auto_pad=SAME_UPPER': autoPadShape([1, 2, 8, 11]),
  'output-shape-too-large/output_shape': rejected(OUTPUT_SHAPE_REJECTED, OUTPUT_SHAPE_RANGE, OUTPUT_SHAPE_LINK),
  'output-shape-too-large/output_shape+SAME_UPPER': rejected(
    OUTPUT_SHAPE_REJECTED,
    OUTPUT_SHAPE_RANGE,
    OUTPUT_SHAPE_LINK,
  ),
  'output-padding-below-dilation/pads': rejected(outputPaddingRejected(5, 4), OUTPUT_PADDING_DILATION, AUTO_PAD_LINK),
  'output-padding-below-dilation/auto_pad=VALID': rejected(
    outputPaddingRejected(5, 4),
    OUTPUT_PADDING_DILATION,
    AUTO_PAD_LINK,
  ),
  'output-padding-below-dilation/output_shape': rejected(
    OUTPUT_PADDING_DILATION_REJECTED,
    OUTPUT_PADDING_DILATION,
    OUTPUT_SHAPE_LINK,
  ),
  'output-padding-below-dilation/output_shape+SAME_UPPER': rejected(
    OUTPUT_PADDING_DILATION_REJECTED,
    OUTPUT_PADDING_DILATION,
    OUTPUT_SHAPE_LINK,
  ),
  // The spelling needs output_padding [1, 1, 0] to reproduce the crop; axis 1 has stride 1, dilation 2.
  '3d-groups-dilated-output-shape/output_shape+SAME_UPPER': rejected(
    outputShapeRejected(
      'Expected input size 4 but got 3 (output_size=4, kernel=2, stride=1, dilation=2, output_padding=1).',
    ),
    OUTPUT_PADDING_DILATION,
    OUTPUT_SHAPE_LINK,
  ),
};

/** How ORT reports a kernel's run-time error (both builds), before the kernel's own message. */
const KERNEL_STATUS =
  "Non-zero status code returned while running ConvTranspose node. Name:'conv_transpose' Status Message: ";

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface OnnxRunnerOptions {
  readonly runner: Runner;
  /** How test names and failures call the build: 'ORT', 'web'. */
  readonly label: string;
  /** What the build puts before ORT's status message ('' for the native build). */
  readonly errorPrefix: string;
}

/** The whole error message of a divergence that rejects, as the build reports it. */
export function kernelErrorPattern(options: OnnxRunnerOptions, message: string): RegExp {
  return new RegExp(`^${escape(options.errorPrefix + KERNEL_STATUS + message)}$`);
}

export const setupOnnxCase = (runner: Runner, name: string): ReturnType<typeof setupCase> =>
  setupCase(runner, name, ONNX_CASES[name]!);

/**
 * Registers 'every ONNX spelling matches the reference (or a pinned divergence)' and
 * 'hand-checked values' for one ONNX Runtime runner (loaded by the caller's beforeAll).
 */
export function describeOnnxSpellings(options: OnnxRunnerOptions): void {
  const { runner, label } = options;

  describe('every ONNX spelling matches the reference (or a pinned divergence)', () => {
    for (const name of Object.keys(ONNX_CASES)) {
      const { geometry, tensors, expressions } = setupOnnxCase(runner, name);
      for (const expression of expressions) {
        const key = `${name}/${expression.variant}`;
        const divergence = ONNX_DIVERGENCES[key];
        if (!divergence) {
          it(key, async () => {
            const result = await runner.execute(geometry, expression, tensors);
            expectOk(result, runner.name);
            expect(result.shape).toEqual(geometry.outputShape);
            expect(result.output).toBeInstanceOf(Float32Array);
            expect(outOfBound(geometry, tensors, result.output)).toEqual([]);
          });
          continue;
        }
        const outcome =
          divergence.kind === 'shape' ? `${label} shape ${divergence.shape.join('x')}` : `${label} rejects`;
        it(`${key} diverges: ${outcome}`, async () => {
          const result = await runner.execute(geometry, expression, tensors);
          if (divergence.kind === 'error') {
            expect(result).toMatchObject({
              status: 'error',
              message: expect.stringMatching(kernelErrorPattern(options, divergence.message)),
            });
            return;
          }
          expectOk(result, runner.name);
          expect(result.shape).toEqual(divergence.shape);
          // What the build does return is right: the reference's leading block of its shape.
          expect(outOfBound(geometry, tensors, result.output, result.shape)).toEqual([]);
        });
      }
    }

    it('every divergence entry names a variant the runner plans', () => {
      const planned = Object.keys(ONNX_CASES).flatMap((name) =>
        setupOnnxCase(runner, name).expressions.map((e) => `${name}/${e.variant}`),
      );
      expect(planned).toEqual(expect.arrayContaining(Object.keys(ONNX_DIVERGENCES)));
    });
  });

  describe('hand-checked values', () => {
    it('ONNX backend test convtranspose_pads: x = 0..8, W = ones', async () => {
      const { geometry, expressions } = setupOnnxCase(runner, 'onnx-doc-pads');
      const expression = expressions.find((e) => e.variant === 'pads');
      const tensors = {
        input: Float32Array.from({ length: 9 }, (_, i) => i),
        weight: new Float32Array(18).fill(1),
        bias: null,
      };
      const result = await runner.execute(geometry, expression!, tensors);
      expectOk(result, runner.name);
      const channel = [1, 1, 3, 1, 1, 3, 7, 4, 9, 7, 4, 9, 7, 4, 9, 13, 7, 15, 13, 7, 15];
      expect([...result.output]).toEqual([...channel, ...channel]);
    });
  });
}

export interface SessionCacheOptions {
  readonly runner: Runner;
  /** The model bytes the runner builds for a variant. */
  readonly model: (geometry: ReturnType<typeof setupCase>['geometry'], variant: string) => Uint8Array;
  readonly sessionFor: (bytes: Uint8Array) => Promise<unknown>;
  readonly cachedSessionCount: () => number;
}

/** The session cache: one session per distinct model, reused by execute. */
export function itReusesSessions(options: SessionCacheOptions): void {
  it('returns the same session for identical model bytes, and executes reuse it', async () => {
    const { runner } = options;
    const { geometry, tensors, expressions } = setupOnnxCase(runner, 'dilations');
    const bytes = options.model(geometry, 'pads');
    const first = await options.sessionFor(bytes);
    expect(await options.sessionFor(Uint8Array.from(bytes))).toBe(first);
    const count = options.cachedSessionCount();
    await runner.execute(
      geometry,
      expressions.find((e) => e.variant === 'pads')!,
      tensors,
    );
    expect(options.cachedSessionCount()).toBe(count);
  });
}

/** An unplanned variant is a harness bug: execute throws instead of returning an ORT error. */
export function itThrowsForUnspelledVariant(runner: Runner, message: RegExp): void {
  it('throws (a harness bug, not an ORT error) for a variant the geometry has no spelling for', async () => {
    const { geometry, tensors } = setupOnnxCase(runner, 'dilations');
    const bogus: Expression = unplannedExpression('auto_pad=NOPE', 'ConvTranspose');
    await expect(runner.execute(geometry, bogus, tensors)).rejects.toThrow(message);
  });
}
