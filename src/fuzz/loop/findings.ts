/** Findings as the fuzzer reports them: the minimal case of each, how it was found and shrunk. */
import type { FuzzCase } from '../arbitraries.js';
import type { CaseEvaluation, Finding, FindingKind } from '../evaluate.js';

export interface FuzzFinding {
  readonly finding: Finding;
  readonly signature: string;
  /** fast-check seed of the round that found it (pass it to --seed to replay). */
  readonly seed: number;
  /** fast-check counterexample path of the minimal case (pass it to --path). */
  readonly path: string;
  readonly round: number;
  /** Successful shrink steps from the first failing case to this one. */
  readonly shrinks: number;
  /** Cases evaluated while shrinking. */
  readonly shrinkEvaluations: number;
  /** Shrinking stopped at its time limit (the case may not be minimal). */
  readonly shrinkInterrupted: boolean;
  readonly convention: string;
  readonly paddingKind: string;
  /** The minimal case's evaluation. */
  readonly evaluation: CaseEvaluation;
  /** The first failing case, before shrinking. */
  readonly original: FuzzCase;
}

/** A case that showed a finding, with its evaluation. */
export interface FailureRecord {
  readonly fuzzCase: FuzzCase;
  readonly evaluation: CaseEvaluation;
  readonly finding: Finding;
}

/** Findings counted by kind and by runner. */
export function findingCounts(findings: readonly FuzzFinding[]): {
  byKind: Partial<Record<FindingKind, number>>;
  byRunner: Record<string, number>;
} {
  const byKind: Partial<Record<FindingKind, number>> = {};
  const byRunner: Record<string, number> = {};
  for (const { finding } of findings) {
    byKind[finding.kind] = (byKind[finding.kind] ?? 0) + 1;
    byRunner[finding.runner] = (byRunner[finding.runner] ?? 0) + 1;
  }
  return { byKind, byRunner };
}
