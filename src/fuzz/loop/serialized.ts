import type { RunnerSession } from '../../run/session.js';

/** Runs one session's cases one at a time, unless the session queues them itself. */
export function serialized(session: RunnerSession): RunnerSession {
  if (session.queuesCases) return session;
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
