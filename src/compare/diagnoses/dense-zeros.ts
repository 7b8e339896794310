/**
 * Where a dense implementation of transposed convolution makes NaN that the definition does not.
 *
 * The dense formulation: insert s-1 zeros between the input elements, pad with k_eff-1 zeros on
 * each side (and up to the output size past the end), then run a stride-1 correlation with the
 * spatially flipped kernel, itself dilated by inserting d-1 zeros between its taps. Output j along
 * one axis then reads the upsampled position u = j + beginCrop - r for each flipped-kernel offset
 * r in [0, k_eff): a real input element p = u / s when u >= 0, u % s == 0 and p < i, else an
 * inserted or padding zero; the tap is real when r % d == 0 (q = r / d), else a dilation zero.
 * Finite operands give the definition's sum (the zeros add nothing), but IEEE 754 7.2(a) makes
 * 0 * Inf (and 0 * NaN) a NaN, so every output whose window pairs such a zero with a non-finite
 * value is NaN. Example: TensorFlow's CPU Conv3DBackpropInputV2 falls back on Eigen's
 * CuboidConvolutionBackwardInput (extract_volume_patches of the inflated, padded gradient times
 * the reversed kernel), which is exactly this.
 */
import type { AxisGeometry, ConvTransposeGeometry } from '../../geometry/types.js';
import { axesDHW, layoutIndex } from '../../reference/products.js';
import type { CaseTensors } from '../../tensor.js';

/** Which zeros the dense implementation multiplies, and how far its correlation runs. */
export interface DenseZeros {
  /** The zeros inserted between (stride) and padded around the input elements meet the taps. */
  readonly input: boolean;
  /** The zeros inserted between dilated kernel taps meet the input elements. */
  readonly kernel: boolean;
  /**
   * Output rows past the full size (output_padding, TF VALID slack, SAME past full) are computed
   * by the correlation over trailing padding zeros, rather than appended as bias-only rows.
   */
  readonly pastFull: boolean;
}

/** One window entry: the input position (-1: an inserted or padding zero) and tap (-1: a dilation zero). */
type WindowEntry = readonly [position: number, tap: number];

/** Per output index along one axis, the (input position, kernel tap) pairs of its dense window. */
function axisWindows(axis: AxisGeometry, pastFull: boolean): WindowEntry[][] {
  return Array.from({ length: axis.outputSize }, (_, j) => {
    const computed = pastFull || j + axis.beginCrop < axis.fullSize;
    return Array.from({ length: computed ? axis.effectiveKernelSize : 0 }, (__, r): WindowEntry => {
      const u = j + axis.beginCrop - r;
      const real = u >= 0 && u % axis.stride === 0 && u / axis.stride < axis.inputSize;
      return [real ? u / axis.stride : -1, r % axis.dilation === 0 ? r / axis.dilation : -1];
    });
  });
}

/** 1 per (output channel, tap) where some weight of that tap, over the group's input channels, is not finite. */
function nonFiniteTaps(geometry: ConvTransposeGeometry, weight: Float32Array): Uint8Array {
  const { outChannels, inChannelsPerGroup: cg, outChannelsPerGroup: mg } = geometry;
  const taps = geometry.axes.reduce((count, axis) => count * axis.kernelSize, 1);
  const flags = new Uint8Array(outChannels * taps);
  for (let m = 0; m < outChannels; m++) {
    const g = Math.floor(m / mg);
    for (let ci = 0; ci < cg; ci++) {
      const base = ((g * cg + ci) * mg + (m - g * mg)) * taps;
      for (let tap = 0; tap < taps; tap++) {
        if (!Number.isFinite(weight[base + tap]!)) flags[m * taps + tap] = 1;
      }
    }
  }
  return flags;
}

/** 1 per (batch, group, input position) where some input of the group's channels is not finite. */
function nonFiniteInputs(geometry: ConvTransposeGeometry, input: Float32Array): Uint8Array {
  const { batch, group, inChannels, inChannelsPerGroup: cg, channelsLast } = geometry;
  const axes = axesDHW(geometry);
  const sizes = [axes[0].inputSize, axes[1].inputSize, axes[2].inputSize] as const;
  const positions = sizes[0] * sizes[1] * sizes[2];
  const flags = new Uint8Array(batch * group * positions);
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < inChannels; c++) {
      const g = Math.floor(c / cg);
      for (let p = 0; p < positions; p++) {
        const [pd, ph, pw] = [Math.floor(p / (sizes[1] * sizes[2])), Math.floor(p / sizes[2]) % sizes[1], p % sizes[2]];
        if (!Number.isFinite(input[layoutIndex(channelsLast, inChannels, sizes, n, c, pd, ph, pw)]!)) {
          flags[(n * group + g) * positions + p] = 1;
        }
      }
    }
  }
  return flags;
}

/**
 * Per output element (the geometry's layout): 1 where the dense formulation with `zeros`
 * multiplies one of its zeros by a non-finite value (see the file comment).
 */
export function denseZeroNan(geometry: ConvTransposeGeometry, tensors: CaseTensors, zeros: DenseZeros): Uint8Array {
  const axes = axesDHW(geometry);
  const [wD, wH, wW] = axes.map((axis) => axisWindows(axis, zeros.pastFull)) as [
    WindowEntry[][],
    WindowEntry[][],
    WindowEntry[][],
  ];
  const [kH, kW] = [axes[1].kernelSize, axes[2].kernelSize];
  const taps = axes[0].kernelSize * kH * kW;
  const [iH, iW] = [axes[1].inputSize, axes[2].inputSize];
  const positions = axes[0].inputSize * iH * iW;
  const badTaps = zeros.input ? nonFiniteTaps(geometry, tensors.weight) : null;
  const badInputs = zeros.kernel ? nonFiniteInputs(geometry, tensors.input) : null;
  const outSizes = [axes[0].outputSize, axes[1].outputSize, axes[2].outputSize] as const;
  const { batch, outChannels, outChannelsPerGroup: mg, group, channelsLast } = geometry;
  const nan = new Uint8Array(geometry.outputElements);
  const pairNan = (n: number, m: number, d: WindowEntry, h: WindowEntry, w: WindowEntry): boolean => {
    const inputReal = d[0] >= 0 && h[0] >= 0 && w[0] >= 0;
    const tapReal = d[1] >= 0 && h[1] >= 0 && w[1] >= 0;
    if (badTaps && !inputReal && tapReal) return badTaps[m * taps + (d[1] * kH + h[1]) * kW + w[1]] === 1;
    const g = Math.floor(m / mg);
    if (badInputs && inputReal && !tapReal) {
      return badInputs[(n * group + g) * positions + (d[0] * iH + h[0]) * iW + w[0]] === 1;
    }
    return false;
  };
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < outChannels; m++) {
      for (let od = 0; od < outSizes[0]; od++) {
        for (let oh = 0; oh < outSizes[1]; oh++) {
          for (let ow = 0; ow < outSizes[2]; ow++) {
            const meets = wD[od]!.some((d) => wH[oh]!.some((h) => wW[ow]!.some((w) => pairNan(n, m, d, h, w))));
            if (meets) nan[layoutIndex(channelsLast, outChannels, outSizes, n, m, od, oh, ow)] = 1;
          }
        }
      }
    }
  }
  return nan;
}

/** Whether some output row lies past the full size (where `pastFull` changes the model). */
export function hasRowsPastFull(geometry: ConvTransposeGeometry): boolean {
  return geometry.axes.some((axis) => axis.beginCrop + axis.outputSize > axis.fullSize);
}
