/**
 * What the tfjs CPU and wasm backends (tfjs 4.22) compute for a planned tfjs variant, modelled per
 * spatial axis from the installed framework code, so that the known-divergence predicates of
 * known.ts hold exactly when the backend's output differs from the geometry's.
 *
 * tf.conv2dTranspose / tf.conv3dTranspose(x, filter, outputShape, strides, pad) run the input
 * gradient of a forward convolution over an image of `outputShape`. Two pieces decide the result:
 *
 * 1. tfjs-core's conv_util (dist/ops/conv_util.js) turns (outputShape, filter, strides, pad) into
 *    `padInfo` (top / left / front: the pad the kernel applies at the start) and the forward
 *    output size `outHeight` / `outWidth` / `outDepth`, which the kernels use as the number of
 *    rows of x to read (tfjs never compares it with x's real size). `conv_util` below restates
 *    getPadAndOutInfo (2-D) and get3DPadAndOutInfo + computeOutputShape4D (3-D) line by line,
 *    including two bugs:
 *    - numeric pad, 2-D: computeOutputShape2D gets only the filter HEIGHT and stride HEIGHT, so
 *      outWidth = trunc((o_w - k_h + 2p) / s_h + 1) instead of trunc((o_w - k_w + 2p) / s_w + 1);
 *    - 'same', 3-D: padAlong = (ceil(o/s) - 1) * s + k - o without TF's max(0, ...), so an output
 *      past the full size (padAlong < 0) gets front/top/left = floor(padAlong / 2) < 0.
 *
 * 2. The kernel (Conv2DBackpropInput / Conv3DBackpropInputV2): per axis, with
 *    corner = q - (k - 1 - pad) for TF output position q, it sums over x rows y in [lo, hi) the
 *    products x[y] * w[tap], tap = q + pad - y*s:
 *    - CPU (tfjs-backend-cpu kernels/Conv2DBackpropInput.js, Conv3DBackpropInputV2.js) and the
 *      wasm 2-D kernel (float arithmetic, the same bounds): lo = max(0, ceil(corner / s)),
 *      y < min(outSize, (k + corner) / s) (a real bound): exactly the taps 0 <= tap < k;
 *    - wasm 3-D (tfjs-backend-wasm src/cc/conv3d_impl.h, NDHWCConv3DBackpropInputV2Impl; its C++
 *      source is not shipped in the npm package): integer DivCeil(a, b) = a/b + (a%b != 0) and
 *      DivFloor(a, b) = a/b with C's truncating division, lo = max(0, DivCeil(corner, s)) (1, not
 *      0, for corner in (-s, 0)); rows and columns stop at min(outSize, DivFloor(k + corner, s))
 *      (exclusive: the last tap is dropped when k + corner is not a multiple of s); depth stops at
 *      min(outSize, DivFloor(k, s)), without the corner (taps missing, or taps past the filter
 *      read from outside it). This is the bug recorded on the bundled 3-D cases ("[1, 2] along
 *      depth gives [1, 0]; along W, i2 k3 s2 gives [0,0,3,4,6] instead of [1,2,5,4,6]").
 *
 *    - the wasm 2-D kernel takes out_height / out_width as size_t: a negative outWidth (numeric
 *      pad, e.g. trunc(-1)) wraps and caps nothing, where the CPU reads no column.
 *
 * The geometry's output element x of an axis is full[x + begin] = sum over y in [0, i) of
 * x[y] * w[x + begin - y*s] (0 <= tap < k), and tconv inserts d - 1 zeros between the kernel taps
 * for dilation (TF runs k_eff taps, dilation 1), so taps with tap % d != 0 add nothing on either
 * side. Per axis and output position the backend's terms (y, tap) are compared with the
 * geometry's; the runner's crop (valid+crop) maps the case's position to TF's. An output element
 * is a product over the axes (batch and channels do not change which terms are summed); it differs
 * exactly when (see kernelDiverges): the products of the real terms differ and are not both
 * empty; or a tap outside [0, k) is read (another memory word, not cancelled by an inserted zero
 * on another axis); or, on the CPU, x is read past its end (undefined: NaN, even times an inserted
 * zero). A row of x past its size but inside the buffer is the next row's data.
 *
 * What the model cannot see is data and heap contents: a missing or extra term whose x or w value
 * is 0 (the integer distribution's small tensors) changes nothing; the wasm heap read before the
 * filter or past x's end sometimes holds zeros. So a predicate can still hold for a variant that
 * passes (a few per thousand tfjs variants in fuzz runs); treating those reads as zeros instead
 * would miss the more common runs where they are not (measured: 22 of 25 depth reads outside the
 * filter, and 2 of 8 reads past x's end, changed the output). Predicates take only the geometry.
 */
