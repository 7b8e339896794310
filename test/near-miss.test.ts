/**
 * Near-miss hints (issue 15 item 3): where a framework cannot spell a case, `explain` names the
 * spelling people write instead and how its output differs. Here: the worked examples by hand,
 * the rendering (text, JSON, HTML), and on random cases that every hint's parameters, put back
 * through that framework's own rule (conventions.ts), give exactly the stated window
 * full[b + shift : b + shift + o + sizeDelta]. test/spellings-frameworks.test.ts runs the hints
 * in the real frameworks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseSpec } from '../src/case/types.js';
import { explainJson, explainText } from '../src/format/explain.js';
import { DEFAULT_SPACE, caseArbitrary } from '../src/fuzz/arbitraries.js';
import {
  isViolation,
  resolveOnnxAxis,
  resolveTfAxis,
  resolveTorchAxis,
  type AxisOutcome,
} from '../src/geometry/conventions.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import { allSpellings, type NearMiss, type Spelling } from '../src/geometry/spellings.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { htmlReporter } from '../src/report/html.js';
import { fixtureReport } from './helpers/browser.js';

function resolved(spec: CaseSpec): ConvTransposeGeometry {
  const result = resolveGeometry(spec);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.geometry;
}

const hintOf = (g: ConvTransposeGeometry, framework: Spelling['framework'], form?: string): NearMiss | undefined => {
  const spelling = allSpellings(g).find(
    (s) => s.framework === framework && !s.expressible && (form === undefined || s.form === form),
  );
  return spelling && !spelling.expressible ? spelling.nearMiss : undefined;
};

// Keras padding='same', i 7, k 3, s 2: full 15, o 14, the odd pixel cropped at the end (begin 0).
const kerasSame: CaseSpec = {
  name: 'keras-same',
  input: [1, 1, 7, 7],
  out_channels: 1,
  kernel: [3, 3],
  strides: 2,
  padding: 'SAME',
};

describe('worked examples', () => {
  it('Keras SAME s2 k3 (7 -> 14) in PyTorch: padding=1, output_padding=1 is shifted by +1', () => {
    const hint = hintOf(resolved(kerasSame), 'pytorch')!;
    expect(hint.code).toBe(
      'torch.nn.ConvTranspose2d(in_channels=1, out_channels=1, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), bias=False)',
    );
    expect(hint.torch).toEqual({ padding: [1, 1], outputPadding: [1, 1], outputSize: null });
    expect(hint.shift).toEqual([1, 1]);
    expect(hint.sizeDelta).toEqual([0, 0]);
    expect(hint.text).toBe('same shape, output shifted by +1 on H and W: compare full[1:15] with full[0:14]');
    expect(hint.emulation).toContain('gives the full output y (15x15), then keep y[:, :, 0:14, 0:14]');
  });

  it('PyTorch padding=1, output_padding=1 in Keras: padding=same is shifted by -1', () => {
    const g = resolved({ ...kerasSame, name: 'torch', padding: 1, output_padding: 1 });
    const hint = hintOf(g, 'keras')!;
    expect(hint.keras).toMatchObject({ padding: 'same', outputPadding: null });
    expect(hint.shift).toEqual([-1, -1]);
    expect(hint.text).toBe('same shape, output shifted by -1 on H and W: compare full[0:14] with full[1:15]');
    // tf.nn.conv2d_transpose spells it with explicit paddings: no TensorFlow hint.
    expect(
      allSpellings(g)
        .filter((s) => s.framework === 'tensorflow')
        .every((s) => s.expressible),
    ).toBe(true);
  });

  it('1-D ONNX SAME_LOWER in TensorFlow (no explicit paddings in conv1d_transpose): SAME, shifted by -1', () => {
    const g = resolved({
      name: 'lower',
      input: [1, 1, 7],
      out_channels: 1,
      kernel: [3],
      strides: 2,
      padding: { auto_pad: 'SAME_LOWER' },
    });
    const hint = hintOf(g, 'tensorflow')!;
    expect(hint.tf).toMatchObject({ padding: 'SAME', outputShape: [1, 14, 1] });
    expect(hint.text).toBe('same shape, output shifted by -1 on W: compare full[0:14] with full[1:15]');
    expect(hint.emulation).toBe(
      "exact: padding='VALID' with output_shape=[1, 15, 1] gives the full output y (15), then keep y[:, 1:15, :]",
    );
  });

  it('ONNX auto_pad: the nearest portable form, with a size difference', () => {
    // PyTorch padding 2, i 5, k 3, s 2: full 11, o 7, begin 2. SAME gives 10, VALID 11 + op.
    const g = resolved({ name: 'p2', input: [1, 1, 5], out_channels: 1, kernel: [3], strides: 2, padding: 2 });
    const hint = hintOf(g, 'onnx', 'auto_pad')!;
    expect(hint.onnx).toMatchObject({ auto_pad: 'SAME_UPPER', output_padding: [1] });
    expect(hint.shift).toEqual([-1]);
    expect(hint.sizeDelta).toEqual([3]);
    expect(hint.text).toBe(
      'different shape, output 10 instead of 7, output shifted by -1 on W: compare full[1:11] with full[2:9]',
    );
    expect(hint.emulation).toMatch(/^exact: the pads form \(ConvTranspose\(.*pads=\[2, 2\]\)\)$/);
  });

  it('axes the hint gets right are named; past the full size are zeros plus bias', () => {
    const g = resolved({
      name: 'past',
      input: [1, 1, 3, 4],
      out_channels: 1,
      kernel: [3, 2],
      strides: [2, 3],
      padding: { pads: [0, 1, 0, 0] },
      output_padding: [0, 2],
      bias: true,
    });
    const hint = hintOf(g, 'pytorch')!;
    expect(hint.text).toMatch(/; H as this case \(full is 7x11; past its end: zeros plus bias\)$/);
  });

  it('no hint where the framework has no such operation (TensorFlow groups)', () => {
    const g = resolved({
      name: 'groups',
      input: [1, 2, 3, 3],
      out_channels: 2,
      group: 2,
      kernel: [3, 3],
      strides: 2,
      padding: 'SAME',
    });
    const tf = allSpellings(g).find((s) => s.framework === 'tensorflow')!;
    expect(tf.expressible || tf.nearMiss).toBeFalsy();
  });
});

describe('rendering', () => {
  const entry = {
    id: 'x/keras-same',
    file: 'x.yaml',
    fileId: 'x',
    spec: kerasSame,
    geometry: resolved(kerasSame),
    seed: 1,
    line: 3,
  };

  it('explain text: the nearest spelling, how it differs and the exact emulation under the reason', () => {
    const text = explainText(entry);
    expect(text).toContain(
      '  PyTorch (torch.nn.ConvTranspose2d): cannot be spelled: asymmetric crop (begin 0, end 1): PyTorch pads both sides by the same amount; emulate with padding=0 and slice [0:14]\n' +
        '    nearest: torch.nn.ConvTranspose2d(in_channels=1, out_channels=1, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), bias=False)\n' +
        '      same shape, output shifted by +1 on H and W: compare full[1:15] with full[0:14]\n' +
        '    exact: torch.nn.ConvTranspose2d(',
    );
  });

  it('explain JSON: the hint as data', () => {
    const json = explainJson(entry) as { spellings: Spelling[] };
    const torch = json.spellings.find((s) => s.framework === 'pytorch')!;
    expect(torch).toMatchObject({ expressible: false, nearMiss: { shift: [1, 1], sizeDelta: [0, 0] } });
  });

  it('HTML report: the hint under the spelling that cannot be written', () => {
    const html = htmlReporter.render(fixtureReport());
    expect(html).toMatch(/cannot be spelled: [^<]*<div class="near-miss">nearest: <pre>/);
  });
});

/** Per axis the framework's own rule applied to the hint's parameters, or the rule it breaks. */
function hintWindows(g: ConvTransposeGeometry, framework: Spelling['framework'], hint: NearMiss): AxisOutcome[] {
  return g.axes.map((axis, index) => {
    const a = { inputSize: axis.inputSize, kernelSize: axis.kernelSize, stride: axis.stride, dilation: axis.dilation };
    if (framework === 'pytorch')
      return resolveTorchAxis(a, hint.torch!.padding[index]!, hint.torch!.outputPadding[index]!, null);
    if (framework === 'tensorflow') return resolveTfAxis(a, hint.tf!.padding, hint.tf!.outputShape[index + 1]!, null);
    if (framework === 'keras') {
      const padding = hint.keras!.padding === 'same' ? 'SAME' : 'VALID';
      return resolveTfAxis(a, padding, null, hint.keras!.outputPadding?.[index] ?? null);
    }
    const op = hint.onnx!.output_padding?.[index] ?? 0;
    return resolveOnnxAxis(a, hint.onnx!.auto_pad ?? 'NOTSET', 0, 0, null, op);
  });
}

