/**
 * The onnxruntime runner against real ONNX Runtime (onnxruntime-node, CPU): every ONNX spelling
 * (variant) of each geometry must reproduce the float64 reference within the float32 error
 * bound. Where ORT 1.30 departs from the ONNX spec, the departure is pinned in the shared
 * ONNX_DIVERGENCES (test/helpers/onnxRunnerSuite.ts) with the spec clause and a link, and the
 * test checks that ORT still behaves exactly that way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildConvTransposeModel } from '../runners/onnx/model.js';
import { cachedSessionCount, modelKey, sessionFor } from '../runners/onnx/session.js';
import { modelFor, onnxruntimeRunner } from '../runners/onnxruntime.js';
import {
  describeOnnxSpellings,
  itReusesSessions,
  itThrowsForUnspelledVariant,
  ONNX_CASES,
} from './helpers/onnxRunnerSuite.js';
import { geometryOf } from './helpers/runnerChecks.js';

beforeAll(async () => {
  expect(await onnxruntimeRunner.load()).toMatch(/^onnxruntime-node 1\.30\.\d+$/);
});

describeOnnxSpellings({ runner: onnxruntimeRunner, label: 'ORT', errorPrefix: '' });

describe('plan', () => {
  it('lists one expression per expressible ONNX spelling, with the exact attributes', () => {
    const plan = onnxruntimeRunner.plan(geometryOf(ONNX_CASES['same-upper-odd']!));
    expect(plan.supported && plan.expressions.map((e) => e.variant)).toEqual([
      'pads',
      'auto_pad=SAME_UPPER',
      'output_shape+SAME_UPPER',
    ]);
    const sameUpper = plan.supported ? plan.expressions[1]! : undefined;
    expect(sameUpper?.call).toEqual({
      op: 'ConvTranspose (ai.onnx opset 17)',
      attributes: { kernel_shape: [3, 4], strides: [2, 1], dilations: [1, 1], group: 1, auto_pad: 'SAME_UPPER' },
      layouts: { X: 'NCHW', W: 'C,M/group,k...', Y: 'NCHW' },
      shapes: { X: [1, 1, 3, 3], W: [1, 1, 3, 4], Y: [1, 1, 6, 3] },
    });
  });

  it('states the channels-last transposition and feeds ORT channels-first shapes', () => {
    const plan = onnxruntimeRunner.plan(geometryOf(ONNX_CASES['nhwc']!));
    const call = plan.supported ? plan.expressions[0]!.call : undefined;
    expect(call?.layouts).toEqual({
      X: "NCHW (tconv transposes from the case's NHWC)",
      W: 'C,M/group,k...',
      B: 'M',
      Y: "NCHW (tconv transposes to the case's NHWC)",
    });
    expect(call?.shapes).toEqual({ X: [2, 3, 4, 5], W: [3, 4, 3, 2], Y: [2, 4, 8, 13], B: [4] });
  });
});

describe('errors and sessions', () => {
  // The spec allows output_padding < stride OR < dilation; ORT 1.30 requires < stride (CONVENTIONS.md).
  const rejected = geometryOf(ONNX_CASES['output-padding-below-dilation']!);

  it("returns ORT's rejection as status 'error' with ORT's message", async () => {
    const plan = onnxruntimeRunner.plan(rejected);
    const pads = plan.supported ? plan.expressions.find((e) => e.variant === 'pads') : undefined;
    expect(pads?.call.attributes).toMatchObject({ output_padding: [1], strides: [1], dilations: [2] });
    const tensors = { input: new Float32Array(4).fill(1), weight: new Float32Array(3).fill(1), bias: null };
    const result = await onnxruntimeRunner.execute(rejected, pads!, tensors);
    expect(result).toEqual({
      status: 'error',
      message: expect.stringContaining('output_padding (1) may be too large for stride (1)'),
    });
  });

  it('builds identical bytes for identical attributes, whatever their key order', () => {
    const shapes = { X: [1, 2, 3, 3], W: [2, 1, 3, 3], B: [1] };
    const a = buildConvTransposeModel(
      { kernel_shape: [3, 3], strides: [2, 2], dilations: [1, 1], group: 1, pads: [1, 1, 1, 1] },
      shapes,
    );
    const b = buildConvTransposeModel(
      { pads: [1, 1, 1, 1], group: 1, dilations: [1, 1], strides: [2, 2], kernel_shape: [3, 3] },
      shapes,
    );
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(modelKey(a)).toBe(modelKey(b));
  });

  itReusesSessions({ runner: onnxruntimeRunner, model: modelFor, sessionFor, cachedSessionCount });

  itThrowsForUnspelledVariant(onnxruntimeRunner, /no expressible ONNX spelling/);
});
