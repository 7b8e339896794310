/**
 * The onnxruntime-web runner against real onnxruntime-web (the WebAssembly build, 'wasm'
 * execution provider, one thread) in Node: every ONNX spelling (variant) of each geometry must
 * reproduce the float64 reference within the float32 error bound. Where the web build departs
 * from the ONNX spec the departure is pinned in DIVERGENCES, and every variant's status and shape
 * is also checked against the native build (onnxruntime-node, CPU), so a change in either build
 * shows up here.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaseSpec } from '../src/case/types.js';
import { caseTensors } from '../src/data/tensors.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { convTransposeReference, float32ErrorBound } from '../src/reference/index.js';
import { rowMajorStrides, type CaseTensors } from '../src/tensor.js';
import { RunnerProcess } from '../runners/host/process.js';
import { variantModel } from '../runners/onnx/execute.js';
import { onnxruntimeRunner } from '../runners/onnxruntime.js';
import {
  cachedWebSessionCount,
  onnxruntimeWebRunner,
  ortWebWasmPaths,
  webSessionFor,
} from '../runners/onnxruntime-web.js';
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
  // The spec allows output_padding < stride OR < dilation; native ORT 1.30 requires < stride.
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
  'The web build, like native ORT 1.30 (the same CPU kernel compiled to WebAssembly), clamps the total padding at 0 ' +
  '(ComputeTotalPad, std::max(0, ...)) and returns min(i*s, full + output_padding), so when k_eff + output_padding < s ' +
  'the output is full + output_padding long, not i*s; the elements it does return equal the reference.';
const OUTPUT_SHAPE_RANGE =
  'ONNX ConvTranspose, output_shape: pads are generated from total_padding = s(i-1) + output_padding + k_eff - output_shape, and ' +
  '"pads ... can take any value greater than or equal to 0", so an output_shape past full + output_padding is outside the spec. ' +
  'tconv reads it as zeros (plus bias) past full; the web build, like native ORT 1.30, does so only up to full + s - 1 and ' +
  'rejects output_shape >= full + s at run time.';
const OUTPUT_PADDING_DILATION =
  'ONNX ConvTranspose, output_padding: "must be less than either stride or dilation" (Operators.md attribute text). ' +
  'The web build, like native ORT 1.30, requires output_padding < stride: its kernel recomputes the input size from the ' +
  'output shape and rejects the mismatch at run time.';
const AUTO_PAD_LINK =
  'https://github.com/onnx/onnx/blob/main/docs/Operators.md#ConvTranspose; ORT: ' +
  'https://github.com/microsoft/onnxruntime/blob/main/onnxruntime/core/providers/cpu/nn/conv_transpose_attributes.h';
const OUTPUT_SHAPE_LINK = 'https://github.com/microsoft/onnxruntime/pull/29446';
const OUTPUT_PADDING_LINK = AUTO_PAD_LINK;

/** The web build wraps a kernel's run-time error in this prefix (onnxruntime-web's OrtRun binding). */
const ORT_RUN =
  /^failed to call OrtRun\(\)\. ERROR_CODE: 2, ERROR_MESSAGE: Non-zero status code returned while running ConvTranspose node\. Name:'conv_transpose' Status Message: /;

type Divergence = { readonly reason: string; readonly link: string } & (
  | { readonly kind: 'shape'; readonly webShape: readonly number[] }
  | { readonly kind: 'error'; readonly message: RegExp }
);

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A kernel's run-time status message, whole, after the web build's prefix. */
const kernelError = (message: string): RegExp => new RegExp(`${ORT_RUN.source}${escape(message)}$`);
/** What the kernel says when output_padding >= stride (but < dilation) on some axis. */
const outputPaddingRejected = (expected: number, got: number): RegExp =>
  kernelError(
    'Computed output shape is inconsistent with input spatial dimensions. output_padding (1) may be too large for ' +
      `stride (1). Expected input size ${expected} but got ${got}.`,
  );
/** The same, when output_shape is given: the check added by onnxruntime PR #29446 catches it first. */
const outputShapeRejected = (detail: string): RegExp =>
  kernelError(
    `Explicit output_shape is inconsistent with input spatial dimensions and convolution parameters. ${detail}`,
  );
