import type { CaseSpec } from '../case/types.js';
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { CaseTensors } from '../tensor.js';
import { fillRandom } from './random.js';

/** Each tensor draws from its own stream so that giving one literally leaves the others unchanged. */
const STREAM_OFFSETS = { input: 1, weight: 2, bias: 3 } as const;

function tensorFor(
  literal: readonly number[] | undefined,
  length: number,
  seed: number,
  stream: keyof typeof STREAM_OFFSETS,
  spec: CaseSpec,
): Float32Array {
  if (literal) return Float32Array.from(literal); // rounds to float32
  const values = new Float32Array(length);
  fillRandom(
    values,
    (seed + Math.imul(STREAM_OFFSETS[stream], 0x9e3779b1)) >>> 0,
    spec.distribution ?? 'uniform',
    stream,
  );
  return values;
}

/** The case's tensors, literal where given, generated from the seed otherwise (all float32). */
export function caseTensors(spec: CaseSpec, geometry: ConvTransposeGeometry, seed: number): CaseTensors {
  return {
    input: tensorFor(spec.data?.input, geometry.inputElements, seed, 'input', spec),
    weight: tensorFor(spec.data?.weight, geometry.weightElements, seed, 'weight', spec),
    bias: geometry.hasBias ? tensorFor(spec.data?.bias, geometry.outChannels, seed, 'bias', spec) : null,
  };
}

/** Literal data whose length does not match the geometry: [field, message]. */
export function literalDataIssues(
  spec: CaseSpec,
  geometry: ConvTransposeGeometry,
): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  const check = (name: 'input' | 'weight' | 'bias', expected: number, shape: readonly number[]): void => {
    const values = spec.data?.[name];
    if (values && values.length !== expected) {
      issues.push({
        field: `data.${name}`,
        message: `has ${values.length} values but the ${name} shape [${shape.join(', ')}] needs ${expected}`,
      });
    }
  };
  check('input', geometry.inputElements, geometry.inputShape);
  check('weight', geometry.weightElements, geometry.weightShape);
  if (spec.data?.bias && !geometry.hasBias) {
    issues.push({ field: 'data.bias', message: 'is given but the case has bias: false (set bias: true)' });
  } else {
    check('bias', geometry.outChannels, [geometry.outChannels]);
  }
  const expect = spec.expect;
  if (expect?.shape && expect.shape.join(',') !== geometry.outputShape.join(',')) {
    issues.push({
      field: 'expect.shape',
      message: `is [${expect.shape.join(', ')}] but the geometry gives [${geometry.outputShape.join(', ')}] (${geometry.layout})`,
    });
  }
  if (expect?.output && expect.output.length !== geometry.outputElements) {
    issues.push({
      field: 'expect.output',
      message: `has ${expect.output.length} values but the output [${geometry.outputShape.join(', ')}] has ${geometry.outputElements}`,
    });
  }
  return issues;
}
