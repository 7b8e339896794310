/** The beginCrop offsets the shift diagnosis tries, and a cheap early test of each. */
import type { ConvTransposeGeometry } from '../../geometry/types.js';
import { isClose } from '../values.js';
import type { Allowed, DiagnosisInput } from './types.js';

/** Every combination of -1, 0, +1 over the axes with at least two nonzero entries. */
function multiAxisVectors(rank: number): number[][] {
  const combos: number[][] = [];
  const total = 3 ** rank;
  for (let code = 0; code < total; code++) {
    const vector: number[] = [];
    let rest = code;
    for (let a = 0; a < rank; a++) {
      vector.push((rest % 3) - 1);
      rest = Math.floor(rest / 3);
    }
    if (vector.filter((delta) => delta !== 0).length >= 2) combos.push(vector);
  }
  // All axes the same way first (the usual SAME_UPPER/SAME_LOWER slip), then mixed.
  const uniform = (v: number[]): boolean => v.every((d) => d === v[0]);
  combos.sort((a, b) => Number(uniform(b)) - Number(uniform(a)));
  return combos;
}

/** Offsets to try, in order: one axis +-1, several axes +-1, one axis +-2..+-maxShift. */
export function shiftVectors(geometry: ConvTransposeGeometry, maxShift: number): number[][] {
  const rank = geometry.rank;
  const oneAxis = (axis: number, delta: number): number[] =>
    Array.from({ length: rank }, (_, a) => (a === axis ? delta : 0));
  const vectors: number[][] = [];
  for (let axis = 0; axis < rank; axis++) {
    for (const delta of [1, -1]) vectors.push(oneAxis(axis, delta));
  }
  if (rank > 1) vectors.push(...multiAxisVectors(rank));
  for (let magnitude = 2; magnitude <= maxShift; magnitude++) {
    for (let axis = 0; axis < rank; axis++) {
      if (geometry.axes[axis]!.outputSize <= magnitude) continue;
      for (const delta of [magnitude, -magnitude]) vectors.push(oneAxis(axis, delta));
    }
  }
  return vectors;
}

/** Whether output element `index` moved by `deltas` is still inside the output on every axis. */
function shiftedInside(index: number, deltas: readonly number[], strides: number[], sizes: number[]): boolean {
  for (let axis = 0; axis < deltas.length; axis++) {
    const delta = deltas[axis]!;
    if (delta === 0) continue;
    const j = (Math.floor(index / strides[axis]!) % sizes[axis]!) + delta;
    if (j < 0 || j >= sizes[axis]!) return false;
  }
  return true;
}

/**
 * Cheap test of a shift: output element j should equal reference element j + delta wherever that
 * is inside the output. Stops at the first mismatch.
 */
export function interiorFits(input: DiagnosisInput, deltas: readonly number[], allowed: Allowed): boolean {
  const { actual, reference, indexer, nanEqual } = input;
  const dims = indexer.spatialDims;
  const strides = dims.map((dim) => indexer.strides[dim]!);
  const sizes = dims.map((dim) => indexer.shape[dim]!);
  let offset = 0;
  deltas.forEach((delta, axis) => (offset += delta * strides[axis]!));
  const expected = reference.output;
  for (let index = 0; index < expected.length; index++) {
    if (!shiftedInside(index, deltas, strides, sizes)) continue;
    const source = index + offset;
    const e = expected[source]!;
    if (!isClose(actual[index]!, e, allowed(e, source), nanEqual)) return false;
  }
  return true;
}
