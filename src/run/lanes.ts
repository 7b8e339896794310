/**
 * `--jobs N`: N lanes of runner sessions, each running one case at a time, so independent cases
 * use every core. An isolated runner is a child process per session, so each lane opens its own;
 * a runner that runs in this process (not isolated) is shared by the lanes, one case at a time,
 * since nothing says it is safe to call concurrently.
 */
import { availableParallelism } from 'node:os';
import type { RunnerSession } from './session.js';

/** Cases per extra lane before another lane pays for its start-up (loading every runner again). */
const CASES_PER_LANE = 48;

/** The default --jobs: one lane per core, but not more than the run is worth. */
export function defaultJobs(cases: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(cases / CASES_PER_LANE)));
}

/** The session with its cases run one at a time, whoever calls it. */
export function serialized(session: RunnerSession): RunnerSession {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    runner: session.runner,
    version: session.version,
    runCase: (geometry, tensors) => {
      const result = tail.then(() => session.runCase(geometry, tensors));
      tail = result.catch(() => undefined);
      return result;
    },
    close: () => session.close(),
  };
}

/** Opens every name at once; when one fails, closes the others (after they opened) and throws the first failure in name order. */
async function openAll(
  names: readonly string[],
  open: (name: string) => Promise<RunnerSession>,
): Promise<RunnerSession[]> {
  const settled = await Promise.allSettled(names.map(open));
  const failure = settled.find((result) => result.status === 'rejected');
  if (!failure) return settled.map((result) => (result as PromiseFulfilledResult<RunnerSession>).value);
  await Promise.all(settled.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
  throw failure.reason;
}

/**
 * Opens `jobs` lanes of the runners `names` (in order). The first lane's runners load at once;
 * the other lanes open only the isolated runners again. On a failure every session is closed.
 */
export async function openLanes(
  names: readonly string[],
  jobs: number,
  open: (name: string) => Promise<RunnerSession>,
): Promise<RunnerSession[][]> {
  const first = (await openAll(names, open)).map((session) =>
    jobs > 1 && !session.runner.isolated ? serialized(session) : session,
  );
  const lanes: RunnerSession[][] = [first];
  try {
    for (let lane = 1; lane < jobs; lane++) {
      const isolated = first.filter((session) => session.runner.isolated).map((session) => session.runner.name);
      const opened = await openAll(isolated, open);
      lanes.push(first.map((session) => (session.runner.isolated ? opened.shift()! : session)));
    }
  } catch (error) {
    await Promise.all(distinctSessions(lanes).map((session) => session.close()));
    throw error;
  }
  return lanes;
}

/** Every distinct session of the lanes (shared ones once), for closing. */
export function distinctSessions(lanes: readonly (readonly RunnerSession[])[]): RunnerSession[] {
  return [...new Set(lanes.flat())];
}
