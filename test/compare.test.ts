/**
 * The comparator, driven by cases that MUST pass (correct outputs with float32 rounding noise) and
 * cases that MUST fail (known-bad outputs: shifted crops, flipped kernels, swapped axes, layout
 * confusion, bias slips, non-finite values, wrong shapes, failed outcomes), each checked for the
 * right verdict, stage and diagnosis.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseSpec } from '../src/case/types.js';
import {
  compareOutcome,
  compareRunners,
  formatComparison,
  formatRunnerAgreement,
  type Comparison,
  type CompareOutcomeInput,
  type Tolerance,
  type ValuesComparison,
} from '../src/compare/index.js';
import {
  flipKernel,
  misreadLayout,
  shiftedGeometry,
  swapDims,
  swapKernelChannels,
  toOtherLayout,
} from '../src/compare/transform.js';
import { compareValues } from '../src/compare/values.js';
import { createRandom } from '../src/data/random.js';
import { buildGeometry, layoutFor } from '../src/geometry/build.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import type { ConvTransposeGeometry, LayoutName, Rank } from '../src/geometry/types.js';
import { convTransposeReference, type ReferenceResult } from '../src/reference/index.js';
import { summarize } from '../src/run/judge.js';
import type { VariantOutcome } from '../src/run/results.js';
import type { CaseTensors } from '../src/tensor.js';
import { axisCropArbitrary } from './helpers/referenceArbitraries.js';

// ------------------------------------------------------------------ fixtures

const AUTO: Tolerance = { kind: 'auto' };

function geometryOf(spec: Omit<CaseSpec, 'name'>): ConvTransposeGeometry {
  const result = resolveGeometry({ name: 'test', ...spec });
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('; '));
  return result.geometry;
}

function tensorsFor(geometry: ConvTransposeGeometry, seed: number, integers = false): CaseTensors {
  const next = createRandom(seed);
  const draw = (): number => (integers ? Math.floor(next() * 9) - 4 : next() * 2 - 1);
  const fill = (length: number): Float32Array => Float32Array.from({ length }, draw);
  return {
    input: fill(geometry.inputElements),
    weight: fill(geometry.weightElements),
    bias: geometry.hasBias ? fill(geometry.outChannels) : null,
  };
}

function ok(output: Float32Array | Float64Array, shape: readonly number[]): VariantOutcome {
  return { status: 'ok', output, shape };
}

interface Setup {
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  readonly reference: ReferenceResult;
}

function setup(spec: Omit<CaseSpec, 'name'>, seed = 7, integers = false): Setup {
  const geometry = geometryOf(spec);
  const tensors = tensorsFor(geometry, seed, integers);
  return { geometry, tensors, reference: convTransposeReference(geometry, tensors, { withBounds: true }) };
}

/** Compares `output` (in the geometry's shape unless given) against the setup's reference. */
function compare(
  s: Setup,
  output: Float32Array | Float64Array,
  extra: Partial<CompareOutcomeInput> & { shape?: readonly number[] } = {},
): Comparison {
  const { shape, ...rest } = extra;
  return compareOutcome({
    outcome: ok(output, shape ?? s.geometry.outputShape),
    reference: s.reference,
    geometry: s.geometry,
    tensors: s.tensors,
    tolerance: AUTO,
    ...rest,
  });
}

/** The reference of a modified problem, as a float32 runner would return it. */
function runnerOutput(geometry: ConvTransposeGeometry, tensors: CaseTensors): Float32Array {
  return Float32Array.from(convTransposeReference(geometry, tensors, { withBounds: false }).output);
}

function values(c: Comparison): ValuesComparison {
  if (c.stage !== 'values' && c.stage !== 'non-finite') {
    throw new Error(`expected a values comparison, got ${JSON.stringify(c).slice(0, 400)}`);
  }
  return c;
}

/**
 * An independent float32 implementation: scatters products in float32 in reverse order (input
 * channels, positions and taps descending), bias added last; rounding differs from the reference.
 */
function float32ConvTranspose(geometry: ConvTransposeGeometry, tensors: CaseTensors): Float32Array {
  const unit = { inputSize: 1, kernelSize: 1, stride: 1, dilation: 1, beginCrop: 0, outputSize: 1 };
  const axes = [...geometry.axes];
  while (axes.length < 3) axes.unshift({ ...unit, effectiveKernelSize: 1, fullSize: 1, endCrop: 0, outputPadding: 0 });
  const [aD, aH, aW] = axes as [(typeof axes)[0], (typeof axes)[0], (typeof axes)[0]];
  const { batch: N, inChannels: C, outChannels: M, inChannelsPerGroup: Cg, outChannelsPerGroup: Mg } = geometry;
  const last = geometry.channelsLast;
  const inIndex = (n: number, c: number, d: number, h: number, w: number): number => {
    const pixel = (d * aH.inputSize + h) * aW.inputSize + w;
    const pixels = aD.inputSize * aH.inputSize * aW.inputSize;
    return last ? (n * pixels + pixel) * C + c : (n * C + c) * pixels + pixel;
  };
  const outIndex = (n: number, m: number, d: number, h: number, w: number): number => {
    const pixel = (d * aH.outputSize + h) * aW.outputSize + w;
    const pixels = aD.outputSize * aH.outputSize * aW.outputSize;
    return last ? (n * pixels + pixel) * M + m : (n * M + m) * pixels + pixel;
  };
  const out = new Float32Array(geometry.outputElements);
  const taps = aD.kernelSize * aH.kernelSize * aW.kernelSize;
  for (let n = 0; n < N; n++) {
    for (let c = C - 1; c >= 0; c--) {
      const g = Math.floor(c / Cg);
      for (let pd = aD.inputSize - 1; pd >= 0; pd--)
        for (let ph = aH.inputSize - 1; ph >= 0; ph--)
          for (let pw = aW.inputSize - 1; pw >= 0; pw--) {
            const x = tensors.input[inIndex(n, c, pd, ph, pw)]!;
            for (let mo = Mg - 1; mo >= 0; mo--) {
              const m = g * Mg + mo;
              for (let qd = aD.kernelSize - 1; qd >= 0; qd--) {
                const od = pd * aD.stride + qd * aD.dilation - aD.beginCrop;
                if (od < 0 || od >= aD.outputSize) continue;
                for (let qh = aH.kernelSize - 1; qh >= 0; qh--) {
                  const oh = ph * aH.stride + qh * aH.dilation - aH.beginCrop;
                  if (oh < 0 || oh >= aH.outputSize) continue;
                  for (let qw = aW.kernelSize - 1; qw >= 0; qw--) {
                    const ow = pw * aW.stride + qw * aW.dilation - aW.beginCrop;
                    if (ow < 0 || ow >= aW.outputSize) continue;
                    const tap = (qd * aH.kernelSize + qh) * aW.kernelSize + qw;
                    const w = tensors.weight[(c * Mg + mo) * taps + tap]!;
                    const index = outIndex(n, m, od, oh, ow);
                    out[index] = Math.fround(out[index]! + Math.fround(x * w));
                  }
                }
              }
            }
          }
    }
  }
  if (tensors.bias) {
    for (let index = 0; index < out.length; index++) {
      const m = last ? index % M : Math.floor(index / (out.length / N / M)) % M;
      out[index] = Math.fround(out[index]! + tensors.bias[m]!);
    }
  }
  return out;
}

