/**
 * Fixtures shared by the runner test files: a case spec resolved to a geometry, a runner's plan
 * for it, seeded tensors, and the check of a runner's output against the float64 reference
 * within the float32 error bound.
 */
import { expect } from 'vitest';
import type { CaseSpec } from '../../src/case/types.js';
import { caseTensors } from '../../src/data/tensors.js';
import { resolveGeometry } from '../../src/geometry/resolve.js';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import { convTransposeReference, float32ErrorBound } from '../../src/reference/index.js';
import { rowMajorStrides, type CaseTensors } from '../../src/tensor.js';
import type { ExecuteResult, Expression, Runner } from '../../runners/types.js';
import { resultMessage } from '../../runners/result.js';

/** A case without its name. */
export type Spec = Omit<CaseSpec, 'name'>;

export type OkResult = Extract<ExecuteResult, { status: 'ok' }>;

/** The geometry of a case; throws with the resolver's issues when the case is invalid. */
export function geometryOf(spec: Spec, name = 't'): ConvTransposeGeometry {
  const result = resolveGeometry({ name, ...spec });
  if (!result.ok)
    throw new Error(`${name}: ${result.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`);
  return result.geometry;
}

/** The runner's expressions for a geometry; throws when the runner does not support it. */
export function expressionsOf(runner: Runner, geometry: ConvTransposeGeometry): readonly Expression[] {
  const plan = runner.plan(geometry);
  if (!plan.supported) throw new Error(`${runner.name}: unsupported: ${plan.reason}`);
  return plan.expressions;
}

export interface CaseSetup {
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  readonly expressions: readonly Expression[];
}

/** A named case resolved, planned by the runner, with the case's seeded tensors. */
export function setupCase(runner: Runner, name: string, spec: Spec, seed = 7): CaseSetup {
  const geometry = geometryOf(spec, name);
  return {
    geometry,
    tensors: caseTensors({ name, ...spec }, geometry, seed),
    expressions: expressionsOf(runner, geometry),
  };
}

export function expectOk(result: ExecuteResult, label: string): asserts result is OkResult {
  if (result.status !== 'ok') expect.fail(`${label} error: ${resultMessage(result)}`);
}

/** Row-major indices into a `fullShape` tensor of its leading `shape` block (no larger on any axis). */
export function leadingBlock(fullShape: readonly number[], shape: readonly number[]): number[] {
  const fullStrides = rowMajorStrides(fullShape);
  const strides = rowMajorStrides(shape);
  const count = shape.reduce((product, size) => product * size, 1);
  return Array.from({ length: count }, (_, flat) =>
    shape.reduce((source, size, axis) => source + (Math.floor(flat / strides[axis]!) % size) * fullStrides[axis]!, 0),
  );
}

/**
 * The first elements of `output` outside the reference's float32 error bound, as readable strings
 * (empty = all within). `shape` is the runner's shape when it differs from the geometry's: then
 * `output` is compared with the reference's leading block of that shape.
 */
export function outOfBound(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  output: ArrayLike<number>,
  shape: readonly number[] = geometry.outputShape,
): string[] {
  const reference = convTransposeReference(geometry, tensors);
  const bad: string[] = [];
  leadingBlock(geometry.outputShape, shape).forEach((source, index) => {
    const expected = reference.output[source]!;
    const bound = float32ErrorBound(reference.termCount[source]!, reference.absSum[source]!, expected);
    const actual = output[index]!;
    if (!(Math.abs(actual - expected) <= bound))
      bad.push(`[${index}] runner ${actual} reference ${expected} (bound ${bound.toExponential(2)})`);
  });
  return bad.slice(0, 5);
}

/** As `outOfBound`, for a whole result: an error or a wrong shape is one entry. */
export function resultOutOfBound(
  geometry: ConvTransposeGeometry,
  tensors: CaseTensors,
  result: ExecuteResult,
): string[] {
  if (result.status !== 'ok') return [`error: ${resultMessage(result)}`];
  if (result.shape.join(',') !== geometry.outputShape.join(',')) return [`shape [${result.shape.join(', ')}]`];
  return outOfBound(geometry, tensors, result.output);
}

/** One variant's output (throws when the runner returns an error). */
export async function runVariant(
  runner: Runner,
  geometry: ConvTransposeGeometry,
  variant: string,
  tensors: CaseTensors,
): Promise<number[]> {
  const expression = expressionsOf(runner, geometry).find((e) => e.variant === variant);
  if (!expression) throw new Error(`no variant ${variant}`);
  const result = await runner.execute(geometry, expression, tensors);
  if (result.status !== 'ok') throw new Error(resultMessage(result));
  return [...result.output];
}

/** A bogus expression (a variant the runner did not plan), to check the harness refuses it. */
export function unplannedExpression(variant: string, op: string): Expression {
  return { variant, call: { op, attributes: {}, layouts: {}, shapes: {} } };
}
