/**
 * The onnxruntime runner against real ONNX Runtime (onnxruntime-node, CPU): every ONNX spelling
 * (variant) of each geometry must reproduce the float64 reference within the float32 error
 * bound. Where ORT 1.30 departs from the ONNX spec, the departure is pinned in DIVERGENCES with
 * the spec clause and a link, and the test checks that ORT still behaves exactly that way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseSpec } from '../src/case/types.js';
import { caseTensors } from '../src/data/tensors.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { convTransposeReference, float32ErrorBound } from '../src/reference/index.js';
import { rowMajorStrides, type CaseTensors } from '../src/tensor.js';
import { buildConvTransposeModel } from '../runners/onnx/model.js';
import { cachedSessionCount, modelKey, sessionFor } from '../runners/onnx/session.js';
import { modelFor, onnxruntimeRunner } from '../runners/onnxruntime.js';
import type { ExecuteResult, Expression } from '../runners/types.js';

type Spec = Omit<CaseSpec, 'name'>;

const CASES: Readonly<Record<string, Spec>> = {
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
  '3d-bias': {
    input: [1, 2, 3, 4, 3],
    out_channels: 3,
    kernel: [2, 3, 2],
    strides: [2, 1, 3],
    bias: true,
    padding: { pads: [1, 0, 1, 0, 1, 1] },
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
  'ORT clamps the total padding at 0 (ComputeTotalPad, std::max(0, ...)) and returns min(i*s, full + output_padding), ' +
  'so when k_eff + output_padding < s the output is full + output_padding long, not i*s; the elements it does return equal the reference.';
const OUTPUT_SHAPE_RANGE =
  'ONNX ConvTranspose, output_shape: pads are generated from total_padding = s(i-1) + output_padding + k_eff - output_shape, and ' +
  '"pads ... can take any value greater than or equal to 0", so an output_shape past full + output_padding is outside the spec. ' +
  'tconv reads it as zeros (plus bias) past full; ORT 1.30 does so only up to full + s - 1 and rejects output_shape >= full + s at run time.';
const AUTO_PAD_LINK =
  'https://github.com/onnx/onnx/blob/main/docs/Operators.md#ConvTranspose; ORT: ' +
  'https://github.com/microsoft/onnxruntime/blob/main/onnxruntime/core/providers/cpu/nn/conv_transpose_attributes.h';
// The consistency check that rejects it (ORT's message: "Explicit output_shape is inconsistent ...").
const OUTPUT_SHAPE_LINK = 'https://github.com/microsoft/onnxruntime/pull/29446';

type Divergence = { readonly reason: string; readonly link: string } & (
  | { readonly kind: 'shape'; readonly ortShape: readonly number[] }
  | { readonly kind: 'error'; readonly message: RegExp }
);

/** `${case}/${variant}` -> what ORT 1.30 does instead of the reference. */
const DIVERGENCES: Readonly<Record<string, Divergence>> = {
  'same-kernel-below-stride/auto_pad=SAME_UPPER': {
    kind: 'shape',
    ortShape: [1, 1, 5, 5],
    reason: AUTO_PAD_SHAPE,
    link: AUTO_PAD_LINK,
  },
  'same-kernel-below-stride/auto_pad=SAME_LOWER': {
    kind: 'shape',
    ortShape: [1, 1, 5, 5],
    reason: AUTO_PAD_SHAPE,
    link: AUTO_PAD_LINK,
  },
  'output-shape-too-large/output_shape': {
    kind: 'error',
    message: /Explicit output_shape is inconsistent with input spatial dimensions.*output_size=11, kernel=3, stride=2/,
    reason: OUTPUT_SHAPE_RANGE,
    link: OUTPUT_SHAPE_LINK,
  },
  'output-shape-too-large/output_shape+SAME_UPPER': {
    kind: 'error',
    message: /Explicit output_shape is inconsistent with input spatial dimensions.*output_size=11, kernel=3, stride=2/,
    reason: OUTPUT_SHAPE_RANGE,
    link: OUTPUT_SHAPE_LINK,
  },
};

function geometryOf(spec: Spec, name = 'ort'): ConvTransposeGeometry {
  const result = resolveGeometry({ name, ...spec });
  if (!result.ok) throw new Error(`${name}: ${result.issues.map((issue) => issue.message).join('; ')}`);
  return result.geometry;
}

interface Setup {
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  readonly expressions: readonly Expression[];
}

function setup(name: string, spec: Spec): Setup {
  const geometry = geometryOf(spec, name);
  const plan = onnxruntimeRunner.plan(geometry);
  if (!plan.supported) throw new Error(`${name}: ${plan.reason}`);
  return { geometry, tensors: caseTensors({ name, ...spec }, geometry, 7), expressions: plan.expressions };
}

/**
 * Indices (of `output`) where ORT's output leaves the reference's float32 error bound. `shape`
 * is ORT's shape when it differs: then `output` is compared with the reference's leading block.
 */
function outOfBound(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  output: ArrayLike<number>,
  shape = geometry.outputShape,
): number[] {
  const reference = convTransposeReference(geometry, tensors);
  const sources = leadingBlock(geometry.outputShape, shape);
  const bad: number[] = [];
  sources.forEach((source, index) => {
    const expected = reference.output[source]!;
    const bound = float32ErrorBound(reference.termCount[source]!, reference.absSum[source]!, expected);
    if (!(Math.abs(output[index]! - expected) <= bound)) bad.push(index);
  });
  return bad;
}

