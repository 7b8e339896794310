/**
 * Independent, deliberately naive oracles for testing the reference: no code shared with
 * src/reference. Tensors are channels-first ([N, C, spatial...]) unless a name says otherwise;
 * the rank is padded to 3 (D, H, W) with unit axes in front.
 */
import type { AxisGeometry, ConvTransposeGeometry } from '../../src/geometry/types.js';

/** One spatial axis as the oracles need it (unit axes fill ranks 1 and 2). */
interface OracleAxis {
  readonly i: number;
  readonly k: number;
  readonly s: number;
  readonly d: number;
  readonly begin: number;
  readonly o: number;
}

const UNIT: OracleAxis = { i: 1, k: 1, s: 1, d: 1, begin: 0, o: 1 };

function oracleAxes(geometry: ConvTransposeGeometry): [OracleAxis, OracleAxis, OracleAxis] {
  const axes: OracleAxis[] = geometry.axes.map((axis: AxisGeometry) => ({
    i: axis.inputSize,
    k: axis.kernelSize,
    s: axis.stride,
    d: axis.dilation,
    begin: axis.beginCrop,
    o: axis.outputSize,
  }));
  while (axes.length < 3) axes.unshift(UNIT);
  return [axes[0]!, axes[1]!, axes[2]!];
}

/** Flat index helper for [N, C, D, H, W]. */
function index5(shape: readonly number[], n: number, c: number, z: number, y: number, x: number) {
  return (((n * shape[1]! + c) * shape[2]! + z) * shape[3]! + y) * shape[4]! + x;
}

function inputShape5(geometry: ConvTransposeGeometry): number[] {
  const [a, b, c] = oracleAxes(geometry);
  return [geometry.batch, geometry.inChannels, a.i, b.i, c.i];
}

function outputShape5(geometry: ConvTransposeGeometry): number[] {
  const [a, b, c] = oracleAxes(geometry);
  return [geometry.batch, geometry.outChannels, a.o, b.o, c.o];
}

/** Weight [C, M/group, kD, kH, kW] flat index. */
function weightIndex(geometry: ConvTransposeGeometry, c: number, mo: number, q: number[]): number {
  const [a, b, e] = oracleAxes(geometry);
  return (((c * geometry.outChannelsPerGroup + mo) * a.k + q[0]!) * b.k + q[1]!) * e.k + q[2]!;
}

/** Calls visit(q) for every kernel tap (qd, qh, qw). */
function forEachTap(geometry: ConvTransposeGeometry, visit: (q: number[]) => void): void {
  const [a, b, c] = oracleAxes(geometry);
  for (let qd = 0; qd < a.k; qd++)
    for (let qh = 0; qh < b.k; qh++) for (let qw = 0; qw < c.k; qw++) visit([qd, qh, qw]);
}

function forEachPosition(sizes: number[], visit: (position: number[]) => void): void {
  for (let z = 0; z < sizes[0]!; z++)
    for (let y = 0; y < sizes[1]!; y++) for (let x = 0; x < sizes[2]!; x++) visit([z, y, x]);
}

/**
 * The forward convolution whose adjoint the transposed convolution is: its input has the
 * transposed convolution's output shape. out[n, c, p] = sum over mo in c's group and taps q of
 * y[n, g*Mg + mo, p*s + q*d - begin] * w[c, mo, q], zero outside [0, o).
 */
export function naiveForwardConvolution(
  geometry: ConvTransposeGeometry,
  y: Float64Array,
  weight: Float32Array,
): Float64Array {
  const axes = oracleAxes(geometry);
  const inShape = inputShape5(geometry);
  const yShape = outputShape5(geometry);
  const out = new Float64Array(geometry.inputElements);
  const mg = geometry.outChannelsPerGroup;
  for (let n = 0; n < geometry.batch; n++) {
    for (let c = 0; c < geometry.inChannels; c++) {
      const g = Math.floor(c / geometry.inChannelsPerGroup);
      forEachPosition(inShape.slice(2), (p) => {
        let sum = 0;
        forEachTap(geometry, (q) => {
          const j = axes.map((axis, a) => p[a]! * axis.s + q[a]! * axis.d - axis.begin);
          if (j.some((value, a) => value < 0 || value >= axes[a]!.o)) return;
          for (let mo = 0; mo < mg; mo++) {
            const yValue = y[index5(yShape, n, g * mg + mo, j[0]!, j[1]!, j[2]!)]!;
            sum += yValue * weight[weightIndex(geometry, c, mo, q)]!;
          }
        });
        out[index5(inShape, n, c, p[0]!, p[1]!, p[2]!)] = sum;
      });
    }
  }
  return out;
}

/**
 * Transposed convolution the textbook way: insert s-1 zeros between input elements, pad each
 * side by d(k-1) - begin (negative = crop) and up to length o + d(k-1) at the end, rotate the
 * kernel 180 degrees and swap its channel axes, then a stride-1 dilated correlation.
 */