/** Every value reachable from `value` is JSON-safe: finite numbers, strings, booleans, null, plain arrays/objects. */
function assertJsonSafe(value: unknown, path = '$'): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path} is the non-finite number ${value}`);
    if (Object.is(value, -0)) throw new Error(`${path} is -0`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertJsonSafe(item, `${path}[${index}]`));
    return;
  }
  if (typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) throw new Error(`${path} is not a plain object`);
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) throw new Error(`${path}.${key} is undefined`);
      assertJsonSafe(item, `${path}.${key}`);
    }
    return;
  }
  throw new Error(`${path} has type ${typeof value}`);
}

function expectRoundTrip(c: Comparison): void {
  assertJsonSafe(c);
  expect(JSON.parse(JSON.stringify(c))).toEqual(c);
}

// TF SAME, 5x5 -> 10x10, k 3, s 2: full 11, total crop 1, begin 0 (the odd pixel cropped at the end).
const TF_SAME: Omit<CaseSpec, 'name'> = {
  input: [1, 2, 5, 5],
  out_channels: 3,
  kernel: [3, 3],
  strides: 2,
  padding: 'SAME',
  output_shape: [10, 10],
  bias: true,
};
// ONNX SAME_LOWER + output_shape: the same total crop 1, begin 1 (odd pixel at the start).
const ONNX_SAME_LOWER: Omit<CaseSpec, 'name'> = {
  input: [1, 2, 5, 5],
  out_channels: 3,
  kernel: [3, 3],
  strides: 2,
  padding: { auto_pad: 'SAME_LOWER' },
  output_shape: [10, 10],
};

// ------------------------------------------------------------------ must pass

describe('correct outputs pass', () => {
  const specs: [string, Omit<CaseSpec, 'name'>][] = [
    ['TF SAME NCHW with bias', TF_SAME],
    ['TF SAME NHWC', { ...TF_SAME, input: [2, 5, 5, 2], layout: 'NHWC' }],
    ['ONNX SAME_LOWER', ONNX_SAME_LOWER],
    [
      'wide channels (long sums)',
      { input: [1, 64, 6, 6], out_channels: 8, kernel: [3, 3], strides: 2, padding: 1, bias: true },
    ],
    [
      'grouped, dilated, output_padding',
      {
        input: [2, 4, 5, 4],
        out_channels: 6,
        group: 2,
        kernel: [3, 2],
        strides: [2, 3],
        dilations: [2, 1],
        padding: [1, 0],
        output_padding: [1, 2],
      },
    ],
    ['1-D', { input: [1, 3, 9], out_channels: 2, kernel: [4], strides: 3, padding: 'VALID' }],
    [
      '3-D NDHWC',
      { input: [1, 3, 3, 4, 2], layout: 'NDHWC', out_channels: 3, kernel: [2, 3, 2], strides: 2, padding: 'SAME' },
    ],
  ];
  for (const [name, spec] of specs) {
    it(`${name}: the reference rounded to float32`, () => {
      const s = setup(spec);
      const c = values(compare(s, Float32Array.from(s.reference.output)));
      expect(c.verdict).toBe('pass');
      expect(c.passed).toBe(true);
      expect(c.diagnosis).toBeNull();
      expectRoundTrip(c);
    });
    it(`${name}: an independent float32 implementation (other summation order) passes under auto`, () => {
      const s = setup(spec, 11);
      const output = float32ConvTranspose(s.geometry, s.tensors);
      const c = values(compare(s, output));
      expect(c.verdict).toBe('pass');
      expect(c.statistics.mismatched).toBe(0);
      expect(c.statistics.total).toBe(s.geometry.outputElements);
    });
  }

  it('the float32 implementation really differs from the rounded reference (the noise is there)', () => {
    const s = setup(specs[3]![1], 11);
    const output = float32ConvTranspose(s.geometry, s.tensors);
    const c = values(compare(s, output));
    expect(c.statistics.absError.max).toBeGreaterThan(0);
    const rounded = Float32Array.from(s.reference.output);
    expect(output.some((value, index) => value !== rounded[index])).toBe(true);
    // The same noise fails a zero tolerance, and the diagnosis names float32 rounding.
    const strict = values(compare(s, output, { tolerance: { kind: 'absRel', atol: 0, rtol: 0 } }));
    expect(strict.verdict).toBe('mismatch');
    expect(strict.diagnosis?.explanation.kind).toBe('rounding');
  });

  it('Float64 output equal to the reference passes with zero error everywhere', () => {
    const s = setup(TF_SAME);
    const c = values(
      compare(s, Float64Array.from(s.reference.output), { tolerance: { kind: 'absRel', atol: 0, rtol: 0 } }),
    );
    expect(c.verdict).toBe('pass');
    expect(c.statistics.wouldPass).toEqual({ atol: 0, rtol: 0, ulp: 0 });
    expect(c.statistics.ulpHistogram[0]!.count).toBe(s.geometry.outputElements);
  });

  it('an empty-looking tolerance of ulp passes a float32-rounded reference at 1 ulp', () => {
    const s = setup(TF_SAME);
    const c = values(compare(s, Float32Array.from(s.reference.output), { tolerance: { kind: 'ulp', ulp: 1 } }));
    expect(c.verdict).toBe('pass');
    expect(c.statistics.wouldPass.ulp!).toBeLessThanOrEqual(0.5);
  });
});

describe('a tiny perturbation beyond the bound fails', () => {
  const s = setup({ input: [1, 8, 6, 6], out_channels: 4, kernel: [3, 3], strides: 2, padding: 'SAME', bias: true });
  const rounded = Float32Array.from(s.reference.output);
  // Perturb the largest element by 4x its own auto bound (a few ulps).
  let target = 0;
  rounded.forEach((value, index) => {
    if (Math.abs(value) > Math.abs(rounded[target]!)) target = index;
  });
  const first = values(compare(s, rounded));
  const boundAtTarget = (() => {
    const c = values(compare(s, rounded, { worstCount: s.geometry.outputElements }));
    return c.statistics.worst.find((element) => element.index === target)!.allowed as number;
  })();
  const perturbed = Float32Array.from(rounded);
  perturbed[target] = Math.fround(
    s.reference.output[target]! + 4 * boundAtTarget * Math.sign(s.reference.output[target]!),
  );
  const c = values(compare(s, perturbed));

  it('passes unperturbed, fails perturbed, with exactly that element mismatching', () => {
    expect(first.verdict).toBe('pass');
    expect(c.verdict).toBe('mismatch');
    expect(c.stage).toBe('values');
    expect(c.statistics.mismatched).toBe(1);
    expect(c.statistics.greatestAbsolute!.index).toBe(target);
    expect(c.statistics.worst[0]!.index).toBe(target);
    expect(c.statistics.worst[0]!.close).toBe(false);
    expect(c.statistics.worst[1]!.close).toBe(true);
  });

  it('smallest atol that would pass equals the max abs diff, and does pass; anything smaller fails', () => {
    const atol = c.statistics.wouldPass.atol!;
    expect(atol).toBe(c.statistics.greatestAbsolute!.absDiff);
    expect(atol).toBe(c.statistics.absError.max);
    expect(atol).toBe(Math.abs(perturbed[target]! - s.reference.output[target]!));
    expect(compare(s, perturbed, { tolerance: { kind: 'absRel', atol, rtol: 0 } }).verdict).toBe('pass');
    expect(compare(s, perturbed, { tolerance: { kind: 'absRel', atol: atol * (1 - 1e-9), rtol: 0 } }).verdict).toBe(
      'mismatch',
    );
  });

  it('smallest rtol and ulp that would pass do pass', () => {
    const { rtol, ulp } = c.statistics.wouldPass;
    expect(compare(s, perturbed, { tolerance: { kind: 'absRel', atol: 0, rtol: rtol! } }).verdict).toBe('pass');
    expect(compare(s, perturbed, { tolerance: { kind: 'ulp', ulp: ulp! } }).verdict).toBe('pass');
    expect(compare(s, perturbed, { tolerance: { kind: 'ulp', ulp: ulp! * 0.999 } }).verdict).toBe('mismatch');
    expect(ulp!).toBeGreaterThan(1);
  });

  it('histograms account for every element', () => {
    const sum = (buckets: { count: number }[]): number => buckets.reduce((total, bucket) => total + bucket.count, 0);
    expect(sum(c.statistics.ulpHistogram)).toBe(c.statistics.compared);
    expect(sum(c.statistics.relativeHistogram)).toBe(c.statistics.compared);
    expect(c.statistics.ulpHistogram.map((bucket) => bucket.label)).toEqual([
      '0',
      '1',
      '2-4',
      '5-16',
      '17-256',
      '>256',
    ]);
    expect(c.statistics.relativeHistogram[0]!.label).toBe('0');
    expect(c.statistics.relativeHistogram.at(-1)!.upper).toBe('Infinity');
  });
});

// ------------------------------------------------------------------ must fail: diagnosed slips

describe('shift by one row/column (TF SAME vs SAME_LOWER / NOTSET+output_shape)', () => {
  it('TF SAME case, runner puts the extra pad row at the start (H): shift on H, side start', () => {
    const s = setup(TF_SAME);
    expect(s.geometry.axes[0]!.beginCrop).toBe(0);
    expect(s.geometry.axes[0]!.endCrop).toBe(1);
    const output = runnerOutput(shiftedGeometry(s.geometry, [1, 0]), s.tensors);
    const c = values(compare(s, output));
    expect(c.verdict).toBe('mismatch');
    const explanation = c.diagnosis!.explanation;
    expect(explanation.kind).toBe('shift');
    expect(explanation.axis).toBe('H');
    expect(explanation.shifts).toEqual([{ axis: 'H', delta: 1, expectedBeginCrop: 0, actualBeginCrop: 1 }]);
    expect(explanation.detail).toContain('the extra pad row were at the start');
    expect(explanation.detail).toContain('beginCrop 1 instead of 0 on axis H');
    expect(explanation.detail).toContain('TF SAME / SAME_UPPER vs SAME_LOWER / NOTSET+output_shape');
    expect(formatComparison(c).at(-1)).toBe(`Diagnosis: ${explanation.detail}`);
    expectRoundTrip(c);
  });

  it('the same on W says column and axis W', () => {
    const s = setup(TF_SAME);
    const c = values(compare(s, runnerOutput(shiftedGeometry(s.geometry, [0, 1]), s.tensors)));
    expect(c.diagnosis!.explanation).toMatchObject({ kind: 'shift', axis: 'W' });
    expect(c.diagnosis!.explanation.detail).toContain('the extra pad column were at the start');
  });

  it('both axes shifted (the usual whole-op SAME_UPPER/SAME_LOWER slip)', () => {
    const s = setup(TF_SAME);
    const c = values(compare(s, runnerOutput(shiftedGeometry(s.geometry, [1, 1]), s.tensors)));
    expect(c.diagnosis!.explanation.kind).toBe('shift');
    expect(c.diagnosis!.explanation.axis).toBe('H,W');
    expect(c.diagnosis!.explanation.shifts!.map((shift) => shift.delta)).toEqual([1, 1]);
    expect(c.diagnosis!.explanation.detail).toContain('TF SAME / SAME_UPPER vs SAME_LOWER');
    expect(c.diagnosis!.explanation.detail).toContain(
      'matches if the extra pad row were at the start and the extra pad column were at the start (',
    );
  });

  it('SAME_LOWER case, runner crops at the end (beginCrop - 1): side end', () => {
    const s = setup(ONNX_SAME_LOWER);
    expect(s.geometry.axes[1]!.beginCrop).toBe(1);
    const c = values(compare(s, runnerOutput(shiftedGeometry(s.geometry, [0, -1]), s.tensors)));
    const explanation = c.diagnosis!.explanation;
    expect(explanation).toMatchObject({ kind: 'shift', axis: 'W' });
    expect(explanation.shifts).toEqual([{ axis: 'W', delta: -1, expectedBeginCrop: 1, actualBeginCrop: 0 }]);
    expect(explanation.detail).toContain('the extra pad column were at the end');
    expect(explanation.detail).toContain('beginCrop 0 instead of 1 on axis W');
  });

  it('beginCrop -1 at a zero crop (a zero row appears at the start) is still a shift', () => {
    const s = setup({ ...TF_SAME, output_shape: undefined, padding: 'VALID' });
    expect(s.geometry.axes[0]!.beginCrop).toBe(0);
    const c = values(compare(s, runnerOutput(shiftedGeometry(s.geometry, [-1, 0]), s.tensors)));
    expect(c.diagnosis!.explanation).toMatchObject({ kind: 'shift', axis: 'H' });
    expect(c.diagnosis!.explanation.shifts![0]!.delta).toBe(-1);
  });

  it('a shift by two (more than one row) on an NHWC case', () => {
    const s = setup({
      input: [1, 6, 6, 3],
      layout: 'NHWC',
      out_channels: 2,
      kernel: [4, 4],
      strides: 2,
      padding: [2, 2],
    });
    const c = values(compare(s, runnerOutput(shiftedGeometry(s.geometry, [0, 2]), s.tensors)));
    expect(c.diagnosis!.explanation).toMatchObject({ kind: 'shift', axis: 'W' });
    expect(c.diagnosis!.explanation.shifts![0]!.delta).toBe(2);
    expect(c.diagnosis!.explanation.detail).toContain('the output started 2 columns later');
  });

  it('output_padding added at the start instead of the end', () => {
    const s = setup({ input: [1, 2, 4], out_channels: 2, kernel: [3], strides: 2, padding: 1, output_padding: 1 });
    const c = values(compare(s, runnerOutput(shiftedGeometry(s.geometry, [-1]), s.tensors)));
    expect(c.diagnosis!.explanation).toMatchObject({ kind: 'shift', axis: 'W' });
    expect(c.diagnosis!.explanation.detail).toContain('output_padding 1 were added at the start');
  });

  it('3-D: shift on D is named D', () => {
    const s = setup({
      input: [1, 2, 3, 3, 3],
      out_channels: 2,
      kernel: [3, 3, 3],
      strides: 2,
      padding: 'SAME',
      output_shape: [6, 6, 6],
    });
    const c = values(compare(s, runnerOutput(shiftedGeometry(s.geometry, [1, 0, 0]), s.tensors)));
    expect(c.diagnosis!.explanation).toMatchObject({ kind: 'shift', axis: 'D' });
    expect(c.diagnosis!.explanation.detail).toContain('pad plane');
  });
});

describe('kernel, axis and layout slips', () => {
  it('kernel rotated 180 degrees', () => {
    const s = setup(TF_SAME);
    const output = runnerOutput(s.geometry, { ...s.tensors, weight: flipKernel(s.tensors.weight, s.geometry) });
    const c = values(compare(s, output));
    expect(c.verdict).toBe('mismatch');
    expect(c.diagnosis!.explanation.kind).toBe('kernel-flipped');
    expect(c.diagnosis!.explanation.detail).toContain('rotated 180 degrees');
    expect(c.diagnosis!.tried.some((tried) => tried.kind === 'shift' && !tried.fits)).toBe(true);
  });

  it('kernel in/out channel axes swapped (C == M, group 1)', () => {
    const s = setup({ input: [1, 3, 4, 4], out_channels: 3, kernel: [2, 3], strides: [2, 1], padding: 0 });
    const output = runnerOutput(s.geometry, { ...s.tensors, weight: swapKernelChannels(s.tensors.weight, s.geometry) });
    expect(values(compare(s, output)).diagnosis!.explanation.kind).toBe('kernel-channels-swapped');
  });

  it('kernel channel axes swapped within groups (C/group == M/group == 2, group 2)', () => {
    const s = setup({ input: [1, 4, 3, 3], out_channels: 4, group: 2, kernel: [3, 3], strides: 2, padding: 1 });
    const output = runnerOutput(s.geometry, { ...s.tensors, weight: swapKernelChannels(s.tensors.weight, s.geometry) });
    expect(values(compare(s, output)).diagnosis!.explanation.kind).toBe('kernel-channels-swapped');
  });

  const square: Omit<CaseSpec, 'name'> = {
    input: [1, 2, 4, 4],
    out_channels: 2,
    kernel: [3, 3],
    strides: 2,
    padding: 'VALID',
    bias: true,
  };

  it('output spatial axes transposed (square)', () => {
    const s = setup(square);
    const output = Float32Array.from(swapDims(s.reference.output, s.geometry.outputShape, 2, 3));
    const c = values(compare(s, output));
    expect(c.diagnosis!.explanation).toMatchObject({ kind: 'spatial-transposed', axis: 'H,W' });
    expect(c.diagnosis!.explanation.detail).toContain("output's spatial axes H and W transposed");
  });

  it('kernel spatial axes transposed', () => {
    const s = setup(square);
    const weight = swapDims(s.tensors.weight, s.geometry.weightShape, 2, 3);
    const c = values(compare(s, runnerOutput(s.geometry, { ...s.tensors, weight })));
    expect(c.diagnosis!.explanation).toMatchObject({ kind: 'spatial-transposed', axis: 'H,W' });
    expect(c.diagnosis!.explanation.detail).toContain("kernel's spatial axes");
    expect(c.diagnosis!.tried.find((tried) => tried.label === 'output H and W transposed')?.fits).toBe(false);
  });

  for (const layout of ['NCHW', 'NHWC'] as const) {
    it(`output data in the other layout while declared ${layout}`, () => {
      const s = setup({ ...square, input: layout === 'NCHW' ? [2, 3, 4, 4] : [2, 4, 4, 3], layout, out_channels: 3 });
      const output = Float32Array.from(
        toOtherLayout(s.reference.output, s.geometry.batch, s.geometry.outChannels, s.geometry.channelsLast),
      );
      const c = values(compare(s, output));
      const other = layout === 'NCHW' ? 'NHWC' : 'NCHW';
      expect(c.diagnosis!.explanation.kind).toBe('layout');
      expect(c.diagnosis!.explanation.detail).toContain(`laid out ${other} while the output is declared ${layout}`);
    });
  }

  it('input read in the other layout', () => {
    const s = setup({ ...square, input: [1, 3, 4, 4], out_channels: 2 });
    const input = misreadLayout(s.tensors.input, 1, 3, false);
    const c = values(compare(s, runnerOutput(s.geometry, { ...s.tensors, input })));
    expect(c.diagnosis!.explanation.kind).toBe('layout');
    expect(c.diagnosis!.explanation.detail).toContain('input read as NHWC');
  });

  it('bias missing', () => {
    const s = setup(TF_SAME);
    const output = runnerOutput(s.geometry, { ...s.tensors, bias: new Float32Array(s.geometry.outChannels) });
    expect(values(compare(s, output)).diagnosis!.explanation.kind).toBe('bias-missing');
  });

  it('bias doubled', () => {
    const s = setup(TF_SAME);
    const bias = s.tensors.bias!.map((value) => 2 * value);
    const output = runnerOutput(s.geometry, { ...s.tensors, bias });
    expect(values(compare(s, output)).diagnosis!.explanation.kind).toBe('bias-doubled');
  });

  it('reduced-precision (float16-like) accumulation', () => {
    const s = setup({ input: [1, 16, 5, 5], out_channels: 4, kernel: [3, 3], strides: 2, padding: 'SAME' });
    // Round every output to an 11-bit significand: within the float16 bound, not float32's.
    const half = (value: number): number => {
      if (value === 0) return 0;
      const exponent = Math.floor(Math.log2(Math.abs(value)));
      const step = 2 ** (exponent - 10);
      return Math.round(value / step) * step;
    };
    const output = Float32Array.from(s.reference.output, half);
    const c = values(compare(s, output));
    expect(c.verdict).toBe('mismatch');
    expect(c.diagnosis!.explanation.kind).toBe('reduced-precision');
  });
});

describe('a hypothesis is named only where its test can fail', () => {
  it('a bias-doubled candidate within the tolerance of the reference is not named (not tried, with why)', () => {
    const s = setup({ input: [1, 2, 5, 5], out_channels: 3, kernel: [3, 3], strides: 2, padding: 'SAME', bias: true });
    const tensors = { ...s.tensors, bias: new Float32Array([8e-4, 8e-4, 8e-4]) };
    const reference = convTransposeReference(s.geometry, tensors, { withBounds: true });
    const t: Setup = { geometry: s.geometry, tensors, reference };
    // 1.5e-3 off everywhere: within atol 1e-3 of "bias added twice" (8e-4 more), but so is the reference.
    const output = Float32Array.from(reference.output, (value) => value + 1.5e-3);
    const c = values(compare(t, output, { tolerance: { kind: 'absRel', atol: 1e-3, rtol: 0 } }));
    expect(c.verdict).toBe('mismatch');
    expect(c.diagnosis!.explanation.kind).not.toBe('bias-doubled');
    const doubled = c.diagnosis!.tried.find((tried) => tried.kind === 'bias-doubled')!;
    expect(doubled).toMatchObject({ fits: false, mismatched: null });
    expect(doubled.notTried).toMatch(/the reference fits it as well/);
    expect(formatComparison(c)).toContain(`Not tried: bias doubled: ${doubled.notTried}`);
  });

  it('a constant offset within the float16 bound is not called reduced precision (errors not growing)', () => {
    const s = setup({ input: [1, 8, 12, 12], out_channels: 4, kernel: [3, 3], strides: 2, padding: 'SAME' });
    const output = Float32Array.from(s.reference.output, (value) => value + 2e-5);
    const c = values(compare(s, output));
    expect(c.diagnosis!.explanation.kind).not.toBe('reduced-precision');
    const float16 = c.diagnosis!.tried.find((tried) => tried.label.startsWith('float16'))!;
    expect(float16.mismatched).toBe(0);
    expect(float16.rejected).toMatch(/not shown to grow with the sum of \|products\|/);
  });
});

describe('a documented expect is the side under test', () => {
  it('statistics name the sides expect / reference, the diagnosis explains the expect', () => {
    const s = setup(TF_SAME);
    const documented = runnerOutput(s.geometry, { ...s.tensors, weight: flipKernel(s.tensors.weight, s.geometry) });
    const c = values(compare(s, documented, { subject: 'expect' }));
    expect(c.subject).toBe('expect');
    expect(c.diagnosis!.explanation.kind).toBe('kernel-flipped');
    expect(c.diagnosis!.summary).toMatch(/the expect was computed as a correlation/);
    const lines = formatComparison(c);
    expect(lines).toContain("Compared: the case's documented expect against the float64 reference");
    expect(
      lines.filter((line) => /^ {2}\(/.test(line)).every((line) => /: expect \S+, reference \S+,/.test(line)),
    ).toBe(true);
    expectRoundTrip(c);
  });

  it("a runner's comparison keeps torch's actual / expected and says subject runner", () => {
    const s = setup(TF_SAME);
    const output = Float32Array.from(s.reference.output);
    output[0] = output[0]! + 1;
    const c = values(compare(s, output));
    expect(c.subject).toBe('runner');
    expect(formatComparison(c).some((line) => /: actual \S+, expected \S+,/.test(line))).toBe(true);
    expect(formatComparison(c).join('\n')).not.toMatch(/documented expect/);
  });
});

describe('location patterns when no transformation fits', () => {
  const s = setup(TF_SAME);
  const base = (): Float32Array => Float32Array.from(s.reference.output);
  const spatial = (index: number): { c: number; h: number; w: number } => ({
    c: Math.floor(index / 100) % 3,
    h: Math.floor(index / 10) % 10,
    w: index % 10,
  });

  it('only the last row wrong -> border (H end)', () => {
    const output = base();
    output.forEach((value, index) => {
      if (spatial(index).h === 9) output[index] = value + 1;
    });
    const c = values(compare(s, output));
    expect(c.diagnosis!.explanation.kind).toBe('border');
    expect(c.diagnosis!.location.borderOnly).toBe(true);
    expect(c.diagnosis!.location.edges).toContainEqual({ axis: 'H', side: 'end', count: 30 });
    expect(c.diagnosis!.explanation.detail).toMatch(/^no known transformation fits; mismatches only near the edges/);
  });

  it('only odd stride phase on H -> stride-phase', () => {
    const output = base();
    output.forEach((value, index) => {
      if (spatial(index).h % 2 === 1) output[index] = value + 0.25;
    });
    const c = values(compare(s, output));
    expect(c.diagnosis!.explanation).toMatchObject({ kind: 'stride-phase', axis: 'H' });
    expect(c.diagnosis!.location.stridePhases).toEqual([{ axis: 'H', stride: 2, phases: [1] }]);
  });

  it('only channel 1 -> channels', () => {
    const output = base();
    output.forEach((value, index) => {
      if (spatial(index).c === 1) output[index] = value * 1.5 + 0.1;
    });
    const c = values(compare(s, output));
    expect(c.diagnosis!.explanation.kind).toBe('channels');
    expect(c.diagnosis!.location.channels).toEqual([1]);
  });

  it('noise everywhere -> no known pattern', () => {
    const next = createRandom(3);
    const output = base().map((value) => value + (next() - 0.5) * 0.1);
    const c = values(compare(s, output));
    expect(c.diagnosis!.explanation.kind).toBe('none');
    expect(c.diagnosis!.summary).toMatch(/^no known pattern/);
  });
});

// ------------------------------------------------------------------ must fail: non-finite

describe('non-finite values', () => {
  const s = setup(TF_SAME);
  for (const [name, value, key] of [
    ['NaN', Number.NaN, 'nan'],
    ['+Infinity', Number.POSITIVE_INFINITY, 'posInf'],
    ['-Infinity', Number.NEGATIVE_INFINITY, 'negInf'],
  ] as const) {
    it(`one ${name} is classified separately`, () => {
      const output = Float32Array.from(s.reference.output);
      output[17] = value;
      const c = values(compare(s, output));
      expect(c.stage).toBe('non-finite');
      expect(c.verdict).toBe('mismatch');
      expect(c.nonFinite).toMatchObject({ nan: 0, posInf: 0, negInf: 0, [key]: 1 });
      expect(c.statistics.mismatched).toBe(1);
      expect(c.statistics.compared).toBe(s.geometry.outputElements - 1);
      expect(c.statistics.wouldPass).toEqual({ atol: null, rtol: null, ulp: null });
      expect(c.statistics.worst[0]!.index).toBe(17);
      expect(c.statistics.worst[0]!.actual).toBe(name.replace('+', ''));
      expect(c.statistics.worst[0]!.coordinates).toEqual([0, 0, 1, 7]);
      expect(c.diagnosis!.tried).toEqual([]);
      expectRoundTrip(c);
    });
  }

  it('NaN + Inf + -Inf counted separately, first of each located', () => {
    const output = Float32Array.from(s.reference.output);
    output[3] = Number.NaN;
    output[4] = Number.NaN;
    output[50] = Number.POSITIVE_INFINITY;
    output[299] = Number.NEGATIVE_INFINITY;
    const c = values(compare(s, output));
    expect(c.nonFinite).toMatchObject({ nan: 2, posInf: 1, negInf: 1, referenceNonFinite: 0 });
    expect(c.nonFinite.firstNan!.index).toBe(3);
    expect(c.nonFinite.firstPosInf!.index).toBe(50);
    expect(c.nonFinite.firstNegInf!.named).toEqual({ n: 0, c: 2, h: 9, w: 9 });
    const lines = formatComparison(c);
    expect(lines).toContain('Mismatched elements: 4 / 300 (1.3%)');
    expect(lines.find((line) => line.startsWith('Non-finite'))).toBe(
      'Non-finite values where the reference is finite: 2 NaN, 1 +Infinity, 1 -Infinity (first NaN at index (0, 0, 0, 3); first +Infinity at index (0, 0, 5, 0); first -Infinity at index (0, 2, 9, 9))',
    );
    expectRoundTrip(c);
  });

  it('NaN in both: not close unless nanEqual; equal infinities are close', () => {
    const output64 = Float64Array.from(s.reference.output);
    output64[5] = Number.NaN;
    output64[6] = Number.POSITIVE_INFINITY;
    const reference = { ...s.reference, output: output64 };
    const runner = Float32Array.from(output64);
    const strict = values(
      compareOutcome({
        outcome: ok(runner, s.geometry.outputShape),
        reference,
        geometry: s.geometry,
        tensors: s.tensors,
        tolerance: AUTO,
      }),
    );
    expect(strict.verdict).toBe('mismatch');
    expect(strict.stage).toBe('non-finite');
    expect(strict.nonFinite).toMatchObject({ nan: 0, referenceNonFinite: 2, referenceNonFiniteMismatched: 1 });
    const lenient = values(
      compareOutcome({
        outcome: ok(runner, s.geometry.outputShape),
        reference,
        geometry: s.geometry,
        tensors: s.tensors,
        tolerance: AUTO,
        nanEqual: true,
      }),
    );
    expect(lenient.verdict).toBe('pass');
    expect(lenient.tolerance.nanEqual).toBe(true);
    expectRoundTrip(strict);
  });
});

// ------------------------------------------------------------------ must fail: shapes

describe('shape mismatches', () => {
  const s = setup(TF_SAME);

  it('off by one on H: names the axis and the conventions', () => {
    const c = compare(s, new Float32Array(1 * 3 * 11 * 10), { shape: [1, 3, 11, 10] });
    expect(c.stage).toBe('shape');
    if (c.stage !== 'shape') return;
    expect(c.verdict).toBe('mismatch');
    expect(c.actualShape).toEqual([1, 3, 11, 10]);
    expect(c.causes).toHaveLength(1);
    expect(c.causes[0]).toMatchObject({ kind: 'spatial', axis: 'H', expected: 10, actual: 11, delta: 1 });
    expect(c.causes[0]!.detail).toContain('off by one');
    expect(c.causes[0]!.detail).toContain('TF SAME');
    expect(c.causes[0]!.detail).toContain('output_padding');
    expect(c.causes[0]!.detail).toContain('no crop at all'); // 11 is the full size
    expect(formatComparison(c)[0]).toBe('Shape mismatch: expected [1, 3, 10, 10] (NCHW), got [1, 3, 11, 10]');
    // The one-line summary keeps the first explanation only; the details keep all of them.
    expect(c.causes[0]!.brief).toMatch(/^axis H: expected 10, got 11 \(\+1\): no crop at all.*\(and \d+ more\)$/);
    expect(summarize(c)).toBe(`shape [1, 3, 11, 10], expected [1, 3, 10, 10]: ${c.causes[0]!.brief!}`);
    expectRoundTrip(c);
  });

  it('output_padding ignored (PyTorch)', () => {
    const t = setup({
      input: [1, 2, 4, 4],
      out_channels: 2,
      kernel: [3, 3],
      strides: 2,
      padding: 1,
      output_padding: [1, 0],
    });
    const [n, m, h, w] = t.geometry.outputShape as [number, number, number, number];
    const c = compare(t, new Float32Array(n * m * (h - 1) * w), { shape: [n, m, h - 1, w] });
    if (c.stage !== 'shape') throw new Error(c.stage);
    expect(c.causes[0]!.detail).toContain('output_padding 1 ignored');
  });

  it('layout-permuted shape (NHWC returned for an NCHW case)', () => {
    const c = compare(s, new Float32Array(300), { shape: [1, 10, 10, 3] });
    if (c.stage !== 'shape') throw new Error(c.stage);
    expect(c.causes).toEqual([expect.objectContaining({ kind: 'layout' })]);
    expect(c.causes[0]!.detail).toContain('layout confusion (NCHW/NHWC)');
  });

  it('channels: group ignored', () => {
    const t = setup({ input: [1, 4, 3, 3], out_channels: 6, group: 2, kernel: [2, 2], strides: 2 });
    const c = compare(t, new Float32Array(3 * 36), { shape: [1, 3, 6, 6] });
    if (c.stage !== 'shape') throw new Error(c.stage);
    expect(c.causes[0]).toMatchObject({ kind: 'channels', axis: 'C', expected: 6, actual: 3 });
    expect(c.causes[0]!.detail).toContain('group 2 ignored');
  });

  it('rank and length', () => {
    const rank = compare(s, new Float32Array(300), { shape: [3, 10, 10] });
    if (rank.stage !== 'shape') throw new Error(rank.stage);
    expect(rank.causes[0]!.kind).toBe('rank');
    expect(rank.causes[0]!.detail).toContain('batch dimension is missing');
    const length = compare(s, new Float32Array(299));
    if (length.stage !== 'shape') throw new Error(length.stage);
    expect(length.causes[0]!.kind).toBe('length');
  });
});

// ------------------------------------------------------------------ outcomes, robustness

describe('outcomes and robustness', () => {
  const s = setup(TF_SAME);
  const withOutcome = (outcome: VariantOutcome): Comparison =>
    compareOutcome({ outcome, reference: s.reference, geometry: s.geometry, tensors: s.tensors, tolerance: AUTO });

  it('error, crash, unsupported and timeout outcomes carry their messages', () => {
    const error = withOutcome({ status: 'error', message: 'ConvTranspose: auto_pad SAME_LOWER not supported' });
    expect(error).toMatchObject({
      stage: 'outcome',
      verdict: 'error',
      passed: false,
      message: 'ConvTranspose: auto_pad SAME_LOWER not supported',
    });
    expect(formatComparison(error)).toEqual(['Error: ConvTranspose: auto_pad SAME_LOWER not supported']);
    const crash = withOutcome({
      status: 'crashed',
      signal: 'SIGSEGV',
      stderrTail: 'loading model\nSegmentation fault (core dumped)\n',
    });
    expect(crash).toMatchObject({
      stage: 'outcome',
      verdict: 'crashed',
      signal: 'SIGSEGV',
      message: 'runner crashed (SIGSEGV): Segmentation fault (core dumped)',
    });
    expect(withOutcome({ status: 'unsupported', reason: 'no dilation' })).toMatchObject({
      verdict: 'unsupported',
      message: 'no dilation',
    });
    expect(withOutcome({ status: 'timeout', timeoutMs: 5000 })).toMatchObject({ verdict: 'timeout', timeoutMs: 5000 });
    for (const c of [error, crash]) expectRoundTrip(c);
  });

  it('never throws: bad reference, unknown outcome, missing geometry', () => {
    const badReference = compareOutcome({
      outcome: ok(new Float32Array(300), s.geometry.outputShape),
      reference: { ...s.reference, absSum: new Float64Array(3) },
      geometry: s.geometry,
      tensors: s.tensors,
      tolerance: AUTO,
    });
    expect(badReference).toMatchObject({ stage: 'internal', verdict: 'error' });
    const unknown = compareOutcome({
      outcome: { status: 'exploded' } as unknown as VariantOutcome,
      reference: s.reference,
      geometry: s.geometry,
      tensors: s.tensors,
      tolerance: AUTO,
    });
    expect(unknown).toMatchObject({ stage: 'internal', verdict: 'error' });
    const noGeometry = compareOutcome({
      outcome: ok(new Float32Array(1), [1]),
      reference: s.reference,
      geometry: undefined as unknown as ConvTransposeGeometry,
      tensors: s.tensors,
      tolerance: AUTO,
    });
    expect(noGeometry).toMatchObject({ stage: 'internal', verdict: 'error', expectedShape: [] });
    for (const c of [badReference, unknown, noGeometry]) expectRoundTrip(c);
  });

  it('a failing diagnosis is reported, not thrown', () => {
    const output = runnerOutput(shiftedGeometry(s.geometry, [1, 0]), s.tensors);
    // Tensors that do not fit the geometry make the reference recompute throw inside the diagnosis.
    const c = values(compare(s, output, { tensors: { ...s.tensors, weight: new Float32Array(2) } }));
    expect(c.verdict).toBe('mismatch');
    expect(c.diagnosis!.summary).toMatch(/^diagnosis failed: /);
  });

  it('compareValues (used by the CLI) still works and counts a longer output', () => {
    const r = compareValues(Float32Array.from(s.reference.output), s.reference.output, {
      tolerance: AUTO,
      termCount: s.reference.termCount,
      absSum: s.reference.absSum,
    });
    expect(r.matched).toBe(true);
    expect(compareValues([1, 2, 3], [1, 2], { tolerance: AUTO }).mismatched).toBe(1);
  });
});

// ------------------------------------------------------------------ statistics and formatting

describe('statistics and formatting', () => {
  // 16 integer-valued outputs: exact in float32, so the differences below are exact.
  const s = setup(
    { input: [1, 1, 2, 2], out_channels: 1, kernel: [3, 3], strides: 2, padding: 'SAME', output_shape: [4, 4] },
    5,
    true,
  );

  it('torch-style lines: "Mismatched elements: 3 / 16 (18.8%)" and the greatest differences', () => {
    const output = Float32Array.from(s.reference.output);
    output[6] = output[6]! + 0.5; // (0, 0, 1, 2)
    output[9] = output[9]! + 0.25;
    output[15] = output[15]! - 0.125;
    const c = values(compare(s, output));
    const lines = formatComparison(c);
    expect(lines[0]).toBe('Values are not close (tolerance: auto (float32 error bound from the reference))');
    expect(lines).toContain('Mismatched elements: 3 / 16 (18.8%)');
    const greatest = lines.find((line) => line.startsWith('Greatest absolute difference:'))!;
    expect(greatest).toMatch(
      /^Greatest absolute difference: 0\.5 at index \(0, 0, 1, 2\) \(up to [0-9.e-]+ allowed\)$/,
    );
    expect(lines.some((line) => line.startsWith('Greatest relative difference:'))).toBe(true);
    expect(lines).toContain('Index order: (n, c, h, w) (NCHW); finite elements compared: 16');
    expect(lines.some((line) => line.startsWith('Diagnosis: '))).toBe(true);
    expect(c.statistics.greatestAbsolute).toMatchObject({
      index: 6,
      coordinates: [0, 0, 1, 2],
      named: { n: 0, c: 0, h: 1, w: 2 },
      absDiff: 0.5,
    });
    expect(c.statistics.absError.median).toBe(0);
    expect(c.statistics.absError.mean).toBeCloseTo(0.875 / 16, 12);
    expect(
      c.statistics.worst
        .map((element) => element.index)
        .slice(0, 3)
        .sort((a, b) => a - b),
    ).toEqual([6, 9, 15]);
    expect(c.statistics.wouldPass.atol).toBe(0.5);
  });

  it('relative difference against an expected zero is Infinity, encoded as a string, and rtol cannot pass', () => {
    const zeroIndex = Array.from(s.reference.output).findIndex((value) => value === 0);
    if (zeroIndex < 0) return; // data without a zero output: nothing to check
    const output = Float32Array.from(s.reference.output);
    output[zeroIndex] = 1;
    const c = values(compare(s, output));
    expect(c.statistics.greatestRelative!.relDiff).toBe('Infinity');
    expect(c.statistics.wouldPass.rtol).toBeNull();
    expectRoundTrip(c);
  });

  it('NHWC coordinates are in layout order, named coordinates by name', () => {
    const t = setup({
      input: [2, 3, 3, 4],
      layout: 'NHWC',
      out_channels: 5,
      kernel: [2, 2],
      strides: 2,
      padding: 'VALID',
    });
    const [, H, W, M] = t.geometry.outputShape as [number, number, number, number];
    const index = ((1 * H + 4) * W + 2) * M + 3; // n 1, h 4, w 2, c 3
    const output = Float32Array.from(t.reference.output);
    output[index] = output[index]! + 10;
    const c = values(compare(t, output));
    expect(c.statistics.greatestAbsolute!.coordinates).toEqual([1, 4, 2, 3]);
    expect(c.statistics.greatestAbsolute!.named).toEqual({ n: 1, c: 3, h: 4, w: 2 });
    expect(formatComparison(c)).toContain(
      'Index order: (n, h, w, c) (NHWC); finite elements compared: ' + t.geometry.outputElements,
    );
  });

  it('passing comparisons format in two lines', () => {
    const c = compare(s, Float32Array.from(s.reference.output));
    const lines = formatComparison(c);
    expect(lines[0]).toBe('Values are close: 16 / 16 elements within auto (float32 error bound from the reference)');
    expect(lines).toHaveLength(2);
  });
});

// ------------------------------------------------------------------ three-way

describe('compareRunners', () => {
  const s = setup(TF_SAME);
  const good = Float32Array.from(s.reference.output);
  const noisy = float32ConvTranspose(s.geometry, s.tensors);
  const shifted = runnerOutput(shiftedGeometry(s.geometry, [1, 0]), s.tensors);
  /** compareRunners on these outputs (label: output, in order) against the reference, AUTO tolerance. */
  const agreement = (outputs: Readonly<Record<string, ArrayLike<number>>>): ReturnType<typeof compareRunners> =>
    compareRunners(
      Object.entries(outputs).map(([label, output]) => ({ label, output })),
      s.reference,
      s.geometry,
      AUTO,
    );

  it('names the runner that disagrees with the reference and all others', () => {
    const r = agreement({ onnxruntime: good, tfjs: Array.from(noisy), torch: shifted });
    expect(r.oddOneOut).toBe('torch');
    expect(r.groups[0]).toEqual(['reference', 'onnxruntime', 'tfjs']);
    expect(r.pairs).toHaveLength(6);
    expect(r.pairs.filter((pair) => !pair.agree).map((pair) => [pair.a, pair.b])).toEqual([
      ['torch', 'reference'],
      ['onnxruntime', 'torch'],
      ['tfjs', 'torch'],
    ]);
    expect(formatRunnerAgreement(r)[0]).toContain('torch is the odd one out');
    assertJsonSafe(r);
  });

  it("says 'reference' when all runners agree with each other but not with it", () => {
    const r = agreement({ a: shifted, b: Float32Array.from(shifted) });
    expect(r.oddOneOut).toBe('reference');
  });

  it('one runner alone cannot break the tie; all agreeing gives null; lengths differing are reported', () => {
    expect(agreement({ a: shifted }).oddOneOut).toBeNull();
    const all = agreement({ a: good, b: noisy });
    expect(all.oddOneOut).toBeNull();
    expect(all.detail).toBe('all 2 runner outputs agree with the reference');
    const short = agreement({ a: good, b: noisy, c: good.subarray(1) });
    expect(short.oddOneOut).toBe('c');
    expect(short.pairs.find((pair) => pair.a === 'c')!.note).toContain('lengths differ');
  });

  it('no single odd one out when two runners disagree with everything', () => {
    const flipped = runnerOutput(s.geometry, { ...s.tensors, weight: flipKernel(s.tensors.weight, s.geometry) });
    const r = agreement({ a: good, b: shifted, c: flipped });
    expect(r.oddOneOut).toBeNull();
    expect(r.detail).toContain('no single odd one out');
  });
});

// ------------------------------------------------------------------ properties and size

const problemArbitrary = fc
  .record({
    rank: fc.constantFrom<Rank>(1, 2, 3),
    channelsLast: fc.boolean(),
    batch: fc.integer({ min: 1, max: 2 }),
    group: fc.integer({ min: 1, max: 2 }),
    inPerGroup: fc.integer({ min: 1, max: 3 }),
    outPerGroup: fc.integer({ min: 1, max: 3 }),
    hasBias: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
  })
  .chain((base) =>
    fc.record({
      base: fc.constant(base),
      axes: fc.array(axisCropArbitrary(base.rank === 3 ? 3 : 5, 2), { minLength: base.rank, maxLength: base.rank }),
    }),
  )
  .map(({ base, axes }) => {
    const layout: LayoutName = layoutFor(base.rank, base.channelsLast);
    const geometry = buildGeometry({
      layout,
      batch: base.batch,
      inChannels: base.group * base.inPerGroup,
      outChannels: base.group * base.outPerGroup,
      group: base.group,
      hasBias: base.hasBias,
      axes,
      convention: { kind: 'tf', padding: 'SAME', outputShape: null, outputPadding: null },
    });
    const tensors = tensorsFor(geometry, base.seed);
    return { geometry, tensors, reference: convTransposeReference(geometry, tensors, { withBounds: true }) };
  });

describe('properties', () => {
  it('correct float32 outputs (rounded reference, other summation order) always pass under auto', () => {
    fc.assert(
      fc.property(problemArbitrary, (s) => {
        expect(compare(s, Float32Array.from(s.reference.output)).verdict).toBe('pass');
        expect(compare(s, float32ConvTranspose(s.geometry, s.tensors)).verdict).toBe('pass');
      }),
      { numRuns: 150 },
    );
  });

  it('a beginCrop shift either is invisible or is diagnosed as a shift; results are JSON-safe', () => {
    fc.assert(
      fc.property(problemArbitrary, fc.nat(), fc.constantFrom(1, -1), (s, axisPick, delta) => {
        const axis = axisPick % s.geometry.rank;
        const deltas = s.geometry.axes.map((_, index) => (index === axis ? delta : 0));
        const c = compare(s, runnerOutput(shiftedGeometry(s.geometry, deltas), s.tensors));
        expectRoundTrip(c);
        const v = values(c);
        if (v.verdict === 'mismatch') expect(v.diagnosis!.explanation.kind).toBe('shift');
      }),
      { numRuns: 100 },
    );
  });

  it('never throws on arbitrary corruption; output is JSON-safe', () => {
    fc.assert(
      fc.property(
        problemArbitrary,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, 1e30, -1e-30, 0.5)), {
          maxLength: 4,
        }),
        fc.constantFrom<Tolerance>(AUTO, { kind: 'absRel', atol: 1e-5, rtol: 1e-3 }, { kind: 'ulp', ulp: 4 }),
        (s, edits, tolerance) => {
          const output = Float32Array.from(s.reference.output);
          for (const [position, value] of edits) output[position % output.length] = value;
          const c = compare(s, output, { tolerance });
          expect(['pass', 'mismatch']).toContain(c.verdict);
          expectRoundTrip(c);
          expect(formatComparison(c).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('size', () => {
  it('10^6 elements: pass and a diagnosed shift stay fast', () => {
    const s = setup({
      input: [1, 8, 64, 64],
      out_channels: 64,
      kernel: [4, 4],
      strides: 2,
      padding: 'SAME',
      output_shape: [128, 128],
    });
    expect(s.geometry.outputElements).toBe(1_048_576);
    const started = performance.now();
    const pass = compare(s, Float32Array.from(s.reference.output));
    const passMs = performance.now() - started;
    expect(pass.verdict).toBe('pass');
    const shifted = runnerOutput(shiftedGeometry(s.geometry, [0, 1]), s.tensors);
    const again = performance.now();
    const c = values(compare(s, shifted));
    const mismatchMs = performance.now() - again;
    expect(c.diagnosis!.explanation).toMatchObject({ kind: 'shift', axis: 'W' });
    expect(passMs).toBeLessThan(5_000);
    expect(mismatchMs).toBeLessThan(15_000);
  });
});
