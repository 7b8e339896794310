import type { RunnerSession } from '../../run/session.js';

/** Runs one session's cases one at a time (a runner process takes one request at a time). */
export function serialized(session: RunnerSession): RunnerSession {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get runner() {
      return session.runner;
    },
    get version() {
      return session.version;
    },
    runCase: (geometry, tensors) => {
      const next = queue.then(() => session.runCase(geometry, tensors));
      queue = next.catch(() => undefined);
      return next;
    },
    close: () => session.close(),
  };
}
