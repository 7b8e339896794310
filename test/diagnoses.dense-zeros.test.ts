/**
 * The "Inf * 0 produced NaN at zero-inserted positions" diagnosis against outputs TensorFlow 2.21
 * really returned (tf.nn.conv3d_transpose in Python, TF_ENABLE_ONEDNN_OPTS=0, as the tfjs-node
 * runner runs it): with a batch of 2, Conv3DBackpropInputV2 takes Eigen's dense
 * CuboidConvolutionBackwardInput and returns NaN where a zero it inserted or padded (rows past the
 * full size included) meets an infinite tap, or where an infinite input meets a zero of tconv's
 * zero-dilated kernel. Must-fail side: NaN where no zero meets a non-finite value is not named so,
 * and a subnormal read as 0 under an infinite weight is named flushing, not dense zeros.
 */
import { describe, expect, it } from 'vitest';
import type { CaseSpec } from '../src/case/types.js';
import { compareOutcome } from '../src/compare/index.js';
import { denseZeroNan } from '../src/compare/diagnoses/dense-zeros.js';
import type { ExplanationKind } from '../src/compare/types.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { convTransposeReference, withSpecialValues } from '../src/reference/index.js';
import type { CaseTensors } from '../src/tensor.js';

const INF = Number.POSITIVE_INFINITY;
const NAN = Number.NaN;

interface Probe {
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
}

function probe(spec: Omit<CaseSpec, 'name'>, input: number[], weight: number[], bias?: number[]): Probe {
  const resolved = resolveGeometry({ name: 'probe', ...spec });
  if (!resolved.ok) throw new Error('invalid probe');
  return {
    geometry: resolved.geometry,
    tensors: {
      input: Float32Array.from(input),
      weight: Float32Array.from(weight),
      bias: bias ? Float32Array.from(bias) : null,
    },
  };
}

/** The diagnosis the comparator names for `output` (null when it passes or names none). */
function diagnosisOf({ geometry, tensors }: Probe, output: number[]): { kind: ExplanationKind; detail: string } | null {
  const reference = withSpecialValues(
    geometry,
    tensors,
    convTransposeReference(geometry, tensors, { withBounds: true }),
  );
  const comparison = compareOutcome({
    outcome: { status: 'ok', output: Float32Array.from(output), shape: geometry.outputShape },
    reference,
    geometry,
    tensors,
    tolerance: { kind: 'auto' },
  });
  if (!('diagnosis' in comparison) || comparison.diagnosis === null) return null;
  return comparison.diagnosis.explanation;
}

// TF VALID, i 1, k 2, s 3, o 4 (full 2: rows 2 and 3 are VALID slack), bias 0.5, 2 images.
function slackSpec(batch: number): Omit<CaseSpec, 'name'> {
  return {
    input: [batch, 1, 1, 1, 1],
    layout: 'NDHWC',
    out_channels: 1,
    kernel: [2, 1, 1],
    strides: [3, 1, 1],
    padding: 'VALID',
    output_shape: [4, 1, 1],
    bias: true,
  };
}
const SLACK = probe(slackSpec(2), [1, -2], [INF, 2], [0.5]);

// PyTorch padding 1, i 1, k 4, d 2 (k_eff 7, begin 1, o 5), C 2 -> M 2, 2 images (NCDHW).
const DILATED = probe(
  { input: [2, 2, 1, 1, 1], out_channels: 2, kernel: [4, 1, 1], dilations: [2, 1, 1], padding: [1, 0, 0] },
  [INF, 1, 1, 2],
  [1, 2, 3, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, INF, 1, 1],
);

