import { EXIT, UserError } from '../errors.js';
import { findRunner, registeredRunners } from '../../runners/registry.js';
import { openInProcessSession, type RunnerSession } from './session.js';

/** Opens a runner by name; unknown names are usage errors, unloadable runners exit 3. */
export async function openSession(name: string): Promise<RunnerSession> {
  const runner = findRunner(name);
  if (!runner) {
    const known = registeredRunners().map((entry) => entry.name).join(', ');
    throw new UserError(`unknown runner '${name}' (available: ${known})`, EXIT.invalidInput);
  }
  try {
    return await openInProcessSession(runner);
  } catch (error) {
    throw new UserError(`runner ${name} is unavailable: ${(error as Error).message}`, EXIT.runnerUnavailable);
  }
}