/** Row-major indices into a `fullShape` tensor of its leading `shape` block (no larger on any axis). */
function leadingBlock(fullShape: readonly number[], shape: readonly number[]): number[] {
  const fullStrides = rowMajorStrides(fullShape);
  const strides = rowMajorStrides(shape);
  const count = shape.reduce((product, size) => product * size, 1);
  return Array.from({ length: count }, (_, flat) =>
    shape.reduce((source, size, axis) => source + (Math.floor(flat / strides[axis]!) % size) * fullStrides[axis]!, 0),
  );
}

function expectOk(result: ExecuteResult): asserts result is Extract<ExecuteResult, { status: 'ok' }> {
  if (result.status !== 'ok') expect.fail(`onnxruntime error: ${result.message}`);
}

beforeAll(async () => {
  expect(await onnxruntimeRunner.load()).toMatch(/^onnxruntime-node 1\.30\.\d+$/);
});

describe('every ONNX spelling matches the reference (or a pinned divergence)', () => {
  for (const [name, spec] of Object.entries(CASES)) {
    const { geometry, tensors, expressions } = setup(name, spec);
    for (const expression of expressions) {
      const key = `${name}/${expression.variant}`;
      const divergence = DIVERGENCES[key];
      if (!divergence) {
        it(key, async () => {
          const result = await onnxruntimeRunner.execute(geometry, expression, tensors);
          expectOk(result);
          expect(result.shape).toEqual(geometry.outputShape);
          expect(result.output).toBeInstanceOf(Float32Array);
          expect(outOfBound(geometry, tensors, result.output)).toEqual([]);
        });
        continue;
      }
      it(`${key} diverges: ${divergence.kind === 'shape' ? `ORT shape ${divergence.ortShape.join('x')}` : 'ORT rejects'}`, async () => {
        const result = await onnxruntimeRunner.execute(geometry, expression, tensors);
        if (divergence.kind === 'error') {
          expect(result).toMatchObject({ status: 'error', message: expect.stringMatching(divergence.message) });
          return;
        }
        expectOk(result);
        expect(result.shape).toEqual(divergence.ortShape);
        // What ORT does return is right: the reference's leading block of ORT's shape.
        expect(outOfBound(geometry, tensors, result.output, result.shape)).toEqual([]);
      });
    }
  }

  it('every divergence entry names a variant the runner plans', () => {
    const planned = Object.entries(CASES).flatMap(([name, spec]) =>
      setup(name, spec).expressions.map((e) => `${name}/${e.variant}`),
    );
    expect(planned).toEqual(expect.arrayContaining(Object.keys(DIVERGENCES)));
  });
});

describe('hand-checked values', () => {
  it('ONNX backend test convtranspose_pads: x = 0..8, W = ones', async () => {
    const { geometry, expressions } = setup('onnx-doc-pads', CASES['onnx-doc-pads']!);
    const expression = expressions.find((e) => e.variant === 'pads');
    const tensors = {
      input: Float32Array.from({ length: 9 }, (_, i) => i),
      weight: new Float32Array(18).fill(1),
      bias: null,
    };
    const result = await onnxruntimeRunner.execute(geometry, expression!, tensors);
    expectOk(result);
    const channel = [1, 1, 3, 1, 1, 3, 7, 4, 9, 7, 4, 9, 7, 4, 9, 13, 7, 15, 13, 7, 15];
    expect([...result.output]).toEqual([...channel, ...channel]);
  });
});

describe('plan', () => {
  it('lists one expression per expressible ONNX spelling, with the exact attributes', () => {
    const plan = onnxruntimeRunner.plan(geometryOf(CASES['same-upper-odd']!));
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
    const plan = onnxruntimeRunner.plan(geometryOf(CASES['nhwc']!));
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
  const rejected = geometryOf({
    input: [1, 1, 4],
    out_channels: 1,
    kernel: [3],
    strides: 1,
    dilations: 2,
    padding: { pads: [0, 0] },
    output_padding: 1,
  });

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

  it('returns the same session for identical model bytes, and executes reuse it', async () => {
    const geometry = geometryOf(CASES['dilations']!);
    const bytes = modelFor(geometry, 'pads');
    const first = await sessionFor(bytes);
    expect(await sessionFor(Uint8Array.from(bytes))).toBe(first);
    const count = cachedSessionCount();
    const { tensors, expressions } = setup('dilations', CASES['dilations']!);
    await onnxruntimeRunner.execute(
      geometry,
      expressions.find((e) => e.variant === 'pads')!,
      tensors,
    );
    expect(cachedSessionCount()).toBe(count);
  });

  it('throws (a harness bug, not an ORT error) for a variant the geometry has no spelling for', async () => {
    const geometry = geometryOf(CASES['dilations']!);
    const bogus: Expression = {
      variant: 'auto_pad=NOPE',
      call: { op: 'ConvTranspose', attributes: {}, layouts: {}, shapes: {} },
    };
    await expect(
      onnxruntimeRunner.execute(geometry, bogus, setup('dilations', CASES['dilations']!).tensors),
    ).rejects.toThrow(/no expressible ONNX spelling/);
  });
});
