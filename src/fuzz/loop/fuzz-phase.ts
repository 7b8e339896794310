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

/** Finished evaluations kept waiting for an older one, per case in flight (bounds memory). */
const WINDOW_PER_CASE = 4;

/**
 * Cases from fast-check's stream, `concurrency` evaluating at once, results consumed in stream
 * order. A new case starts as soon as any evaluation finishes (not only the oldest), so a slow
 * case does not leave the runner processes without work; at most WINDOW_PER_CASE * concurrency
 * cases wait to be consumed. Returns the first case with a new finding and its index.
 */
async function fuzzPhase(run: FuzzRun, seed: number): Promise<FoundCase | null> {
  const next = valueStream(
    fc.asyncProperty(run.arbitrary, async (_case: FuzzCase) => true),
    seed,
  );
  const inFlight: InFlight[] = [];
  let launched = 0;
  let evaluating = 0;
  let stopped = false;
  const budget = run.totalRuns - run.runs;
  const window = run.concurrency * WINDOW_PER_CASE;
  const launch = (): void => {
    while (
      !stopped &&
      evaluating < run.concurrency &&
      inFlight.length < window &&
      launched < budget &&
      !run.clock.timeIsUp()
    ) {
      const fuzzCase = next();
      const result = run.evaluate(fuzzCase);
      evaluating++;
      // Awaited in order below; finishing frees a place for the next case.
      result.then(finished, finished);
      inFlight.push({ index: launched++, fuzzCase, result });
    }
  };
  const finished = (): void => {
    evaluating--;
    launch();
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
    stopped = true;
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
