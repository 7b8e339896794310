/** Where the mismatches are: border zones, stride phases, channels, batch items. */
import type { ConvTransposeGeometry } from '../../geometry/types.js';
import { spatialAxisNames, type OutputIndexer } from '../coords.js';
import type { LocationSummary } from '../types.js';

/** What one pass over the mismatch mask saw. */
interface Seen {
  mismatched: number;
  allBorder: boolean;
  readonly startCounts: number[];
  readonly endCounts: number[];
  readonly phases: Uint8Array[];
  readonly channels: Uint8Array;
  readonly batches: Uint8Array;
}

function scan(geometry: ConvTransposeGeometry, mask: Uint8Array, indexer: OutputIndexer, widths: number[]): Seen {
  const rank = geometry.rank;
  const seen: Seen = {
    mismatched: 0,
    allBorder: true,
    startCounts: new Array<number>(rank).fill(0),
    endCounts: new Array<number>(rank).fill(0),
    phases: geometry.axes.map((axis) => new Uint8Array(axis.stride)),
    channels: new Uint8Array(geometry.outChannels),
    batches: new Uint8Array(geometry.batch),
  };
  const dims = indexer.spatialDims;
  for (let index = 0; index < mask.length; index++) {
    if (mask[index] === 0) continue;
    seen.mismatched++;
    const coordinates = indexer.coordinates(index);
    seen.channels[coordinates[indexer.channelDim]!] = 1;
    seen.batches[coordinates[0]!] = 1;
    let border = false;
    for (let axis = 0; axis < rank; axis++) {
      const j = coordinates[dims[axis]!]!;
      const geometryAxis = geometry.axes[axis]!;
      if (j < widths[axis]!) {
        seen.startCounts[axis]!++;
        border = true;
      }
      if (j >= geometryAxis.outputSize - widths[axis]!) {
        seen.endCounts[axis]!++;
        border = true;
      }
      const phase = (((j + geometryAxis.beginCrop) % geometryAxis.stride) + geometryAxis.stride) % geometryAxis.stride;
      seen.phases[axis]![phase] = 1;
    }
    if (!border) seen.allBorder = false;
  }
  return seen;
}

function edgesOf(seen: Seen, names: readonly string[]): LocationSummary['edges'] {
  const edges: LocationSummary['edges'] = [];
  for (let axis = 0; axis < names.length; axis++) {
    if (seen.startCounts[axis]! > 0) edges.push({ axis: names[axis]!, side: 'start', count: seen.startCounts[axis]! });
    if (seen.endCounts[axis]! > 0) edges.push({ axis: names[axis]!, side: 'end', count: seen.endCounts[axis]! });
  }
  return edges;
}

function stridePhasesOf(geometry: ConvTransposeGeometry, seen: Seen, names: readonly string[]) {
  const stridePhases: LocationSummary['stridePhases'] = [];
  geometry.axes.forEach((axis, index) => {
    if (axis.stride < 2 || seen.mismatched === 0) return;
    const present = Math.min(axis.stride, axis.outputSize);
    const phaseSeen = seen.phases[index]!;
    const phases = [...phaseSeen.keys()].filter((phase) => phaseSeen[phase] === 1);
    if (phases.length < present) stridePhases.push({ axis: names[index]!, stride: axis.stride, phases });
  });
  return stridePhases;
}

export function locateMismatches(
  geometry: ConvTransposeGeometry,
  mask: Uint8Array,
  indexer: OutputIndexer,
): LocationSummary {
  const names = spatialAxisNames(geometry.rank);
  const widths = geometry.axes.map((axis) => Math.max(1, axis.effectiveKernelSize - 1));
  const seen = scan(geometry, mask, indexer, widths);
  const mismatched = seen.mismatched;
  const hasInterior = geometry.axes.every((axis, index) => axis.outputSize > 2 * widths[index]!);
  // Only a proper subset of channels / batch items says something.
  const subset = (flags: Uint8Array): number[] | null => {
    const list = [...flags.keys()].filter((key) => flags[key] === 1);
    return list.length < flags.length && mismatched > 0 ? list : null;
  };
  return {
    mismatched,
    borderOnly: mismatched > 0 && seen.allBorder && hasInterior,
    borderWidth: widths,
    edges: edgesOf(seen, names),
    stridePhases: stridePhasesOf(geometry, seen, names),
    channels: subset(seen.channels),
    batches: subset(seen.batches),
  };
}