import { planTfjsCalls, type TfjsCallPlan } from '../../../runners/tfjs/calls.js';
import type { ConvTransposeGeometry } from '../../geometry/types.js';

/** Loop bounds of a backend's transposed-convolution kernel on one axis (see the file comment). */
export type KernelBounds = 'exact' | 'wasm-conv2d' | 'wasm-conv3d-depth' | 'wasm-conv3d-rows';

/** One TF spatial axis of a tfjs call, as conv_util hands it to the kernel, and the geometry's. */
export interface TfjsAxis {
  /** O: TF's output length on this axis (conv_util's inHeight/inWidth/inDepth). */
  readonly outputSize: number;
  /** I: x's real length on this axis. */
  readonly inputSize: number;
  /** k: kernel taps (k_eff: tconv inserts the dilation's zeros, so TF runs dilation 1). */
  readonly kernelSize: number;
  /** The geometry's dilation: taps that are not multiples of it are inserted zeros. */
  readonly dilation: number;
  readonly stride: number;
  /** conv_util's padInfo.top / left / front. */
  readonly pad: number;
  /** conv_util's outHeight / outWidth / outDepth: the rows of x the kernel reads. */
  readonly rowsRead: number;
  /** tconv's crop of TF's output (valid+crop), 0 otherwise. */
  readonly cropBegin: number;
  /** The case's output length and begin crop on this axis (1 and 0 for the unit axis of 1-D). */
  readonly caseOutputSize: number;
  readonly beginCrop: number;
}

/** The TF conv_util pads (padInfo) and forward sizes (out*) of a call. */
interface ConvUtilAxis {
  readonly pad: number;
  readonly rowsRead: number;
}

/** Math.trunc, as conv_util's round() without dimRoundingMode. */
const trunc = Math.trunc;

/**
 * tfjs-core 4.22 conv_util for the call's pad, per TF spatial axis (in TF order: [H, W] or
 * [D, H, W]). `outputSizes` are TF's output sizes (conv_util's "in" sizes).
 */
