/** The fuzz phase of a round: generated cases run, several in flight, until the first new finding. */
import fc from 'fast-check';
import type { FuzzCase } from '../arbitraries.js';
import type { CaseEvaluation } from '../evaluate.js';
import type { FailureRecord } from './findings.js';
import { annotated, type FuzzRun } from './run.js';
import { valueStream } from './value-stream.js';

/** The first case of a round with a new finding, at its index in the round's stream. */
export interface FoundCase {
  readonly index: number;
  readonly failure: FailureRecord;
}

interface InFlight {
  readonly index: number;
  readonly fuzzCase: FuzzCase;
  readonly result: Promise<CaseEvaluation>;
}

/**
 * Cases from fast-check's stream, `concurrency` in flight, results consumed in stream order.
 * Returns the first case with a new finding and its index.
 */
async function fuzzPhase(run: FuzzRun, seed: number): Promise<FoundCase | null> {
  const next = valueStream(
    fc.asyncProperty(run.arbitrary, async (_case: FuzzCase) => true),
    seed,
  );
  const inFlight: InFlight[] = [];
  let launched = 0;
  const budget = run.totalRuns - run.runs;
  const launch = (): void => {
    while (inFlight.length < run.concurrency && launched < budget && !run.clock.timeIsUp()) {
      const fuzzCase = next();
      const result = run.evaluate(fuzzCase);
      result.catch(() => undefined); // awaited in order below
      inFlight.push({ index: launched++, fuzzCase, result });
    }
  };
  try {
    for (launch(); inFlight.length > 0; launch()) {
      const { index, fuzzCase, result } = inFlight.shift()!;
      const evaluation = await result;
      run.countRun(fuzzCase, evaluation);
      const found = run.fresh(evaluation)[0];
      if (found) return { index, failure: { fuzzCase, evaluation, finding: found } };
      run.progress('fuzz');
    }
    return null;
  } finally {
    // Cases started after a finding (or a harness error) finish in the background, unused.
    await Promise.allSettled(inFlight.map((entry) => entry.result));
  }
}

/** The fuzz phase of round `round`; a harness error says where it happened. */
export async function fuzzRound(run: FuzzRun, seed: number, round: number): Promise<FoundCase | null> {
  try {
    return await fuzzPhase(run, seed);
  } catch (error) {
    throw annotated(error, `fuzz seed ${seed}, round ${round}, after ${run.runs} runs`);
  }
}
