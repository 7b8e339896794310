/**
 * Sessions of external runners, and their registration under the names users give them
 * (`--runner-exec NAME=COMMAND`). Each session owns one connection (one process at a time).
 */
import { plannedSession, type RunnerSession } from '../../src/run/session.js';
import { externalRunner, type ExternalRunnerSpec } from './runner.js';

/** Loads (starts) the runner of `spec` and runs cases through it; closing ends the process. */
export async function openExternalSession(spec: ExternalRunnerSpec): Promise<RunnerSession> {
  const runner = externalRunner(spec);
  const version = await runner.load();
  return plannedSession(
    runner,
    version,
    async (geometry, expression, tensors) => {
      const started = performance.now();
      const outcome = await runner.execute(geometry, expression, tensors);
      return { outcome, wallMs: performance.now() - started };
    },
    () => runner.close(),
    runner.concurrency,
  );
}