export function convUtil(
  op: TfjsCallPlan['op'],
  pad: TfjsCallPlan['pad'],
  outputSizes: readonly number[],
  kernelSizes: readonly number[],
  strides: readonly number[],
): ConvUtilAxis[] {
  const axes = outputSizes.map((o, a) => ({ o, k: kernelSizes[a]!, s: strides[a]! }));
  if (op === 'conv3dTranspose') {
    // get3DPadAndOutInfo: 'valid' is pad 0, then computeOutputShape4D (0 rows when o + 2p < k).
    if (pad === 'valid' || pad === 0) {
      return axes.map(({ o, k, s }) => ({ pad: 0, rowsRead: o >= k ? trunc((o - k) / s + 1) : 0 }));
    }
    if (pad === 'same') {
      // padAlong = (outSize - 1) * s + k - o, WITHOUT max(0, ...): front/top/left = floor(padAlong / 2).
      return axes.map(({ o, k, s }) => {
        const rowsRead = Math.ceil(o / s);
        return { pad: Math.floor(((rowsRead - 1) * s + k - o) / 2), rowsRead };
      });
    }
    throw new Error(`tf.conv3dTranspose takes only 'same' or 'valid', not ${JSON.stringify(pad)}`);
  }
  const [height, width] = axes as [(typeof axes)[0], (typeof axes)[0]];
  if (typeof pad === 'number') {
    // computeOutputShape2D([inHeight, inWidth], filterHeight, strideHeight, pad): the width too is
    // computed with the filter and stride HEIGHT.
    const rows = (o: number): number => trunc((o - height.k + 2 * pad) / height.s + 1);
    return [
      { pad, rowsRead: rows(height.o) },
      { pad, rowsRead: rows(width.o) },
    ];
  }
  if (pad === 'same') {
    return axes.map(({ o, k, s }) => {
      const rowsRead = Math.ceil(o / s);
      return { pad: Math.floor(Math.max(0, (rowsRead - 1) * s + k - o) / 2), rowsRead };
    });
  }
  if (pad === 'valid') return axes.map(({ o, k, s }) => ({ pad: 0, rowsRead: Math.ceil((o - k + 1) / s) }));
  // Explicit [[0, 0], [top, bottom], [left, right], [0, 0]] (NHWC).
  const sides = [pad[1], pad[2]];
  return axes.map(({ o, k, s }, a) => {
    const [begin, end] = sides[a]!;
    return { pad: begin, rowsRead: trunc((o - k + begin + end) / s + 1) };
  });
}

/** The planned call of `variant` for the geometry, or null when the tfjs runners do not plan it. */
function planOf(g: ConvTransposeGeometry, variant: string): TfjsCallPlan | null {
  const planned = planTfjsCalls(g);
  if ('reason' in planned) return null;
  return planned.plans.find((plan) => plan.variant === variant) ?? null;
}

/** The axes of the tfjs call of `variant`, as conv_util computes them; null when it is not planned. */
export function tfjsAxes(
  g: ConvTransposeGeometry,
  variant: string,
): { op: TfjsCallPlan['op']; axes: TfjsAxis[] } | null {
  const plan = planOf(g, variant);
  if (!plan) return null;
  const spatial = plan.strides.length;
  const outputSizes = plan.outputShape.slice(1, 1 + spatial);
  const kernelSizes = plan.filterShape.slice(0, spatial);
  const info = convUtil(plan.op, plan.pad, outputSizes, kernelSizes, plan.strides);
  // 1-D runs as 2-D with a leading unit axis (output 1, begin 0).
  const caseAxes = g.rank === 1 ? [{ outputSize: 1, beginCrop: 0, dilation: 1 }, ...g.axes] : g.axes;
  return {
    op: plan.op,
    axes: info.map(({ pad, rowsRead }, a) => ({
      outputSize: outputSizes[a]!,
      inputSize: plan.xShape[a + 1]!,
      kernelSize: kernelSizes[a]!,
      dilation: caseAxes[a]!.dilation,
      stride: plan.strides[a]!,
      pad,
      rowsRead,
      cropBegin: plan.crop?.begin[a] ?? 0,
      caseOutputSize: caseAxes[a]!.outputSize,
      beginCrop: caseAxes[a]!.beginCrop,
    })),
  };
}

/** C++ integer division (truncating) as conv3d_impl.h's DivCeil / DivFloor use it. */
const cDiv = (a: number, b: number): number => Math.trunc(a / b);
const divCeil = (a: number, b: number): number => cDiv(a, b) + (a % b !== 0 ? 1 : 0);
const divFloor = cDiv;

