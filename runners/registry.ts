/** Runners registered by name; a name that is not here is an unknown runner (exit 2). */
import type { RunnerName } from '../src/case/schema.js';
import { referenceRunner } from './reference.js';
import type { Runner } from './types.js';

const RUNNERS: ReadonlyMap<RunnerName, Runner> = new Map<RunnerName, Runner>([
  ['reference', referenceRunner],
]);

export function registeredRunners(): readonly Runner[] {
  return [...RUNNERS.values()];
}

export function findRunner(name: string): Runner | undefined {
  return RUNNERS.get(name as RunnerName);
}
