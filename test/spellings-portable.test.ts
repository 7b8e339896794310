/**
 * The spellings `explain` offers are the ones that run in their framework (issue 10), on fixed
 * geometries, without Python: test/spellings-frameworks.test.ts executes them for real.
 * - Keras 3 rejects strides > 1 together with dilation_rate > 1 (on any axes);
 * - ONNX auto_pad SAME_* / output_shape forms with a negative total padding are not portable
 *   (explain offers another output_padding where one makes every total >= 0; the runners keep the
 *   runner's form, on which ORT's known divergences are recorded);
 * - tf.nn.conv2d_transpose takes explicit paddings (conv1d/conv3d_transpose do not).
 */
import { describe, expect, it } from 'vitest';
import type { CaseSpec } from '../src/case/types.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import { allSpellings, onnxSpellings, type Spelling } from '../src/geometry/spellings.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';

function geometry(spec: Omit<CaseSpec, 'name'>): ConvTransposeGeometry {
  const resolved = resolveGeometry({ name: 'portable', ...spec });
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
  return resolved.geometry;
}

const of = (spellings: readonly Spelling[], framework: Spelling['framework'], form?: string): Spelling[] =>
  spellings.filter((s) => s.framework === framework && (form === undefined || s.form === form));

describe('explain offers only spellings that run in their framework', () => {
  it('Keras: strides > 1 with dilation_rate > 1 on other axes cannot be spelled, quoting Keras', () => {
    const g = geometry({
      input: [1, 1, 5, 5],
      out_channels: 1,
      kernel: [3, 3],
      strides: [2, 1],
      dilations: [1, 2],
      padding: 'SAME',
    });
    const keras = of(allSpellings(g), 'keras');
    expect(keras).toEqual([
      {
        framework: 'keras',
        form: 'keras.layers.Conv2DTranspose',
        expressible: false,
        reason:
          'Keras 3 raises "`strides > 1` not supported in conjunction with `dilation_rate > 1`" for its conv layers (strides (2, 1), dilation_rate (1, 2))',
      },
    ]);
    // Stride 1 with dilation is fine, and machine-readable.
    const dilatedOnly = of(
      allSpellings(geometry({ input: [1, 1, 5], out_channels: 2, kernel: [3], dilations: 2, padding: 'VALID' })),
      'keras',
    );
    expect(dilatedOnly.map((s) => (s.expressible ? s.keras : s.reason))).toEqual([
      {
        filters: 2,
        kernelSize: [3],
        strides: [1],
        padding: 'valid',
        outputPadding: null,
        dilationRate: [2],
        useBias: false,
      },
    ]);
  });

  it('ONNX auto_pad SAME_*: explain picks an output_padding that keeps the total >= 0 (kernel 1, stride 3)', () => {
    // TF SAME, i 4, k 1, s 3: o = 12, full = 10; with output_padding 0 the SAME total is -2.
    const g = geometry({ input: [1, 1, 4], out_channels: 1, kernel: [1], strides: 3, padding: 'SAME' });
    const runner = of(onnxSpellings(g), 'onnx', 'auto_pad=SAME_UPPER')[0];
    const offered = of(allSpellings(g), 'onnx', 'auto_pad=SAME_UPPER')[0];
    expect(runner?.expressible && runner.onnx?.output_padding).toBe(undefined);
    expect(offered?.expressible && offered.onnx?.output_padding).toEqual([2]);
  });

  it('ONNX output_shape past full + output_padding: not portable; the pads form is kept where it exists', () => {
    // i 2, k 1, s 3: full 4. Output 6 (pads + output_padding 2 reach it); output 7 needs output_padding 3.
    const six = allSpellings(
      geometry({
        input: [1, 1, 2],
        out_channels: 1,
        kernel: [1],
        strides: 3,
        padding: { pads: [0, 0] },
        output_padding: 2,
      }),
    );
    expect(of(six, 'onnx', 'pads')[0]?.expressible).toBe(true);
    const seven = allSpellings(
      geometry({
        input: [1, 1, 2],
        out_channels: 1,
        kernel: [1],
        strides: 3,
        padding: { auto_pad: 'NOTSET' },
        output_shape: [7],
      }),
    );
    const shapeForms = of(seven, 'onnx').filter((s) => s.form.startsWith('output_shape'));
    expect(shapeForms.map((s) => [s.form, s.expressible])).toEqual([
      ['output_shape', false],
      ['output_shape+SAME_UPPER', false],
    ]);
    for (const form of shapeForms) {
      expect(form.expressible ? '' : form.reason).toMatch(
        /^not portable: the total padding s\*\(i-1\) \+ output_padding \+ k_eff - o is -3 per axis.*no split for a negative total/,
      );
      // No pads form to fall back to here (it would need output_padding 3 = stride).
      expect(form.expressible ? '' : form.reason).not.toMatch(/use the pads form/);
    }
  });

  it('TensorFlow: conv2d_transpose spells any crop TF accepts with explicit paddings; conv1d_transpose cannot', () => {
    // ONNX pads [1, 0] on an axis: begin 1, end 0 (TF SAME would crop the odd pixel at the end).
    const twoD = geometry({
      input: [1, 1, 3, 3],
      out_channels: 1,
      kernel: [3, 3],
      strides: 2,
      padding: { pads: [1, 0, 0, 0] },
    });
    const tf = of(allSpellings(twoD), 'tensorflow');
    expect(tf.map((s) => (s.expressible ? [s.code, s.tfExplicit, s.tf] : s.reason))).toEqual([
      [
        'tf.nn.conv2d_transpose(x, filters, output_shape=[1, 6, 7, 1], strides=[2, 2], padding=[[0, 0], [1, 0], [0, 0], [0, 0]])',
        {
          paddings: [
            [1, 0],
            [0, 0],
          ],
          outputShape: [1, 6, 7, 1],
          strides: [2, 2],
          dilations: [1, 1],
        },
        undefined,
      ],
    ]);
    const oneD = geometry({ input: [1, 1, 3], out_channels: 1, kernel: [3], strides: 2, padding: { pads: [1, 0] } });
    const reason = of(allSpellings(oneD), 'tensorflow').map((s) => (s.expressible ? s.code : s.reason));
    expect(reason).toHaveLength(1);
    expect(reason[0]).toMatch(
      /conv1d_transpose takes only 'SAME' or 'VALID'; conv2d_transpose also takes explicit paddings/,
    );
  });
});
