/** `tconv run FILE|DIR...`: every case through the reference, checked against its `expect`. */
import { loadCaseFiles, type LoadedCase } from '../case/load.js';
import { selectCases } from '../case/select.js';
import { toleranceFromSpec } from '../compare/tolerance.js';
import { compareValues, type ValueComparison } from '../compare/values.js';
import { caseTensors } from '../data/tensors.js';
import { EXIT } from '../errors.js';
import { formatNumber } from '../format/tensor.js';
import { convTransposeReferenceParallel, shutdownReferenceWorkers } from '../reference/index.js';
import { COMMON_OPTIONS, maxElementsOption, parseCommand, requirePositionals, stringList } from './options.js';

interface ExpectCheck {
  readonly entry: LoadedCase;
  readonly comparison: ValueComparison | null;
}

async function checkExpect(entry: LoadedCase): Promise<ExpectCheck> {
  const expected = entry.spec.expect?.output;
  const tensors = caseTensors(entry.spec, entry.geometry, entry.seed);
  const reference = await convTransposeReferenceParallel(entry.geometry, tensors, { withBounds: true });
  if (!expected) return { entry, comparison: null };
  const comparison = compareValues(reference.output, expected, {
    tolerance: toleranceFromSpec(entry.spec.tolerance),
    termCount: reference.termCount,
    absSum: reference.absSum,
  });
  return { entry, comparison };
}

function describe(check: ExpectCheck): string {
  const c = check.comparison;
  if (!c) return `ok    ${check.entry.id} (no expect; reference ran)`;
  if (c.matched) return `pass  ${check.entry.id} (reference matches expect, max abs diff ${formatNumber(c.maxAbsDiff)})`;
  return `FAIL  ${check.entry.id}: reference differs from expect in ${c.mismatched} / ${c.total} elements, max abs diff ${formatNumber(c.maxAbsDiff)} at flat index ${c.maxAbsIndex}`;
}

export async function runCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand('run', argv, { ...COMMON_OPTIONS });
  requirePositionals('run', positionals, 'case files or directories');
  const files = loadCaseFiles(positionals, { maxElements: maxElementsOption(values['max-elements']) });
  const cases = selectCases(files, stringList(values['case']));
  let failed = 0;
  try {
    for (const entry of cases) {
      const check = await checkExpect(entry);
      if (check.comparison && !check.comparison.matched) failed++;
      process.stdout.write(`${describe(check)}\n`);
    }
  } finally {
    await shutdownReferenceWorkers();
  }
  process.stdout.write(`\n${cases.length - failed} passed, ${failed} failed\n`);
  return failed > 0 ? EXIT.mismatch : EXIT.ok;
}
