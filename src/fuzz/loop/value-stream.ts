/** fast-check's own stream of generated cases, as `fc.check` would run them. */
import fc from 'fast-check';
import type { FuzzCase } from '../arbitraries.js';

export type CaseProperty = fc.IAsyncPropertyWithHooks<[FuzzCase]>;

/** Values taken from fast-check's stream at a time. */
const BATCH = 64;

/**
 * fast-check's own stream of generated values for a property and seed, in batches: `fc.sample`
 * over a raw-property view (an own `isAsync`, so `sample` does not wrap it as an arbitrary, which
 * would change the bias schedule) gives exactly the values `fc.check` runs, index by index.
 */
export function valueStream(property: CaseProperty, seed: number): () => FuzzCase {
  const raw = {
    isAsync: () => true as const,
    generate: (random: fc.Random, runId?: number) => property.generate(random, runId),
    shrink: (value: fc.Value<[FuzzCase]>) => property.shrink(value),
    run: (value: [FuzzCase]) => property.run(value),
    runBeforeEach: () => property.runBeforeEach(),
    runAfterEach: () => property.runAfterEach(),
  };
  let buffer: FuzzCase[] = [];
  let taken = 0;
  return () => {
    if (buffer.length === 0) {
      const sampled = fc.sample(raw as unknown as fc.IRawProperty<[FuzzCase]>, {
        seed,
        numRuns: BATCH,
        ...(taken > 0 ? { path: String(taken) } : {}),
      });
      buffer = sampled.map((tuple) => tuple[0]);
    }
    taken++;
    return buffer.shift()!;
  };
}
