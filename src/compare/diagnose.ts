/**
 * Diagnosis of a value mismatch: known explanations, each tested by building the expectation it
 * implies (from the reference output, or by re-running the float64 reference with modified
 * inputs / geometry) and checking the output under test (a runner's, or a case's documented expect)
 * against it under the same tolerance. The
 * first that fits is named; otherwise the location of the mismatches is described. A hypothesis
 * whose test cannot fail on the case (a candidate the reference itself fits, a vacuous error bound)
 * is not named; the tried list says why.
 *
 * Order (diagnoses/registry.ts, one file per diagnosis in diagnoses/): special values (subnormals
 * flushed, Inf * 0 at inserted zeros, NaN not propagated, float32 overflow, zero signs; the only
 * ones tried on a non-finite mismatch) -> float32 rounding (non-auto
 * tolerances) -> (a) shift (beginCrop +-1 per axis and combinations, then +-2, +-3 on one axis) ->
 * (b) kernel rotated 180 degrees -> (c) kernel in/out channel axes swapped -> (d) spatial axes
 * transposed (output, kernel, input) -> (e) layout confusion (output, input) -> (f) bias missing /
 * doubled -> (g) input rows not read (where the mismatches fill a band at one end of an axis) ->
 * location pattern (borders, stride phase, channels, batch, band) -> reduced precision
 * (float16/TF32, bfloat16 error bounds; last, because those bounds are loose) -> 'none' ("no known
 * pattern").
 */
import { locateMismatches } from './diagnoses/locate.js';
import { locationPattern } from './diagnoses/location.js';
import { noKnownPattern } from './diagnoses/none.js';
import { DIAGNOSES, SPECIAL_VALUE_DIAGNOSES } from './diagnoses/registry.js';
import type { DiagnosisInput } from './diagnoses/types.js';
import type { Diagnosis, Explanation, TriedHypothesis } from './types.js';

export { locateMismatches } from './diagnoses/locate.js';
export type { DiagnosisInput, ReferenceValues } from './diagnoses/types.js';

export function diagnose(input: DiagnosisInput): Diagnosis {
  const { geometry, reference } = input;
  const tried: TriedHypothesis[] = [];
  const location = locateMismatches(geometry, input.mismatchMask, input.indexer, reference.termCount);
  const done = (explanation: Explanation): Diagnosis => ({ explanation, location, tried, summary: explanation.detail });
  const total = reference.output.length;
  // A non-finite mismatch is tested only against the special-value diagnoses, then located.
  for (const step of input.locationOnly ? SPECIAL_VALUE_DIAGNOSES : DIAGNOSES) {
    const finding = step.explain({ input, location });
    tried.push(...finding.tried);
    if (finding.explanation !== null) return done(finding.explanation);
  }
  if (input.locationOnly) return done(locationPattern(geometry, location, '') ?? noKnownPattern(location, total));
  return done(noKnownPattern(location, total));
}
