/** The pure parts of `tconv import`: case names, float text, --input-shape and --compare's words. */
import { describe, expect, it } from 'vitest';
import { compareModels } from '../src/import/compare.js';
import { sanitiseName, shortName, uniqueNames } from '../src/import/names.js';
import { parseInputShapes } from '../src/import/shapes.js';
import type { ImportedModel, LayerFields } from '../src/import/types.js';
import { float32Text } from '../src/import/yaml.js';

describe('case names', () => {
  it('keep [A-Za-z0-9._-], turn path separators into dots and other runs into _', () => {
    expect(sanitiseName('/main/main.3/ConvTranspose')).toBe('main.main.3.ConvTranspose');
    expect(sanitiseName('up_block/up2')).toBe('up_block.up2');
    expect(sanitiseName('conv transpose (1)')).toBe('conv_transpose_1');
    expect(sanitiseName('///')).toBe('layer');
  });
  it('are unique', () => {
    expect(uniqueNames(['a b', 'a_b', 'a/b', 'a.b'])).toEqual(['a_b', 'a_b-2', 'a.b', 'a.b-2']);
  });
  it('pair across exporters by the part that survives', () => {
    expect(shortName('/up1/ConvTranspose', 'ConvTranspose')).toBe('up1');
    expect(shortName('up_block/up2', 'ConvTranspose')).toBe('up2');
  });
});

describe('float32Text', () => {
  it('is the shortest decimal that reads back as the same float32', () => {
    for (const value of [0.1, -0.030422831, 1 / 3, 3.4e38, 1e-45, 0.5, -2, 0]) {
      const text = float32Text(value);
      expect(Math.fround(Number(text))).toBe(Math.fround(value));
      expect(text.replace(/^-|\.|e.*$/g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
    }
    expect(float32Text(0.1)).toBe('0.1');
    expect(float32Text(0)).toBe('0');
    // As YAML 1.1 readers read numbers too (src/format/yamlNumber.ts): a '.' and a signed exponent.
    expect(float32Text(1e-7)).toBe('1.0e-7');
    expect(float32Text(1e21)).toBe('1.0e+21');
    expect(float32Text(-0)).toBe('-0.0');
    // The shortest decimal of the float32 maximum, 3.4028235e38, is past it as a float64.
    expect(float32Text(-3.4028234663852886e38)).toBe('-3.4028234663852886e+38');
  });
});

describe('--input-shape', () => {
  it('parses NAME=AxBxC, names may contain = and :', () => {
    expect([...parseInputShapes(['x=1x3x64x64', 'a:0=1x2x3'])]).toEqual([
      ['x', [1, 3, 64, 64]],
      ['a:0', [1, 2, 3]],
    ]);
  });
  it('rejects zero, missing dims and repeats', () => {
    expect(() => parseInputShapes(['x=1x0'])).toThrow(/NAME=DIMxDIMx/);
    expect(() => parseInputShapes(['x'])).toThrow(/NAME=DIMxDIMx/);
    expect(() => parseInputShapes(['x=1', 'x=2'])).toThrow(/given twice/);
  });
});

function model(format: ImportedModel['format'], name: string, fields: LayerFields): ImportedModel {
  return {
    file: `${name}.${format}`,
    format,
    origin: format,
    notes: [],
    layers: [{ name, op: 'op', fields, weights: null }],
  };
}

describe('--compare words', () => {
  const base = { input: [1, 1, 4], out_channels: 1, kernel: [3], strides: 2 } as const;
  it('ONNX SAME_LOWER vs Keras SAME on one axis: the extra column at the start vs the end', () => {
    const comparison = compareModels(
      model('onnx', 'up', { ...base, padding: { auto_pad: 'SAME_LOWER' } }),
      model('keras', 'up', { ...base, input: [1, 4, 1], layout: 'NWC', padding: 'SAME' }),
    );
    expect(comparison.allMatch).toBe(false);
    expect(comparison.pairs[0]!.differences).toEqual([
      'axis W: both give 8; ONNX auto_pad=SAME_LOWER crops 1 at the start and 0 at the end of the full 9 ' +
        '(the extra column cropped at the start: SAME_LOWER-style); Keras SAME crops 0 at the start and 1 at the end ' +
        'of the full 9 (the extra column cropped at the end: TF SAME / SAME_UPPER-style): the outputs are shifted by 1 column',
    ]);
  });
  it('SAME_UPPER and Keras SAME agree; different strides are named', () => {
    const upper = model('onnx', 'up', { ...base, padding: { auto_pad: 'SAME_UPPER' } });
    expect(
      compareModels(upper, model('keras', 'up', { ...base, input: [1, 4, 1], layout: 'NWC', padding: 'SAME' }))
        .allMatch,
    ).toBe(true);
    const other = compareModels(
      upper,
      model('onnx', 'up', { ...base, strides: 1, padding: { auto_pad: 'SAME_UPPER' } }),
    );
    expect(other.pairs[0]!.differences).toEqual(['axis W: stride 2 vs 1']);
  });
  it('a layer only one model has is a difference', () => {
    const a = model('onnx', 'up', { ...base, padding: { auto_pad: 'SAME_UPPER' } });
    const b: ImportedModel = { ...a, layers: [...a.layers, { ...a.layers[0]!, name: 'up2' }] };
    const comparison = compareModels(a, b);
    expect(comparison.pairing).toBe('order');
    expect(comparison.pairs[1]!.differences).toEqual([`only ${b.file} has this layer`]);
  });
});
