/**
 * A runner session: one loaded runner that runs cases variant by variant. In-process for the
 * reference; isolated runners get a child-process session (runners/host/).
 */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { CaseTensors } from '../tensor.js';
import type { Runner } from '../../runners/types.js';
import type { VariantResult } from './results.js';

export interface RunnerSession {
  readonly runner: Runner;
  readonly version: string;
  runCase(geometry: ConvTransposeGeometry, tensors: CaseTensors): Promise<VariantResult[]>;
  close(): Promise<void>;
}

export async function openInProcessSession(runner: Runner): Promise<RunnerSession> {
  const version = await runner.load();
  return {
    runner,
    version,
    runCase: async (geometry, tensors) => {
      const plan = runner.plan(geometry);
      if (!plan.supported) {
        return [{ runner: runner.name, variant: null, outcome: { status: 'unsupported', reason: plan.reason }, wallMs: 0, version }];
      }
      const single = plan.expressions.length === 1 && runner.name === 'reference';
      const results: VariantResult[] = [];
      for (const expression of plan.expressions) {
        const started = performance.now();
        const executed = await runner.execute(geometry, expression, tensors);
        results.push({
          runner: runner.name,
          variant: single ? null : expression.variant,
          ...(expression.emulation ? { emulation: expression.emulation } : {}),
          call: expression.call,
          outcome: executed.status === 'ok' ? executed : { status: 'error', message: executed.message },
          wallMs: performance.now() - started,
          version,
        });
      }
      return results;
    },
    close: () => Promise.resolve(),
  };
}