describe('dense-zeros model', () => {
  it('puts NaN where a padding zero meets the +Inf tap, rows past the full size only when computed', () => {
    const flags = (pastFull: boolean): number[] =>
      Array.from(denseZeroNan(SLACK.geometry, SLACK.tensors, { input: true, kernel: false, pastFull }));
    // Row 0: the input under tap 0 (+Inf), a padding zero under tap 1 (finite). Row 1: a padding
    // zero under tap 0. Rows 2 and 3: past full, padding under both taps.
    expect(flags(true)).toEqual([0, 1, 1, 1, 0, 1, 1, 1]);
    expect(flags(false)).toEqual([0, 1, 0, 0, 0, 1, 0, 0]);
  });

  it('tells the input zeros (per output channel) from the dilated kernel zeros (per image)', () => {
    const flags = (input: boolean, kernel: boolean): number[] =>
      Array.from(denseZeroNan(DILATED.geometry, DILATED.tensors, { input, kernel, pastFull: false }));
    // Output j reads full t = j + 1; the one input sits at offset r = t. Input side: channel 1's
    // +Inf tap (r = 2) over a padding zero wherever t != 2, in both images. Kernel side: image
    // 0's +Inf input under an inserted kernel zero (odd r), in both channels.
    expect(flags(true, false)).toEqual([0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1]);
    expect(flags(false, true)).toEqual([1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('inserted-zero-nan on what TensorFlow returned', () => {
  it('names VALID slack rows computed over trailing padding (batch 2)', () => {
    const named = diagnosisOf(SLACK, [INF, NAN, NAN, NAN, -INF, NAN, NAN, NAN]);
    expect(named?.kind).toBe('inserted-zero-nan');
    expect(named?.detail).toMatch(/rows past the full size/);
  });

  it('names a 1x1x1 kernel at stride 2 whose past-full row is NaN (TF SAME, batch 2)', () => {
    const sameK1 = probe(
      {
        input: [2, 1, 1, 1, 1],
        layout: 'NDHWC',
        out_channels: 1,
        kernel: [1, 1, 1],
        strides: [2, 1, 1],
        padding: 'SAME',
        output_shape: [2, 1, 1],
        bias: true,
      },
      [1, -2],
      [INF],
      [0.5],
    );
    expect(diagnosisOf(sameK1, [INF, NAN, -INF, NAN])?.kind).toBe('inserted-zero-nan');
  });

  it('names input and dilated-kernel zeros together, which neither side explains alone', () => {
    const tf = [NAN, INF, NAN, INF, NAN, NAN, INF, NAN, NAN, NAN, 0, 4, 0, 5, 0, NAN, INF, NAN, NAN, NAN];
    const named = diagnosisOf(DILATED, tf);
    expect(named?.kind).toBe('inserted-zero-nan');
    expect(named?.detail).toMatch(/inserts between .* input elements.*besides, the implementation dilates the kernel/);
  });

  it('passes the batch-1 col2im outputs (no products at inserted or past-full positions)', () => {
    const one = probe(slackSpec(1), [1], [INF, 2], [0.5]);
    expect(diagnosisOf(one, [INF, 2.5, 0.5, 0.5])).toBeNull();
  });
});

describe('inserted-zero-nan must not claim', () => {
  it('a NaN where no zero meets a non-finite value', () => {
    // Row 0 is x * +Inf plus a padding zero under the finite tap: no dense model makes it NaN.
    const named = diagnosisOf(SLACK, [NAN, NAN, NAN, NAN, -INF, NAN, NAN, NAN]);
    expect(named?.kind).not.toBe('inserted-zero-nan');
  });

  it('NaN on only some of the positions the model predicts', () => {
    const named = diagnosisOf(SLACK, [INF, NAN, 0.5, NAN, -INF, NAN, NAN, NAN]);
    expect(named?.kind).not.toBe('inserted-zero-nan');
  });

  it('a subnormal input read as 0 under +Inf, which the dense model matches by coincidence', () => {
    // PyTorch padding 1, i 1, k 3 (o 1): the one output is 1e-40 * +Inf = +Inf by definition; a
    // denormals-are-zero CPU makes it 0 * Inf = NaN, and so would a dense kernel (tap 2's +Inf over
    // the padding zero): flushing alone explains it and is named.
    const subnormal = probe({ input: [1, 1, 1], out_channels: 1, kernel: [3], padding: 1 }, [1e-40], [1, INF, INF]);
    expect(diagnosisOf(subnormal, [NAN])?.kind).toBe('subnormal-flushed');
  });
});