const OUTPUT_PADDING_LINK_29446 = OUTPUT_SHAPE_LINK;
// Axis 0: full 9, output_shape 11 = full + s.
const OUTPUT_SHAPE_REJECTED = outputShapeRejected(
  'Expected input size 5 but got 4 (output_size=11, kernel=3, stride=2, dilation=1, output_padding=0).',
);

/** `${case}/${variant}` -> what onnxruntime-web 1.30 (wasm, 1 thread) does instead of the reference. */
const DIVERGENCES: Readonly<Record<string, Divergence>> = {
  'same-kernel-below-stride/auto_pad=SAME_UPPER': {
    kind: 'shape',
    webShape: [1, 1, 5, 5],
    reason: AUTO_PAD_SHAPE,
    link: AUTO_PAD_LINK,
  },
  'same-kernel-below-stride/auto_pad=SAME_LOWER': {
    kind: 'shape',
    webShape: [1, 1, 5, 5],
    reason: AUTO_PAD_SHAPE,
    link: AUTO_PAD_LINK,
  },
  'same-lower-output-padding-kernel-below-stride/auto_pad=SAME_LOWER': {
    kind: 'shape',
    webShape: [1, 2, 8, 11],
    reason: AUTO_PAD_SHAPE,
    link: AUTO_PAD_LINK,
  },
  'same-lower-output-padding-kernel-below-stride/auto_pad=SAME_UPPER': {
    kind: 'shape',
    webShape: [1, 2, 8, 11],
    reason: AUTO_PAD_SHAPE,
    link: AUTO_PAD_LINK,
  },
  'output-shape-too-large/output_shape': {
    kind: 'error',
    message: OUTPUT_SHAPE_REJECTED,
    reason: OUTPUT_SHAPE_RANGE,
    link: OUTPUT_SHAPE_LINK,
  },
  'output-shape-too-large/output_shape+SAME_UPPER': {
    kind: 'error',
    message: OUTPUT_SHAPE_REJECTED,
    reason: OUTPUT_SHAPE_RANGE,
    link: OUTPUT_SHAPE_LINK,
  },
  'output-padding-below-dilation/pads': {
    kind: 'error',
    message: outputPaddingRejected(5, 4),
    reason: OUTPUT_PADDING_DILATION,
    link: OUTPUT_PADDING_LINK,
  },
  'output-padding-below-dilation/auto_pad=VALID': {
    kind: 'error',
    message: outputPaddingRejected(5, 4),
    reason: OUTPUT_PADDING_DILATION,
    link: OUTPUT_PADDING_LINK,
  },
  'output-padding-below-dilation/output_shape': {
    kind: 'error',
    message: outputShapeRejected(
      'Expected input size 5 but got 4 (output_size=9, kernel=3, stride=1, dilation=2, output_padding=1).',
    ),
    reason: OUTPUT_PADDING_DILATION,
    link: OUTPUT_PADDING_LINK_29446,
  },
  'output-padding-below-dilation/output_shape+SAME_UPPER': {
    kind: 'error',
    message: outputShapeRejected(
      'Expected input size 5 but got 4 (output_size=9, kernel=3, stride=1, dilation=2, output_padding=1).',
    ),
    reason: OUTPUT_PADDING_DILATION,
    link: OUTPUT_PADDING_LINK_29446,
  },
  // The spelling needs output_padding [1, 1, 0] to reproduce the crop; axis 1 has stride 1, dilation 2.
  '3d-groups-dilated-output-shape/output_shape+SAME_UPPER': {
    kind: 'error',
    message: outputShapeRejected(
      'Expected input size 4 but got 3 (output_size=4, kernel=2, stride=1, dilation=2, output_padding=1).',
    ),
    reason: OUTPUT_PADDING_DILATION,
    link: OUTPUT_PADDING_LINK_29446,
  },
};

