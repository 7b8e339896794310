/** Where the mismatches are: border zones, stride phases, channels, batch items, bands along an axis. */
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
  /** Per spatial axis, mismatches at each output index. */
  readonly perIndex: Float64Array[];
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
    perIndex: geometry.axes.map((axis) => new Float64Array(axis.outputSize)),
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
      seen.perIndex[axis]![j]!++;
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

/**
 * Per spatial axis and output index, the elements that sum at least one product. An element that
 * is bias-only (e.g. on a stride phase no dilated tap reaches: k 3, dilation 2, stride 2) cannot
 * go wrong with the kernel, so its having no mismatch says nothing. Without term counts every
 * element counts.
 */
function productCounts(
  geometry: ConvTransposeGeometry,
  indexer: OutputIndexer,
  termCount: ArrayLike<number> | undefined,
): Float64Array[] {
  const total = indexer.shape.reduce((product, size) => product * size, 1);
  const dims = indexer.spatialDims;
  return geometry.axes.map((axis, a) => {
    const counts = new Float64Array(axis.outputSize);
    if (termCount === undefined) return counts.fill(total / axis.outputSize);
    const biasTerms = geometry.hasBias ? 1 : 0;
    const stride = indexer.strides[dims[a]!]!;
    for (let index = 0; index < termCount.length; index++) {
      if (termCount[index]! > biasTerms) counts[Math.floor(index / stride) % axis.outputSize]!++;
    }
    return counts;
  });
}

/** Per spatial axis, the stride phases with some element that sums a product. */
function productPhases(geometry: ConvTransposeGeometry, counts: readonly Float64Array[]): Uint8Array[] {
  return geometry.axes.map((axis, a) => {
    const phases = new Uint8Array(axis.stride);
    counts[a]!.forEach((count, j) => {
      if (count > 0) phases[(((j + axis.beginCrop) % axis.stride) + axis.stride) % axis.stride] = 1;
    });
    return phases;
  });
}

function stridePhasesOf(geometry: ConvTransposeGeometry, seen: Seen, names: readonly string[], possible: Uint8Array[]) {
  const stridePhases: LocationSummary['stridePhases'] = [];
  geometry.axes.forEach((axis, index) => {
    if (axis.stride < 2 || seen.mismatched === 0) return;
    const phaseSeen = seen.phases[index]!;
    const phaseCan = possible[index]!;
    const present = phaseCan.reduce((total, flag) => total + flag, 0);
    const phases = [...phaseSeen.keys()].filter((phase) => phaseSeen[phase] === 1);
    // A proper subset of the phases that can go wrong (mismatches on a bias-only phase: no pattern).
    const subset = phases.length < present && phases.every((phase) => phaseCan[phase] === 1);
    if (subset) stridePhases.push({ axis: names[index]!, stride: axis.stride, phases });
  });
  return stridePhases;
}

/** Below this share of the band's elements mismatching, a band is a scatter, not a region. */
const BAND_DENSITY = 0.5;

/**
 * Axes whose mismatches fill one contiguous run of output indices that is not the whole axis (a
 * wrong region, e.g. the columns past the input columns a kernel read), densely: at least half of
 * the elements there that sum products mismatch, so a few scattered errors do not make a band.
 * Indices without products (bias-only) neither break nor end a band.
 */
function bandsOf(geometry: ConvTransposeGeometry, seen: Seen, names: readonly string[], possible: Float64Array[]) {
  const bands: NonNullable<LocationSummary['bands']> = [];
  geometry.axes.forEach((axis, index) => {
    const counts = seen.perIndex[index]!;
    const can = possible[index]!;
    const hit = [...counts.keys()].filter((j) => counts[j]! > 0);
    if (hit.length === 0) return;
    const from = hit[0]!;
    const to = hit[hit.length - 1]!;
    const inside = (j: number): boolean => j >= from && j <= to;
    // Every index that can err is in the band, or none outside it is: then it is the whole axis.
    const gaps = [...can.keys()].some((j) => inside(j) && can[j]! > 0 && counts[j] === 0);
    const outside = [...can.keys()].some((j) => !inside(j) && can[j]! > 0);
    if (gaps || !outside) return;
    let room = 0;
    for (let j = from; j <= to; j++) room += can[j]!;
    if (seen.mismatched < BAND_DENSITY * room) return;
    bands.push({ axis: names[index]!, from, to, size: axis.outputSize });
  });
  return bands;
}

/** `termCount` (the reference's, optional) tells which stride phases sum products at all. */
export function locateMismatches(
  geometry: ConvTransposeGeometry,
  mask: Uint8Array,
  indexer: OutputIndexer,
  termCount?: ArrayLike<number>,
): LocationSummary {
  const names = spatialAxisNames(geometry.rank);
  const widths = geometry.axes.map((axis) => Math.max(1, axis.effectiveKernelSize - 1));
  const seen = scan(geometry, mask, indexer, widths);
  const possible = productCounts(geometry, indexer, termCount);
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
    stridePhases: stridePhasesOf(geometry, seen, names, productPhases(geometry, possible)),
    channels: subset(seen.channels),
    batches: subset(seen.batches),
    bands: bandsOf(geometry, seen, names, possible),
  };
}