describe('random cases', () => {
  it("every hint's parameters give the stated window under its framework's rule, and miss the case", () => {
    const frameworks = new Map<string, number>();
    fc.assert(
      fc.property(caseArbitrary({ ...DEFAULT_SPACE, maxElements: 1200 }, 'near-miss'), ({ spec }) => {
        const g = resolved(spec);
        for (const spelling of allSpellings(g)) {
          if (spelling.expressible || !spelling.nearMiss) continue;
          const hint = spelling.nearMiss;
          frameworks.set(spelling.framework, (frameworks.get(spelling.framework) ?? 0) + 1);
          const windows = hintWindows(g, spelling.framework, hint);
          windows.forEach((outcome, index) => {
            if (isViolation(outcome)) throw new Error(`${spelling.framework} ${hint.code}: ${outcome.message}`);
            const axis = g.axes[index]!;
            expect(outcome.beginCrop).toBe(axis.beginCrop + hint.shift[index]!);
            expect(outcome.outputSize).toBe(axis.outputSize + hint.sizeDelta[index]!);
          });
          expect([...hint.shift, ...hint.sizeDelta].some((v) => v !== 0)).toBe(true);
        }
      }),
      { seed: 1505, numRuns: 400 },
    );
    for (const framework of ['pytorch', 'tensorflow', 'keras', 'onnx'])
      expect(frameworks.get(framework)).toBeGreaterThan(5);
  });
});