function geometryOf(spec: Spec, name = 'ort-web'): ConvTransposeGeometry {
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
  const plan = onnxruntimeWebRunner.plan(geometry);
  if (!plan.supported) throw new Error(`${name}: ${plan.reason}`);
  return { geometry, tensors: caseTensors({ name, ...spec }, geometry, 7), expressions: plan.expressions };
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

/**
 * Indices (of `output`) outside the reference's float32 error bound. `shape` is the web build's
 * shape when it differs: then `output` is compared with the reference's leading block.
 */
function outOfBound(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  output: ArrayLike<number>,
  shape = geometry.outputShape,
): number[] {
  const reference = convTransposeReference(geometry, tensors);
  const bad: number[] = [];
  leadingBlock(geometry.outputShape, shape).forEach((source, index) => {
    const expected = reference.output[source]!;
    const bound = float32ErrorBound(reference.termCount[source]!, reference.absSum[source]!, expected);
    if (!(Math.abs(output[index]! - expected) <= bound)) bad.push(index);
  });
  return bad;
}

function expectOk(result: ExecuteResult): asserts result is Extract<ExecuteResult, { status: 'ok' }> {
  if (result.status !== 'ok') expect.fail(`onnxruntime-web error: ${result.message}`);
}

const fetchCalls: string[] = [];

beforeAll(async () => {
  // Nothing may touch the network: the .mjs loader and the .wasm come from the package's dist/.
  vi.stubGlobal('fetch', (input: unknown) => {
    fetchCalls.push(String(input));
    return Promise.reject(new Error('network access in a test'));
  });
  expect(await onnxruntimeWebRunner.load()).toMatch(/^onnxruntime-web 1\.30\.\d+ \(wasm, 1 thread\)$/);
});

afterAll(() => {
  vi.unstubAllGlobals();
});

describe('loading', () => {
  it('loads the wasm backend from the package, single-threaded, without fetching anything', async () => {
    const ort = await import('onnxruntime-web');
    expect(ort.env.wasm.numThreads).toBe(1);
    expect(ort.env.wasm.proxy).toBe(false);
    expect(ort.env.wasm.wasmPaths).toBe(ortWebWasmPaths());
    expect(ortWebWasmPaths()).toMatch(/^file:\/\/.*\/node_modules\/onnxruntime-web\/dist\/$/);
    expect(fetchCalls).toEqual([]);
  });

  it('throws a clear error when the wasm backend cannot be initialised (fresh process)', async () => {
    const runnerPath = fileURLToPath(new URL('../runners/onnxruntime-web.ts', import.meta.url));
    const script =
      `const { initialiseOrtWeb } = await import(${JSON.stringify(runnerPath)});` +
      `try { await initialiseOrtWeb('file:///nonexistent-tconv/'); console.log('initialised'); }` +
      `catch (error) { console.log(error.message); }`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script],
      { timeout: 60_000 },
    );
    expect(stdout.trim()).toMatch(
      /^onnxruntime-web cannot initialise its WebAssembly backend \(wasm files from file:\/\/\/nonexistent-tconv\/\): no available backend found\. ERR: \[wasm\] Error: Cannot find module '\/nonexistent-tconv\/ort-wasm-simd-threaded\.mjs'/,
    );
  });

  it('loads and executes in a runner child process (runners/host)', async () => {
    const child = new RunnerProcess(
      {
        modulePath: fileURLToPath(new URL('../runners/onnxruntime-web.ts', import.meta.url)),
        exportName: 'onnxruntimeWebRunner',
      },
      60_000,
    );
    try {
      expect(await child.start()).toMatch(/^onnxruntime-web 1\.30\.\d+ \(wasm, 1 thread\)$/);
      const { geometry, tensors, expressions } = setup('nhwc', CASES['nhwc']!);
      const outcome = await child.run(geometry, expressions[0]!, tensors);
      expect(outcome.kind).toBe('result');
      if (outcome.kind !== 'result') return;
      expectOk(outcome.result);
      expect(outcome.result.shape).toEqual(geometry.outputShape);
      expect(outOfBound(geometry, tensors, outcome.result.output)).toEqual([]);
    } finally {
      await child.close();
    }
  });
});