export function zeroInsertionTransposedConvolution(
  geometry: ConvTransposeGeometry,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
): Float64Array {
  const axes = oracleAxes(geometry);
  const padded = zeroInsertedPaddedInput(geometry, input);
  const paddedSizes = axes.map((axis) => axis.o + axis.d * (axis.k - 1));
  const paddedShape = [geometry.batch, geometry.inChannels, ...paddedSizes];
  const outShape = outputShape5(geometry);
  const out = new Float64Array(geometry.outputElements);
  const mg = geometry.outChannelsPerGroup;
  const cg = geometry.inChannelsPerGroup;
  for (let n = 0; n < geometry.batch; n++) {
    for (let m = 0; m < geometry.outChannels; m++) {
      const g = Math.floor(m / mg);
      forEachPosition(outShape.slice(2), (j) => {
        let sum = 0;
        for (let c = g * cg; c < (g + 1) * cg; c++) {
          forEachTap(geometry, (r) => {
            // Rotated kernel: tap r of the correlation is tap k-1-r of w, channels swapped.
            const rotated = r.map((value, a) => axes[a]!.k - 1 - value);
            const at = j.map((value, a) => value + r[a]! * axes[a]!.d);
            const xValue = padded[index5(paddedShape, n, c, at[0]!, at[1]!, at[2]!)]!;
            sum += xValue * weight[weightIndex(geometry, c, m - g * mg, rotated)]!;
          });
        }
        const withBias = bias === null ? sum : sum + bias[m]!;
        out[index5(outShape, n, m, j[0]!, j[1]!, j[2]!)] = withBias;
      });
    }
  }
  return out;
}

/** The input with s-1 zeros between elements, shifted by d(k-1) - begin, in a zero canvas. */
function zeroInsertedPaddedInput(geometry: ConvTransposeGeometry, input: Float32Array): Float64Array {
  const axes = oracleAxes(geometry);
  const sizes = axes.map((axis) => axis.o + axis.d * (axis.k - 1));
  const shape = [geometry.batch, geometry.inChannels, ...sizes];
  const canvas = new Float64Array(shape.reduce((a, b) => a * b, 1));
  const inShape = inputShape5(geometry);
  for (let n = 0; n < geometry.batch; n++) {
    for (let c = 0; c < geometry.inChannels; c++) {
      forEachPosition(inShape.slice(2), (p) => {
        const at = p.map((value, a) => value * axes[a]!.s + axes[a]!.d * (axes[a]!.k - 1) - axes[a]!.begin);
        if (at.some((value, a) => value < 0 || value >= sizes[a]!)) return;
        canvas[index5(shape, n, c, at[0]!, at[1]!, at[2]!)] = input[index5(inShape, n, c, p[0]!, p[1]!, p[2]!)]!;
      });
    }
  }
  return canvas;
}

/**
 * Scatter formulation with everything in float32: each product rounded to float32 and added to
 * a float32 accumulator in input order, bias last. Also counts the terms of each output.
 */
export function naiveFloat32Scatter(
  geometry: ConvTransposeGeometry,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
): { output: Float32Array; termCount: Uint32Array } {
  const axes = oracleAxes(geometry);
  const inShape = inputShape5(geometry);
  const outShape = outputShape5(geometry);
  const output = new Float32Array(geometry.outputElements);
  const termCount = new Uint32Array(geometry.outputElements);
  const mg = geometry.outChannelsPerGroup;
  for (let n = 0; n < geometry.batch; n++) {
    for (let c = 0; c < geometry.inChannels; c++) {
      const g = Math.floor(c / geometry.inChannelsPerGroup);
      forEachPosition(inShape.slice(2), (p) => {
        const xValue = input[index5(inShape, n, c, p[0]!, p[1]!, p[2]!)]!;
        forEachTap(geometry, (q) => {
          const j = axes.map((axis, a) => p[a]! * axis.s + q[a]! * axis.d - axis.begin);
          if (j.some((value, a) => value < 0 || value >= axes[a]!.o)) return;
          for (let mo = 0; mo < mg; mo++) {
            const at = index5(outShape, n, g * mg + mo, j[0]!, j[1]!, j[2]!);
            const product = Math.fround(xValue * weight[weightIndex(geometry, c, mo, q)]!);
            output[at] = Math.fround(output[at]! + product);
            termCount[at]!++;
          }
        });
      });
    }
  }
  if (bias !== null) addBiasFloat32(geometry, output, termCount, bias);
  return { output, termCount };
}

function addBiasFloat32(
  geometry: ConvTransposeGeometry,
  output: Float32Array,
  termCount: Uint32Array,
  bias: Float32Array,
): void {
  const pixels = geometry.outputElements / (geometry.batch * geometry.outChannels);
  for (let index = 0; index < output.length; index++) {
    const m = Math.floor(index / pixels) % geometry.outChannels;
    output[index] = Math.fround(output[index]! + bias[m]!);
    termCount[index]!++;
  }
}