/** The x rows [lo, hi) the kernel sums for TF output position q. */
function rowRange(axis: TfjsAxis, q: number, bounds: KernelBounds): readonly [number, number] {
  const { kernelSize: k, stride: s, pad, rowsRead } = axis;
  const corner = q - (k - 1 - pad);
  if (bounds === 'exact' || bounds === 'wasm-conv2d') {
    // wasm's 2-D kernel takes out_height / out_width as size_t: a negative count wraps to 2^32 - n,
    // which caps nothing (the CPU's Math.min with a negative count reads no row).
    const cap = bounds === 'wasm-conv2d' && rowsRead < 0 ? Number.POSITIVE_INFINITY : rowsRead;
    return [Math.max(0, Math.ceil(corner / s)), Math.min(cap, Math.ceil((k + corner) / s))];
  }
  const lo = Math.max(0, divCeil(corner, s));
  if (bounds === 'wasm-conv3d-depth') return [lo, Math.min(rowsRead, divFloor(k, s))];
  return [lo, Math.min(rowsRead, divFloor(k + corner, s))];
}

/**
 * How one output position of an axis compares. The backend's terms on the axis are real taps
 * (0 <= tap < k, not an inserted zero), inserted zeros (tap % d != 0) and reads outside the filter
 * (tap outside [0, k): wasm's depth bound); a real tap of a row past x (y >= I: the numeric pad's
 * wrong width) reads other x data and never equals a geometry term.
 */
interface PositionKind {
  /** The backend's real terms are the geometry's (which has no inserted zeros: they add 0). */
  readonly same: boolean;
  readonly backendRealEmpty: boolean;
  readonly geometryEmpty: boolean;
  /** Some backend term reads outside the filter: whatever the other axes' taps, it is not 0. */
  readonly outsideFilter: boolean;
  /** The backend has no term at all (real, inserted zero or outside). */
  readonly backendEmpty: boolean;
  /** Some backend term reads x's last row (y = I - 1) / a row past x (y >= I). */
  readonly lastRow: boolean;
  readonly pastRows: boolean;
}

const kindKey = (kind: PositionKind): number =>
  (kind.same ? 1 : 0) |
  (kind.backendRealEmpty ? 2 : 0) |
  (kind.geometryEmpty ? 4 : 0) |
  (kind.outsideFilter ? 8 : 0) |
  (kind.backendEmpty ? 16 : 0) |
  (kind.lastRow ? 32 : 0) |
  (kind.pastRows ? 64 : 0);

/** Output position x of one axis: the geometry's real terms against the backend's. */
function positionKind(axis: TfjsAxis, bounds: KernelBounds, x: number): PositionKind {
  const { kernelSize: k, stride: s, dilation: d, inputSize, outputSize, cropBegin, beginCrop } = axis;
  // The geometry: full[x + begin] = sum over y in [0, I) of x[y] * w[x + begin - y*s], 0 <= tap < k.
  const j = x + beginCrop;
  const expected: number[] = [];
  for (let y = Math.max(0, Math.ceil((j - k + 1) / s)); y < inputSize && y * s <= j; y++) {
    if ((j - y * s) % d === 0) expected.push(y, j - y * s);
  }
  // The backend: TF output position q = x + crop; past TF's output (valid+crop) tconv appends bias only.
  const q = x + cropBegin;
  const real: number[] = [];
  let outsideFilter = false;
  let lo = 0;
  let hi = 0;
  if (q < outputSize) {
    [lo, hi] = rowRange(axis, q, bounds);
    for (let y = lo; y < hi; y++) {
      const tap = q + axis.pad - y * s;
      if (tap < 0 || tap >= k) outsideFilter = true;
      else if (tap % d === 0) real.push(y, y < inputSize ? tap : Number.NaN);
    }
  }
  const same = real.length === expected.length && real.every((value, index) => value === expected[index]);
  return {
    same,
    backendRealEmpty: real.length === 0,
    geometryEmpty: expected.length === 0,
    outsideFilter,
    backendEmpty: hi <= lo,
    lastRow: lo <= inputSize - 1 && inputSize - 1 < hi,
    pastRows: hi > inputSize,
  };
}

/** The distinct kinds of the output positions of one axis. */
function positionKinds(axis: TfjsAxis, bounds: KernelBounds): PositionKind[] {
  const kinds = new Map<number, PositionKind>();
  for (let x = 0; x < axis.caseOutputSize; x++) {
    const kind = positionKind(axis, bounds, x);
    kinds.set(kindKey(kind), kind);
  }
  return [...kinds.values()];
}

