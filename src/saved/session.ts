/**
 * A saved output as a pseudo-runner (`actual`) session, so `tconv compare` goes through the same
 * conformance run as `tconv run`: the same judgement, diagnosis, console details and report
 * writers, with the file in place of a framework. Its "version" names the file.
 */
import type { RunnerSession } from '../run/session.js';
import type { Runner } from '../../runners/types.js';
import type { SavedArray } from './array.js';

/**
 * The pseudo-runner's name in reports. Not a registered runner, so `tconv compare` ignores a
 * case's `runners:` restriction (src/cli/compare.ts) and no built-in runner's `expected`
 * divergence applies to it.
 */
export const SAVED_RUNNER = 'actual';

export function savedVersion(path: string, saved: SavedArray): string {
  return `${path} (${saved.format})`;
}

export function savedSession(path: string, saved: SavedArray): RunnerSession {
  const version = savedVersion(path, saved);
  const runner: Runner = {
    name: SAVED_RUNNER,
    isolated: false,
    plan: () => ({ supported: false, reason: 'a saved output is read from its file, not run' }),
    load: () => Promise.resolve(version),
    execute: () => Promise.resolve({ status: 'error', message: 'a saved output is read from its file, not run' }),
  };
  return {
    runner,
    version,
    runCase: () =>
      Promise.resolve([
        {
          runner: SAVED_RUNNER,
          variant: null,
          outcome: { status: 'ok', output: saved.data, shape: saved.shape },
          wallMs: 0,
          version,
        },
      ]),
    close: () => Promise.resolve(),
  };
}
