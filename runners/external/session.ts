/** Sessions of external runners: each owns one connection (one process at a time). */
import { openInProcessSession, type RunnerSession } from '../../src/run/session.js';
import { externalRunner, type ExternalRunnerSpec } from './runner.js';

/**
 * Loads (starts) the runner of `spec` and runs cases through it; closing ends the process. Cases
 * may overlap: the connection queues every request and keeps `max_in_flight` of them in flight.
 */
export function openExternalSession(spec: ExternalRunnerSpec): Promise<RunnerSession> {
  const runner = externalRunner(spec);
  return openInProcessSession(runner, () => runner.close(), true);
}