describe('every ONNX spelling matches the reference (or a pinned divergence)', () => {
  for (const [name, spec] of Object.entries(CASES)) {
    const { geometry, tensors, expressions } = setup(name, spec);
    for (const expression of expressions) {
      const key = `${name}/${expression.variant}`;
      const divergence = DIVERGENCES[key];
      if (!divergence) {
        it(key, async () => {
          const result = await onnxruntimeWebRunner.execute(geometry, expression, tensors);
          expectOk(result);
          expect(result.shape).toEqual(geometry.outputShape);
          expect(result.output).toBeInstanceOf(Float32Array);
          expect(outOfBound(geometry, tensors, result.output)).toEqual([]);
        });
        continue;
      }
      const label = divergence.kind === 'shape' ? `web shape ${divergence.webShape.join('x')}` : 'web rejects';
      it(`${key} diverges: ${label}`, async () => {
        const result = await onnxruntimeWebRunner.execute(geometry, expression, tensors);
        if (divergence.kind === 'error') {
          expect(result).toMatchObject({ status: 'error', message: expect.stringMatching(divergence.message) });
          return;
        }
        expectOk(result);
        expect(result.shape).toEqual(divergence.webShape);
        // What the web build does return is right: the reference's leading block of its shape.
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

describe('the web build against the native build (onnxruntime-node, CPU)', () => {
  it('plans the same variants with the same native calls', () => {
    for (const [name, spec] of Object.entries(CASES)) {
      const geometry = geometryOf(spec, name);
      expect(onnxruntimeWebRunner.plan(geometry), name).toEqual(onnxruntimeRunner.plan(geometry));
    }
  });

  it('gives the same status and shape for every variant, and the same ORT message after the wasm prefix', async () => {
    expect(await onnxruntimeRunner.load()).toMatch(/^onnxruntime-node 1\.30\.\d+$/);
    for (const [name, spec] of Object.entries(CASES)) {
      const { geometry, tensors, expressions } = setup(name, spec);
      for (const expression of expressions) {
        const key = `${name}/${expression.variant}`;
        const web = await onnxruntimeWebRunner.execute(geometry, expression, tensors);
        const native = await onnxruntimeRunner.execute(geometry, expression, tensors);
        expect(web.status, key).toBe(native.status);
        if (web.status === 'ok' && native.status === 'ok') expect(web.shape, key).toEqual(native.shape);
        if (web.status === 'error' && native.status === 'error')
          expect(web.message.replace(/^failed to call OrtRun\(\)\. ERROR_CODE: \d+, ERROR_MESSAGE: /, ''), key).toBe(
            native.message,
          );
      }
    }
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
    const result = await onnxruntimeWebRunner.execute(geometry, expression!, tensors);
    expectOk(result);
    const channel = [1, 1, 3, 1, 1, 3, 7, 4, 9, 7, 4, 9, 7, 4, 9, 13, 7, 15, 13, 7, 15];
    expect([...result.output]).toEqual([...channel, ...channel]);
  });
});

describe('determinism', () => {
  it('gives the same float32 bits on every run (one thread)', async () => {
    const { geometry, tensors, expressions } = setup('groups-m-per-group-3', CASES['groups-m-per-group-3']!);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await onnxruntimeWebRunner.execute(geometry, expressions[0]!, tensors));
    const bits = runs.map((result) => {
      expectOk(result);
      return Buffer.from(new Float32Array(result.output).buffer).toString('base64');
    });
    expect(new Set(bits).size).toBe(1);
  });
});

describe('sessions and errors', () => {
  it('returns the same session for identical model bytes, and executes reuse it', async () => {
    const { geometry, tensors, expressions } = setup('dilations', CASES['dilations']!);
    const bytes = variantModel('onnxruntime-web', geometry, 'pads');
    const first = await webSessionFor(bytes);
    expect(await webSessionFor(Uint8Array.from(bytes))).toBe(first);
    const count = cachedWebSessionCount();
    await onnxruntimeWebRunner.execute(
      geometry,
      expressions.find((e) => e.variant === 'pads')!,
      tensors,
    );
    expect(cachedWebSessionCount()).toBe(count);
  });

  it('rejects a session ORT cannot create, and does not cache it', async () => {
    const count = cachedWebSessionCount();
    // Not an ONNX model: no planned variant builds one, so only the cache can be checked with it.
    await expect(webSessionFor(Uint8Array.of(1, 2, 3))).rejects.toThrow(/^Can't create a session\. ERROR_CODE: /);
    expect(cachedWebSessionCount()).toBe(count);
  });

  it('throws (a harness bug, not an ORT error) for a variant the geometry has no spelling for', async () => {
    const { geometry, tensors } = setup('dilations', CASES['dilations']!);
    const bogus: Expression = {
      variant: 'auto_pad=NOPE',
      call: { op: 'ConvTranspose', attributes: {}, layouts: {}, shapes: {} },
    };
    await expect(onnxruntimeWebRunner.execute(geometry, bogus, tensors)).rejects.toThrow(
      /^onnxruntime-web: no expressible ONNX spelling 'auto_pad=NOPE'/,
    );
  });
});
