/**
 * A runner session: one loaded runner that runs cases variant by variant. In-process for the
 * reference; isolated runners get a child-process session (runners/host/session.ts).
 */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { CaseTensors } from '../tensor.js';
import type { Expression, Runner } from '../../runners/types.js';
import type { VariantOutcome, VariantResult } from './results.js';

export interface RunnerSession {
  readonly runner: Runner;
  readonly version: string;
  runCase(geometry: ConvTransposeGeometry, tensors: CaseTensors): Promise<VariantResult[]>;
  close(): Promise<void>;
}

export type ExpressionExecutor = (
  expression: Expression,
) => Promise<{ readonly outcome: VariantOutcome; readonly wallMs: number }>;

/** Plans the case with the runner, then executes each expression as its own variant. */
export async function runPlanned(
  runner: Runner,
  version: string,
  geometry: ConvTransposeGeometry,
  execute: ExpressionExecutor,
): Promise<VariantResult[]> {
  const plan = runner.plan(geometry);
  if (!plan.supported) {
    return [
      {
        runner: runner.name,
        variant: null,
        outcome: { status: 'unsupported', reason: plan.reason },
        wallMs: 0,
        version,
      },
    ];
  }
  const single = plan.expressions.length === 1 && runner.name === 'reference';
  const results: VariantResult[] = [];
  for (const expression of plan.expressions) {
    const { outcome, wallMs } = await execute(expression);
    results.push({
      runner: runner.name,
      variant: single ? null : expression.variant,
      ...(expression.emulation ? { emulation: expression.emulation } : {}),
      call: expression.call,
      outcome,
      wallMs,
      version,
    });
  }
  return results;
}

export async function openInProcessSession(runner: Runner): Promise<RunnerSession> {
  const version = await runner.load();
  return {
    runner,
    version,
    runCase: (geometry, tensors) =>
      runPlanned(runner, version, geometry, async (expression) => {
        const started = performance.now();
        const executed = await runner.execute(geometry, expression, tensors);
        const outcome: VariantOutcome =
          executed.status === 'ok' ? executed : { status: 'error', message: executed.message };
        return { outcome, wallMs: performance.now() - started };
      }),
    close: () => Promise.resolve(),
  };
}
