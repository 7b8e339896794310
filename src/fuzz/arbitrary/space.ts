/** The search space of the fuzzer: conventions, ranks, the element budget and per-axis caps. */
import type { Rank } from '../../geometry/types.js';

export type ConventionName = 'tf' | 'onnx' | 'torch';
/** Shrinking goes towards the first: PyTorch's symmetric padding is the plainest crop. */
export const CONVENTION_NAMES: readonly ConventionName[] = ['torch', 'tf', 'onnx'];
export const RANKS: readonly Rank[] = [1, 2, 3];

export interface FuzzSpace {
  /** Conventions the cases are written in (default all). */
  readonly conventions: readonly ConventionName[];
  /** Spatial ranks (default 1, 2, 3). */
  readonly dims: readonly Rank[];
  /** Largest input, weight and output tensor, in elements (default 10^4). */
  readonly maxElements: number;
  /**
   * Also draw the special-value distributions (`special`, `subnormal`, `large`: NaN, infinities,
   * signed zeros, subnormals, overflow) besides the ordinary ones (`fuzz --special`).
   */
  readonly special?: boolean;
  /**
   * Largest dense work of a case, in multiply-adds (default DEFAULT_FUZZ_MAX_WORK; `denseWork`).
   */
  readonly maxWork?: number;
}

export const DEFAULT_FUZZ_MAX_ELEMENTS = 10_000;
/**
 * Why a work budget besides the element budget: what a case costs an implementation that
 * evaluates densely (every kernel tap, dilation zeros included, at every position of the
 * zero-inserted output, as TF's 3-D CPU kernel does, and the dilation emulation of TF and tfjs)
 * grows as prod(full * k_eff) * N * M * C/g, which the element budget leaves up to ~10^8. Measured
 * on 5,000 generated cases without it: median 7.5 * 10^3, 99th percentile 5.3 * 10^6; the 5.8 %
 * above 10^6 were 80 % of the dense work, one case 0.3 s in tfjs-node. Channels and batch are
 * clamped into this budget (arbitrary/channels.ts), so the geometries stay; a spatial part alone
 * above it (0.6 % of draws) is not generated.
 */
export const DEFAULT_FUZZ_MAX_WORK = 1_000_000;

export const DEFAULT_SPACE: FuzzSpace = {
  conventions: CONVENTION_NAMES,
  dims: RANKS,
  maxElements: DEFAULT_FUZZ_MAX_ELEMENTS,
  maxWork: DEFAULT_FUZZ_MAX_WORK,
};

/** Per-axis parameter caps (they keep cases small and varied; the element budget caps the rest). */
export const LIMITS = {
  stride: 4,
  dilation: 3,
  kernel: 5,
  input: 12,
  /** Largest output length of one axis, whatever the budget. */
  axis: 64,
  group: 3,
  channelsPerGroup: 4,
  batch: 3,
} as const;

/**
 * The largest output length per axis for a rank: A with A^rank <= maxElements (capped). Every
 * convention keeps each axis's output (and input, and kernel) at most A long, so the spatial part
 * of every tensor fits the budget; the channel counts then take what is left.
 */
export function axisBudget(rank: Rank, maxElements: number): number {
  let size = 1;
  while (size < LIMITS.axis && (size + 1) ** rank <= maxElements) size++;
  return size;
}

/** Ranks a budget admits: an axis needs room for an output of 2 (full + one past it). */
export function feasibleRanks(space: FuzzSpace): Rank[] {
  return [...space.dims].sort((a, b) => a - b).filter((rank) => axisBudget(rank, space.maxElements) >= 2);
}
