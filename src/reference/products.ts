/**
 * The products of the definition of transposed convolution, one by one (a scatter): every input
 * element x[n, c, p] times every weight tap w[c, mo, q], added to output position
 * t = p*s + q*d - beginCrop of channel m = g*(M/group) + mo when 0 <= t < o. No product is formed
 * for zero-inserted input positions, padding or cropped positions: they are not terms of the sum.
 *
 * Deliberately simple and independent of the optimised kernels (kernel.ts, simd/): the special
 * value analysis (special.ts) and the diagnoses walk it only for cases that need it.
 */
import type { AxisGeometry, ConvTransposeGeometry } from '../geometry/types.js';

/** Called once per product: the output element (layout order) and the flat input / weight indices. */
export type ProductVisitor = (outputIndex: number, inputIndex: number, weightIndex: number) => void;

const UNIT: AxisGeometry = {
  inputSize: 1,
  kernelSize: 1,
  stride: 1,
  dilation: 1,
  effectiveKernelSize: 1,
  fullSize: 1,
  beginCrop: 0,
  endCrop: 0,
  outputPadding: 0,
  outputSize: 1,
};

/** The axes padded in front to D, H, W. */
export function axesDHW(geometry: ConvTransposeGeometry): [AxisGeometry, AxisGeometry, AxisGeometry] {
  const axes = [...geometry.axes];
  while (axes.length < 3) axes.unshift(UNIT);
  return [axes[0]!, axes[1]!, axes[2]!];
}

/** Flat index of (n, c, d, h, w) in a tensor of the geometry's layout with `channels` channels. */
export function layoutIndex(
  channelsLast: boolean,
  channels: number,
  sizes: readonly [number, number, number],
  n: number,
  c: number,
  d: number,
  h: number,
  w: number,
): number {
  const [sd, sh, sw] = sizes;
  return channelsLast
    ? (((n * sd + d) * sh + h) * sw + w) * channels + c
    : (((n * channels + c) * sd + d) * sh + h) * sw + w;
}

/** Output positions t of each (p, q) along one axis, -1 where the product is cropped away. */
function axisTargets(axis: AxisGeometry): Int32Array {
  const targets = new Int32Array(axis.inputSize * axis.kernelSize);
  for (let p = 0; p < axis.inputSize; p++) {
    for (let q = 0; q < axis.kernelSize; q++) {
      const t = p * axis.stride + q * axis.dilation - axis.beginCrop;
      targets[p * axis.kernelSize + q] = t >= 0 && t < axis.outputSize ? t : -1;
    }
  }
  return targets;
}

/** Visits every product of the definition (see the file comment). */
export function forEachProduct(geometry: ConvTransposeGeometry, visit: ProductVisitor): void {
  const [axD, axH, axW] = axesDHW(geometry);
  const [tD, tH, tW] = [axisTargets(axD), axisTargets(axH), axisTargets(axW)];
  const inSizes = [axD.inputSize, axH.inputSize, axW.inputSize] as const;
  const outSizes = [axD.outputSize, axH.outputSize, axW.outputSize] as const;
  const { channelsLast, inChannels, outChannels, inChannelsPerGroup: cg, outChannelsPerGroup: mg } = geometry;
  const [kD, kH, kW] = [axD.kernelSize, axH.kernelSize, axW.kernelSize];
  for (let n = 0; n < geometry.batch; n++) {
    for (let c = 0; c < inChannels; c++) {
      const g = Math.floor(c / cg);
      for (let pd = 0; pd < inSizes[0]; pd++) {
        for (let ph = 0; ph < inSizes[1]; ph++) {
          for (let pw = 0; pw < inSizes[2]; pw++) {
            const inputIndex = layoutIndex(channelsLast, inChannels, inSizes, n, c, pd, ph, pw);
            for (let mo = 0; mo < mg; mo++) {
              const m = g * mg + mo;
              for (let qd = 0; qd < kD; qd++) {
                const od = tD[pd * kD + qd]!;
                if (od < 0) continue;
                for (let qh = 0; qh < kH; qh++) {
                  const oh = tH[ph * kH + qh]!;
                  if (oh < 0) continue;
                  for (let qw = 0; qw < kW; qw++) {
                    const ow = tW[pw * kW + qw]!;
                    if (ow < 0) continue;
                    const weightIndex = (((c * mg + mo) * kD + qd) * kH + qh) * kW + qw;
                    visit(layoutIndex(channelsLast, outChannels, outSizes, n, m, od, oh, ow), inputIndex, weightIndex);
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
