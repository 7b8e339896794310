/** A RunnerSession whose runner executes in a child process (see process.ts). */
import { plannedSession, type RunnerSession } from '../../src/run/session.js';
import type { VariantOutcome } from '../../src/run/results.js';
import type { Runner } from '../types.js';
import { RunnerProcess, type ProcessOutcome } from './process.js';
import type { RunnerSource } from './protocol.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

export interface IsolatedSessionOptions {
  /** Variants per message to the child (default 1). Above 1, a case's variants are queued at once. */
  readonly maxBatch?: number;
  /** Let the runner execute a batch as one native call (Runner.executeBatch). */
  readonly together?: boolean;
}

function toOutcome(outcome: ProcessOutcome): VariantOutcome {
  switch (outcome.kind) {
    case 'result':
      return outcome.result;
    case 'crashed':
      return { status: 'crashed', signal: outcome.signal, stderrTail: outcome.stderrTail };
    case 'timeout':
      return { status: 'timeout', timeoutMs: outcome.timeoutMs };
  }
}

export async function openIsolatedSession(
  runner: Runner,
  source: RunnerSource,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  options: IsolatedSessionOptions = {},
): Promise<RunnerSession> {
  const maxBatch = options.maxBatch ?? 1;
  const child = new RunnerProcess(source, {
    timeoutMs,
    maxBatch,
    together: options.together ?? false,
    name: runner.name,
  });
  const version = await child.start();
  return plannedSession(
    runner,
    version,
    async (geometry, expression, tensors) => {
      const started = performance.now();
      const outcome = await child.run(geometry, expression, tensors);
      const wallMs = outcome.kind === 'result' ? outcome.wallMs : performance.now() - started;
      return { outcome: toOutcome(outcome), wallMs };
    },
    () => child.close(),
    // Batching needs the case's variants queued together.
    maxBatch > 1 ? Number.MAX_SAFE_INTEGER : 1,
    true,
  );
}
