/**
 * Three-way (n-way) comparison: runner variants against the reference and against each other, to
 * say which side is the odd one out. Never throws.
 *
 * A runner agrees with the reference when every element is within the tolerance (as in
 * `compareOutcome`). Two runners agree when every element differs by at most twice the allowance at
 * the reference value (each may be off by the allowance, in opposite directions).
 */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { SpecialValues } from '../reference/special.js';
import type { ReferenceValues } from './diagnose.js';
import { encodeNumber } from './json.js';
import type { Tolerance } from './tolerance.js';
import type { PairAgreement, RunnerAgreement } from './types.js';
import { allowedDifference, isClose, type ErrorBudget } from './values.js';

export interface RunnerOutput {
  readonly label: string;
  readonly output: ArrayLike<number>;
}

export interface CompareRunnersOptions {
  readonly nanEqual?: boolean;
}

/** The reference's label in pairs and groups. */
export const REFERENCE_LABEL = 'reference';

function comparePair(
  a: string,
  b: string,
  left: ArrayLike<number>,
  right: ArrayLike<number>,
  allowance: Float64Array,
  nanEqual: boolean,
): PairAgreement {
  if (left.length !== right.length || left.length !== allowance.length) {
    return {
      a,
      b,
      agree: false,
      mismatched: Math.max(left.length, right.length),
      total: allowance.length,
      maxAbsDiff: 'NaN',
      note: `lengths differ (${left.length} vs ${right.length}; the output has ${allowance.length} elements)`,
    };
  }
  let mismatched = 0;
  let maxAbsDiff = 0;
  for (let index = 0; index < left.length; index++) {
    const x = left[index]!;
    const y = right[index]!;
    if (!isClose(x, y, allowance[index]!, nanEqual)) mismatched++;
    if (Number.isFinite(x) && Number.isFinite(y)) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - y));
  }
  return { a, b, agree: mismatched === 0, mismatched, total: left.length, maxAbsDiff: encodeNumber(maxAbsDiff) };
}

/** Connected components of the agreement graph, largest first (ties: first side first). */
function agreementGroups(sides: readonly string[], agree: (i: number, j: number) => boolean): string[][] {
  const groupOf = new Array<number>(sides.length).fill(-1);
  const groups: number[][] = [];
  for (let start = 0; start < sides.length; start++) {
    if (groupOf[start] !== -1) continue;
    const members = [start];
    groupOf[start] = groups.length;
    for (let cursor = 0; cursor < members.length; cursor++) {
      for (let other = 0; other < sides.length; other++) {
        if (groupOf[other] === -1 && agree(members[cursor]!, other)) {
          groupOf[other] = groups.length;
          members.push(other);
        }
      }
    }
    groups.push(members.sort((x, y) => x - y));
  }
  return groups
    .map((members, order) => ({ members, order }))
    .sort((x, y) => y.members.length - x.members.length || x.order - y.order)
    .map((group) => group.members.map((member) => sides[member]!));
}

/** A copy of `output` with 0 at the elements whose outcome depends on the summation order. */
function withoutOrderDependent(output: ArrayLike<number>, special: SpecialValues): Float64Array {
  const copy = Float64Array.from(output);
  special.outcomes.forEach((outcomes, index) => {
    if ((outcomes & (outcomes - 1)) !== 0) copy[index] = 0;
  });
  return copy;
}

export function compareRunners(
  results: readonly RunnerOutput[],
  reference: ReferenceValues,
  geometry: ConvTransposeGeometry,
  tolerance: Tolerance,
  options: CompareRunnersOptions = {},
): RunnerAgreement {
  const labels = (results ?? []).map((result) => String(result?.label));
  try {
    return compareRunnersUnchecked(results, reference, geometry, tolerance, options.nanEqual ?? false);
  } catch (error) {
    return {
      labels,
      pairs: [],
      groups: [],
      oddOneOut: null,
      detail: `comparison failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function compareRunnersUnchecked(
  results: readonly RunnerOutput[],
  reference: ReferenceValues,
  geometry: ConvTransposeGeometry,
  tolerance: Tolerance,
  nanEqual: boolean,
): RunnerAgreement {
  const labels = results.map((result) => result.label);
  const expected = reference.output;
  const budget: ErrorBudget = { tolerance, termCount: reference.termCount, absSum: reference.absSum };
  const allowance = new Float64Array(geometry.outputElements);
  for (let index = 0; index < allowance.length; index++) {
    allowance[index] = allowedDifference(budget, expected[index]!, index);
  }
  const doubled = allowance.map((value) => 2 * value);
  const sides = [REFERENCE_LABEL, ...labels];
  const raw: ArrayLike<number>[] = [expected, ...results.map((result) => result.output)];
  // With special values NaN is the definition's result (so NaN agrees with NaN), and where the
  // float32 summation order decides the outcome, sides may legitimately differ: not compared.
  const special = reference.special;
  const outputs = special ? raw.map((output) => withoutOrderDependent(output, special)) : raw;
  if (special) nanEqual = true;
  const agreeMatrix = sides.map(() => new Array<boolean>(sides.length).fill(true));
  const pairs: PairAgreement[] = [];
  for (let i = 0; i < sides.length; i++) {
    for (let j = i + 1; j < sides.length; j++) {
      // Runner first when compared with the reference (actual vs expected).
      const pair =
        i === 0
          ? comparePair(sides[j]!, REFERENCE_LABEL, outputs[j]!, expected, allowance, nanEqual)
          : comparePair(sides[i]!, sides[j]!, outputs[i]!, outputs[j]!, doubled, nanEqual);
      pairs.push(pair);
      agreeMatrix[i]![j] = pair.agree;
      agreeMatrix[j]![i] = pair.agree;
    }
  }
  const agree = (i: number, j: number): boolean => agreeMatrix[i]![j]!;
  const groups = agreementGroups(sides, agree);
  if (pairs.every((pair) => pair.agree)) {
    return {
      labels,
      pairs,
      groups,
      oddOneOut: null,
      detail:
        labels.length === 0
          ? 'no runner outputs to compare'
          : `all ${labels.length} runner output${labels.length === 1 ? '' : 's'} agree with the reference`,
    };
  }
  if (sides.length === 2) {
    return {
      labels,
      pairs,
      groups,
      oddOneOut: null,
      detail: `${labels[0]} disagrees with the reference; no third result to say which is wrong`,
    };
  }
  const odd = sides
    .map((_, side) => side)
    .filter((side) => {
      const isolated = sides.every((__, other) => other === side || !agree(side, other));
      const othersAgree = sides.every(
        (__, i) => i === side || sides.every((___, j) => j === side || j === i || agree(i, j)),
      );
      return isolated && othersAgree;
    });
  if (odd.length === 1) {
    const side = odd[0]!;
    const detail =
      side === 0
        ? `all ${labels.length} runners agree with each other but not with the reference: suspect the reference (or the case's geometry)`
        : `${sides[side]} is the odd one out: it disagrees with the reference and every other runner, which all agree`;
    return { labels, pairs, groups, oddOneOut: sides[side]!, detail };
  }
  const groupText = groups.map((group) => `{${group.join(', ')}}`).join(', ');
  return {
    labels,
    pairs,
    groups,
    oddOneOut: null,
    detail: `no single odd one out; agreeing groups: ${groupText}`,
  };
}
