/** The statuses a case x runner variant ends with, and which of them fail a run. */
import type { ExpectedDivergence } from '../case/types.js';

/** What the comparison says, before known divergences are applied. */
export type Verdict = 'pass' | 'mismatch' | 'unsupported' | 'error' | 'crashed' | 'timeout';

export type Status =
  | Verdict
  | 'expected-mismatch'
  | 'expected-error'
  | 'expected-crash'
  | 'expected-timeout'
  | 'expected-unsupported'
  | 'unexpected-pass';

export const STATUSES: readonly Status[] = [
  'pass',
  'mismatch',
  'unsupported',
  'error',
  'crashed',
  'timeout',
  'expected-mismatch',
  'expected-error',
  'expected-crash',
  'expected-timeout',
  'expected-unsupported',
  'unexpected-pass',
];

/** Statuses that make `tconv run` exit 1. */
export const FAILING: ReadonlySet<Status> = new Set<Status>([
  'mismatch',
  'error',
  'crashed',
  'timeout',
  'unexpected-pass',
]);

const VERDICT_OF_EXPECTED: Record<ExpectedDivergence['status'], Verdict> = {
  mismatch: 'mismatch',
  error: 'error',
  crash: 'crashed',
  timeout: 'timeout',
  unsupported: 'unsupported',
};

/**
 * Applies a known divergence: the declared outcome is expected, a pass is unexpected. An entry
 * that names a diagnosis holds only for a mismatch diagnosed so (`diagnosed`: its kind).
 */
export function finalStatus(
  verdict: Verdict,
  expected: ExpectedDivergence | undefined,
  diagnosed?: string | null,
): Status {
  if (!expected) return verdict;
  // An intermittent divergence (run-dependent, e.g. reads of memory the kernel does not own) may pass.
  if (verdict === 'pass') return expected.intermittent === true ? 'pass' : 'unexpected-pass';
  if (expected.diagnosis !== undefined && diagnosed !== undefined && diagnosed !== expected.diagnosis) return verdict;
  if (VERDICT_OF_EXPECTED[expected.status] === verdict) return `expected-${expected.status}`;
  return verdict;
}
