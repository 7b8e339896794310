/**
 * (g) Location patterns, when no transformation fits: mismatches only near the borders, only on
 * some stride phases, only in some output channels, only in some batch items, or filling a band of
 * indices along some axis (first that holds).
 */
import type { ConvTransposeGeometry } from '../../geometry/types.js';
import type { Explanation, LocationSummary } from '../types.js';
import type { DiagnosisStep } from './types.js';

/** Sorted integers as runs, e.g. "0-2, 5". */
function ranges(values: readonly number[]): string {
  const parts: string[] = [];
  for (let start = 0; start < values.length;) {
    let end = start;
    while (end + 1 < values.length && values[end + 1] === values[end]! + 1) end++;
    parts.push(end === start ? String(values[start]) : `${values[start]}-${values[end]}`);
    start = end + 1;
  }
  return parts.join(', ');
}

function border(location: LocationSummary, prefix: string): Explanation {
  const edges = location.edges.map((edge) => `${edge.axis} ${edge.side} ${edge.count}`).join(', ');
  const axes = [...new Set(location.edges.map((edge) => edge.axis))].join(',');
  return {
    kind: 'border',
    axis: axes,
    detail: `${prefix}mismatches only near the edges (within k_eff - 1 of an edge; ${edges}): padding / crop handling (pads, output_padding, output_shape, the zero rows past the full output)`,
  };
}

function stridePhase(location: LocationSummary, prefix: string): Explanation {
  const parts = location.stridePhases.map(
    (entry) =>
      `${entry.axis}: phase ${entry.phases.join(', ')} of ${entry.stride} (output index j with (j + beginCrop) mod ${entry.stride} in {${entry.phases.join(', ')}})`,
  );
  return {
    kind: 'stride-phase',
    axis: location.stridePhases.map((entry) => entry.axis).join(','),
    detail: `${prefix}mismatches only on some stride phases (${parts.join('; ')}): kernel tap selection / zero insertion / dilation indexing`,
  };
}

function channels(geometry: ConvTransposeGeometry, channelList: readonly number[], prefix: string): Explanation {
  const perGroup = geometry.outChannelsPerGroup;
  const groups = [...new Set(channelList.map((channel) => Math.floor(channel / perGroup)))];
  const groupText =
    geometry.group > 1 ? ` (group${groups.length > 1 ? 's' : ''} ${ranges(groups)} of ${geometry.group})` : '';
  return {
    kind: 'channels',
    detail: `${prefix}mismatches only in output channels ${ranges(channelList)} of ${geometry.outChannels}${groupText}: per-channel weights / group handling`,
  };
}

function band(location: LocationSummary, prefix: string): Explanation {
  const bands = location.bands ?? [];
  const parts = bands.map((entry) => `${entry.axis} ${entry.from}-${entry.to} of 0-${entry.size - 1}`);
  return {
    kind: 'band',
    axis: bands.map((entry) => entry.axis).join(','),
    detail: `${prefix}mismatches only in a band of the output, densely (${parts.join('; ')}): those output positions sum wrong terms (pads / crop split differently, or input rows / columns past some bound not read: a loop bound computed from the wrong size, stride or axis)`,
  };
}

/** The first location pattern that holds, with `prefix` before its words; null when none does. */
export function locationPattern(
  geometry: ConvTransposeGeometry,
  location: LocationSummary,
  prefix: string,
): Explanation | null {
  if (location.borderOnly) return border(location, prefix);
  if (location.stridePhases.length > 0) return stridePhase(location, prefix);
  if (location.channels !== null) return channels(geometry, location.channels, prefix);
  if (location.batches !== null) {
    return {
      kind: 'batch',
      detail: `${prefix}mismatches only in batch items ${ranges(location.batches)} of ${geometry.batch}: batch handling`,
    };
  }
  if (location.bands?.length) return band(location, prefix);
  return null;
}

export const locationStep: DiagnosisStep = {
  name: 'location',
  kinds: ['border', 'stride-phase', 'channels', 'batch', 'band'],
  explain: ({ input, location }) => ({
    tried: [],
    explanation: locationPattern(input.geometry, location, 'no known transformation fits; '),
  }),
};
