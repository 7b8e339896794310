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
  /**
   * runCase may be called again before the previous call settles: the session queues the work
   * itself (a runner process's queue, runners/host/process.ts). Otherwise callers that overlap
   * cases serialize them (src/fuzz/loop/serialized.ts).
   */
  readonly queuesCases?: boolean;
}

/** Executes one planned expression; the session measures nothing itself. */
export type ExpressionExecutor = (
  geometry: ConvTransposeGeometry,
  expression: Expression,
  tensors: CaseTensors,
) => Promise<{ readonly outcome: VariantOutcome; readonly wallMs: number }>;

/** A session that plans each case with `runner` and runs every expression through `execute`. */
export function plannedSession(
  runner: Runner,
  version: string,
  execute: ExpressionExecutor,
  close: () => Promise<void>,
  /** Expressions of one case executed at once (an executor that pipelines says how many). */
  concurrency = 1,
  queuesCases = false,
): RunnerSession {
  return {
    runner,
    version,
    queuesCases,
    runCase: (geometry, tensors) =>
      runPlanned(runner, version, geometry, concurrency, (expression) => execute(geometry, expression, tensors)),
    close,
  };
}

/** Plans the case with the runner, then executes each expression as its own variant. */
async function runPlanned(
  runner: Runner,
  version: string,
  geometry: ConvTransposeGeometry,
  concurrency: number,
  execute: (expression: Expression) => ReturnType<ExpressionExecutor>,
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
  const runOne = async (expression: Expression): Promise<VariantResult> => {
    const { outcome, wallMs } = await execute(expression);
    return {
      runner: runner.name,
      variant: single ? null : expression.variant,
      ...(expression.emulation ? { emulation: expression.emulation } : {}),
      call: expression.call,
      outcome,
      wallMs,
      version,
    };
  };
  if (concurrency > 1) return Promise.all(plan.expressions.map(runOne));
  const results: VariantResult[] = [];
  for (const expression of plan.expressions) results.push(await runOne(expression));
  return results;
}

/**
 * Loads the runner and executes its expressions in this process. `close` releases what the
 * runner holds (an external runner's process); its own `concurrency` is how many expressions of a
 * case run at once.
 */
export async function openInProcessSession(
  runner: Runner,
  close: () => Promise<void> = () => Promise.resolve(),
  /** The runner queues overlapping cases itself (an external runner's connection does). */
  queuesCases = false,
): Promise<RunnerSession> {
  const version = await runner.load();
  return plannedSession(
    runner,
    version,
    async (geometry, expression, tensors) => {
      const started = performance.now();
      const outcome: VariantOutcome = await runner.execute(geometry, expression, tensors);
      return { outcome, wallMs: performance.now() - started };
    },
    close,
    runner.concurrency ?? 1,
    queuesCases,
  );
}
