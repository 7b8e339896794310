/** The last word when nothing fits: "no known pattern", with how many elements mismatch. */
import type { Explanation, LocationSummary } from '../types.js';

export function noKnownPattern(location: LocationSummary, total: number): Explanation {
  const spread =
    location.mismatched === total
      ? 'every element'
      : `${location.mismatched} of ${total} elements, spread across the output`;
  return { kind: 'none', detail: `no known pattern (mismatches: ${spread})` };
}
