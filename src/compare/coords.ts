/** Flat output index <-> coordinates, in the geometry's layout and as named (n, c, d, h, w). */
import type { ConvTransposeGeometry } from '../geometry/types.js';
import { rowMajorStrides } from '../tensor.js';

/** Output coordinates by name; d and h exist only for ranks that have them (W is always there). */
export interface NamedCoordinates {
  readonly n: number;
  readonly c: number;
  readonly d?: number;
  readonly h?: number;
  readonly w: number;
}

/** Spatial axis names, outermost first: ['W'], ['H', 'W'] or ['D', 'H', 'W']. */
export function spatialAxisNames(rank: number): readonly string[] {
  return (['D', 'H', 'W'] as const).slice(3 - rank);
}

/** Decomposes flat indices of a geometry's output (in its layout). */
export class OutputIndexer {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly rank: number;
  readonly channelsLast: boolean;
  /** Position of the channel dimension in the layout-ordered shape. */
  readonly channelDim: number;
  /** Positions of the spatial dimensions (D, H, W order) in the layout-ordered shape. */
  readonly spatialDims: readonly number[];

  constructor(geometry: Pick<ConvTransposeGeometry, 'outputShape' | 'rank' | 'channelsLast'>) {
    this.shape = [...geometry.outputShape];
    this.strides = rowMajorStrides(this.shape);
    this.rank = geometry.rank;
    this.channelsLast = geometry.channelsLast;
    this.channelDim = geometry.channelsLast ? geometry.rank + 1 : 1;
    const first = geometry.channelsLast ? 1 : 2;
    this.spatialDims = Array.from({ length: geometry.rank }, (_, axis) => first + axis);
  }

  /** Coordinates in layout order, e.g. (n, c, h, w) for NCHW and (n, h, w, c) for NHWC. */
  coordinates(index: number): number[] {
    const coordinates = new Array<number>(this.shape.length);
    let rest = index;
    for (let dim = 0; dim < this.shape.length; dim++) {
      const stride = this.strides[dim]!;
      coordinates[dim] = Math.floor(rest / stride);
      rest -= coordinates[dim]! * stride;
    }
    return coordinates;
  }

  named(coordinates: readonly number[]): NamedCoordinates {
    const spatial = this.spatialDims.map((dim) => coordinates[dim]!);
    const n = coordinates[0]!;
    const c = coordinates[this.channelDim]!;
    const w = spatial[spatial.length - 1]!;
    if (this.rank === 1) return { n, c, w };
    if (this.rank === 2) return { n, c, h: spatial[0]!, w };
    return { n, c, d: spatial[0]!, h: spatial[1]!, w };
  }

  indexOf(coordinates: readonly number[]): number {
    let index = 0;
    for (let dim = 0; dim < coordinates.length; dim++) index += coordinates[dim]! * this.strides[dim]!;
    return index;
  }

  /** Output channel of a flat index. */
  channelOf(index: number): number {
    return Math.floor(index / this.strides[this.channelDim]!) % this.shape[this.channelDim]!;
  }
}
