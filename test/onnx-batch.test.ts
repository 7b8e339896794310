/**
 * Batched ONNX execution (runners/onnx/batch.ts: one graph, one session for many variants, as
 * fuzzing uses it) against one session per variant, on real ONNX Runtime: every result must be
 * the variant's own, bit for bit, and every ORT error the exact error the variant gets alone,
 * including the variants ORT rejects in the middle of a batch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseTensors } from '../src/data/tensors.js';
import { caseArbitrary, DEFAULT_SPACE } from '../src/fuzz/arbitraries.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import { onnxruntimeRunner } from '../runners/onnxruntime.js';
import { onnxruntimeWebRunner } from '../runners/onnxruntime-web.js';
import type { ExecuteRequest, ExecuteResult, Runner } from '../runners/types.js';

/** Every ONNX variant of `count` generated cases (valid by construction), in order. */
function fuzzRequests(runner: Runner, count: number, seed: number): ExecuteRequest[] {
  const specs = fc.sample(caseArbitrary({ ...DEFAULT_SPACE, maxElements: 2_000 }), { numRuns: count, seed });
  return specs.flatMap(({ spec }) => {
    const resolved = resolveGeometry(spec);
    if (!resolved.ok) throw new Error(`generated an invalid case: ${JSON.stringify(spec)}`);
    const plan = runner.plan(resolved.geometry);
    if (!plan.supported) return [];
    const tensors = caseTensors(spec, resolved.geometry, spec.seed ?? 0);
    return plan.expressions.map((expression) => ({ geometry: resolved.geometry, expression, tensors }));
  });
}

/** What must be equal: status, exact message, shape and output bits. */
function fingerprint(result: ExecuteResult): unknown {
  if (result.status !== 'ok') return result;
  const bytes = new Uint8Array(result.output.buffer, result.output.byteOffset, result.output.byteLength);
  return {
    status: 'ok',
    shape: result.shape,
    type: result.output.constructor.name,
    bytes: Buffer.from(bytes).toString('base64'),
  };
}

async function checkBatches(runner: Runner, requests: readonly ExecuteRequest[], batch: number): Promise<number> {
  await runner.load();
  const executeBatch = runner.executeBatch?.bind(runner);
  if (!executeBatch) throw new Error(`${runner.name} has no executeBatch`);
  let errors = 0;
  for (let start = 0; start < requests.length; start += batch) {
    const slice = requests.slice(start, start + batch);
    const together = await executeBatch(slice);
    expect(together).toHaveLength(slice.length);
    for (const [index, request] of slice.entries()) {
      const alone = await runner.execute(request.geometry, request.expression, request.tensors);
      if (alone.status === 'error') errors++;
      expect(fingerprint(together[index]!), `${request.expression.variant} of request ${start + index}`).toEqual(
        fingerprint(alone),
      );
    }
  }
  return errors;
}

describe('ONNX variants executed together equal each variant alone', () => {
  it('onnxruntime-node, 250 generated cases in batches of 24', async () => {
    const requests = fuzzRequests(onnxruntimeRunner, 250, 7);
    const errors = await checkBatches(onnxruntimeRunner, requests, 24);
    // The failure path (a node rejected mid-batch, the graph rebuilt without it) was exercised.
    expect(errors).toBeGreaterThan(3);
  }, 120_000);

  it('onnxruntime-web, 60 generated cases in batches of 16', async () => {
    const requests = fuzzRequests(onnxruntimeWebRunner, 60, 11);
    await checkBatches(onnxruntimeWebRunner, requests, 16);
  }, 120_000);

  it('a batch where every variant fails gives each its own error', async () => {
    const requests = fuzzRequests(onnxruntimeRunner, 400, 3);
    const failing: ExecuteRequest[] = [];
    for (const request of requests) {
      const alone = await onnxruntimeRunner.execute(request.geometry, request.expression, request.tensors);
      if (alone.status === 'error') failing.push(request);
    }
    expect(failing.length).toBeGreaterThan(2);
    await checkBatches(onnxruntimeRunner, failing, failing.length);
  }, 120_000);
});