/** A backend's kernel: its loop bounds per axis, and what a read past the end of x gives. */
export interface BackendKernel {
  readonly bounds: readonly KernelBounds[];
  /**
   * The CPU kernel reads x from a JS typed array: past its end it gets undefined, and the sum is
   * NaN whatever the tap (an inserted zero too). wasm reads the heap after x (treated like other
   * x data: 0 times an inserted zero is 0).
   */
  readonly pastEndIsNaN: boolean;
}

/** The kernel of a backend for a call (wasm's 3-D kernel: depth, then rows and columns). */
export function backendKernel(backend: 'cpu' | 'wasm', op: TfjsCallPlan['op']): BackendKernel {
  if (backend === 'cpu')
    return { bounds: op === 'conv3dTranspose' ? ['exact', 'exact', 'exact'] : ['exact', 'exact'], pastEndIsNaN: true };
  const bounds: KernelBounds[] =
    op === 'conv3dTranspose'
      ? ['wasm-conv3d-depth', 'wasm-conv3d-rows', 'wasm-conv3d-rows']
      : ['wasm-conv2d', 'wasm-conv2d'];
  return { bounds, pastEndIsNaN: false };
}

/**
 * Whether the kernel, fed the conv_util pads and sizes in `axes`, gives an output different from
 * the geometry's (for data without zeros). An output element is a product over the axes'
 * positions (the batch and channels do not change the terms); it differs when
 * - (CPU) it reads past the end of x (channels-last: in the last batch, a row past x on the first
 *   axis not at x's last row, every earlier axis at its last row): NaN;
 * - some axis reads outside the filter there and no axis has an empty term list (that read is
 *   multiplied in, inserted zeros on other axes do not cancel it: the offset lands elsewhere), or
 * - the products of the real terms differ: not every axis has the geometry's real terms, and not
 *   both products are empty (an empty backend factor and an empty geometry factor).
 */
export function kernelDiverges(axes: readonly TfjsAxis[], kernel: BackendKernel): boolean {
  const perAxis = axes.map((axis, a) => positionKinds(axis, kernel.bounds[a]!));
  interface State {
    same: boolean;
    realEmpty: boolean;
    geometryEmpty: boolean;
    outside: boolean;
    empty: boolean;
    /** Every axis so far can read x's last row (the offset is at x's last row so far). */
    lastRows: boolean;
    /** An earlier axis (all before it at their last rows) reads past x: the offset is past x's end. */
    pastEnd: boolean;
  }
  const visit = (a: number, state: State): boolean => {
    if (a === perAxis.length) {
      if (state.empty) return !state.same && !(state.realEmpty && state.geometryEmpty);
      if ((kernel.pastEndIsNaN && state.pastEnd) || state.outside) return true;
      return !state.same && !(state.realEmpty && state.geometryEmpty);
    }
    return perAxis[a]!.some((kind) =>
      visit(a + 1, {
        same: state.same && kind.same,
        realEmpty: state.realEmpty || kind.backendRealEmpty,
        geometryEmpty: state.geometryEmpty || kind.geometryEmpty,
        outside: state.outside || kind.outsideFilter,
        empty: state.empty || kind.backendEmpty,
        lastRows: state.lastRows && kind.lastRow,
        pastEnd: state.pastEnd || (state.lastRows && kind.pastRows),
      }),
    );
  };
  return visit(0, {
    same: true,
    realEmpty: false,
    geometryEmpty: false,
    outside: false,
    empty: false,
    lastRows: true,
    pastEnd: false,
  });
}

/** Whether `backend` running the planned `variant` differs from the geometry (see the file comment). */
export function tfjsDiverges(g: ConvTransposeGeometry, variant: string, backend: 'cpu' | 'wasm'): boolean {
  const call = tfjsAxes(g, variant);
  return call !== null && kernelDiverges(call.axes, backendKernel(backend, call.op));
}
