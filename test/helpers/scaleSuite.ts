/**
 * Large generated suites for the scale tests and benchmarks: `count` valid cases drawn with the
 * fuzz arbitraries (valid by construction), written as one case file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { caseArbitrary, DEFAULT_SPACE } from '../../src/fuzz/arbitraries.js';

export interface ScaleSuiteOptions {
  readonly count: number;
  readonly seed?: number;
  /** Largest tensor, in elements (small cases: the tests measure the reports, not the kernels). */
  readonly maxElements?: number;
}

/** Writes the suite to `path` (YAML); returns the number of cases. */
export function writeScaleSuite(path: string, options: ScaleSuiteOptions): number {
  const space = { ...DEFAULT_SPACE, maxElements: options.maxElements ?? 512 };
  const drawn = fc.sample(caseArbitrary(space), { numRuns: options.count, seed: options.seed ?? 20_261_205 });
  const cases = drawn.map((entry, index) => ({ ...entry.spec, name: `case-${String(index).padStart(6, '0')}` }));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    stringify(
      { description: `${cases.length} random valid cases (fuzz arbitraries), for the scale tests`, cases },
      { flow: false, lineWidth: 0 },
    ),
  );
  return cases.length;
}
