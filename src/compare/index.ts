/**
 * The comparator's public surface:
 * - `compareOutcome(input)`: one runner outcome vs the reference -> `Comparison` (never throws).
 * - `compareRunners(results, reference, geometry, tolerance)`: n-way agreement, odd one out.
 * - `formatComparison(c)` / `formatRunnerAgreement(a)`: torch-style lines.
 * - Tolerances: `Tolerance`, `toleranceFromSpec`, `defaultTolerance`, `describeTolerance`.
 */
export { compareOutcome, type CompareOutcomeInput, type ReferenceValues } from './outcome.js';
export { compareRunners, REFERENCE_LABEL, type RunnerOutput, type CompareRunnersOptions } from './runners.js';
export { formatComparison, formatRunnerAgreement, formatValue, formatPercent, coordinateOrder } from './format.js';
export { diagnose, locateMismatches, type DiagnosisInput } from './diagnose.js';
export { computeStatistics, DEFAULT_WORST_COUNT } from './statistics.js';
export { shapeCauses, otherLayoutShape } from './shape.js';
export { OutputIndexer, spatialAxisNames } from './coords.js';
export { encodeNumber, decodeNumber } from './json.js';
export {
  AUTO_TOLERANCE,
  BFLOAT16_UNIT_ROUNDOFF,
  FLOAT16_UNIT_ROUNDOFF,
  FLOAT32_UNIT_ROUNDOFF,
  defaultTolerance,
  describeTolerance,
  float32Ulp,
  toleranceFromSpec,
  toleranceReport,
  type Tolerance,
} from './tolerance.js';
export { allowedDifference, compareValues, isClose, type ErrorBudget, type ValueComparison } from './values.js';
export type * from './types.js';
