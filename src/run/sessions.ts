import { EXIT, UserError } from '../errors.js';
import { findRunner, isBuiltinRunner, registeredRunners } from '../../runners/registry.js';
import { DEFAULT_TIMEOUT_MS, openIsolatedSession } from '../../runners/host/session.js';
import { openInProcessSession, type RunnerSession } from './session.js';

export interface SessionOptions {
  /** Per-case timeout of isolated runners, in milliseconds. */
  readonly timeoutMs?: number;
  /**
   * Isolated runners: variants per message to the child, executed together when the runner can
   * (Runner.executeBatch). Default 1 (one variant per request, each timed on its own).
   */
  readonly batch?: number;
}

/** Opens a runner by name; unknown names are usage errors (2), unloadable runners exit 3. */
export async function openSession(name: string, options: SessionOptions = {}): Promise<RunnerSession> {
  const entry = findRunner(name);
  if (!entry) {
    const known = registeredRunners()
      .map((registered) => registered.runner.name)
      .join(', ');
    throw new UserError(`unknown runner '${name}' (available: ${known})`, EXIT.invalidInput);
  }
  try {
    if (entry.open) return await entry.open({ timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    return entry.runner.isolated && entry.source
      ? await openIsolatedSession(entry.runner, entry.source, options.timeoutMs, {
          maxBatch: options.batch ?? 1,
          together: (options.batch ?? 1) > 1,
        })
      : await openInProcessSession(entry.runner);
  } catch (error) {
    const hint = isBuiltinRunner(name) ? ' (run `npm run setup` to install the native runners)' : '';
    throw new UserError(`runner ${name} is unavailable: ${(error as Error).message}${hint}`, EXIT.runnerUnavailable);
  }
}
