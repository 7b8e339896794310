/** A RunnerSession whose runner executes in a child process (see process.ts). */
import { plannedSession, type RunnerSession } from '../../src/run/session.js';
import type { VariantOutcome } from '../../src/run/results.js';
import type { Runner } from '../types.js';
import { RunnerProcess, type ProcessOutcome } from './process.js';
import type { RunnerSource } from './protocol.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

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
): Promise<RunnerSession> {
  const child = new RunnerProcess(source, timeoutMs);
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
  );
}
