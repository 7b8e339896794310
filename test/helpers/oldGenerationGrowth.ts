/**
 * Run as a script (`node --import tsx --expose-gc --initial-old-space-size=1024 THIS SUITE`): runs
 * the suite's cases on the reference twice and prints, as JSON, how many bytes per case the
 * second run left in the old generation. The large initial old space keeps V8 from a full GC in
 * between, so the figure is what the run promoted: garbage that only a full GC frees, which V8
 * puts off until the heap is several times its live size.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { loadCaseFiles } from '../../src/case/load.js';
import { runCases } from '../../src/run/conformance.js';

const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');
const oldSpace = (): number =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size;

const cases = loadCaseFiles([process.argv[2]!], { maxElements: 1 << 20 }).flatMap((file) => file.cases);
const selection = { filter: [], shard: null, runners: ['reference'] };
const run = (): Promise<unknown> =>
  runCases(cases, { sessions: [], expectations: [], selection, details: 'failing' }, () => {});
await run(); // compiles what the run needs
collect();
const before = oldSpace();
await run();
process.stdout.write(
  `${JSON.stringify({ cases: cases.length, bytesPerCase: (oldSpace() - before) / cases.length })}\n`,
);
