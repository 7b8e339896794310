/**
 * Inf * 0 at zero-inserted positions. The definition of transposed convolution forms no product at
 * the zeros a dense implementation inserts between input elements (stride), pads around them, or
 * inserts between kernel taps (dilation): a scatter or a col2im sums only the real products. An
 * implementation that runs a dense stride-1 correlation over the zero-inserted, padded input
 * multiplies those zeros too, and IEEE 754 7.2 makes 0 * Inf (and 0 * NaN) a NaN: every output
 * whose window meets a non-finite weight over an inserted zero becomes NaN (likewise a non-finite
 * input under a dilated kernel's inserted zero).
 */
import type { ConvTransposeGeometry } from '../../geometry/types.js';
import { axesDHW, layoutIndex } from '../../reference/products.js';
import type { CaseTensors } from '../../tensor.js';
import type { TriedHypothesis } from '../types.js';
import { candidateMismatches, classMismatches, withNanAt } from './special-fit.js';
import { hasSubnormal, operandsFlushed } from './subnormal-flush.js';
import { bySubject } from './subject.js';
import type { DiagnosisStep, Finding } from './types.js';

type Zeros = 'input' | 'kernel';

/**
 * Per output element: 1 where the dense formulation multiplies an inserted zero by a non-finite
 * value: for `input`, a non-finite weight tap over a zero-inserted or padding input position; for
 * `kernel`, a non-finite input under a zero inserted between dilated kernel taps.
 */
export function insertedZeroNan(geometry: ConvTransposeGeometry, tensors: CaseTensors, zeros: Zeros): Uint8Array {
  const axes = axesDHW(geometry);
  const { channelsLast, inChannels, outChannels, inChannelsPerGroup: cg, outChannelsPerGroup: mg } = geometry;
  const inSizes = [axes[0].inputSize, axes[1].inputSize, axes[2].inputSize] as const;
  const outSizes = [axes[0].outputSize, axes[1].outputSize, axes[2].outputSize] as const;
  const nan = new Uint8Array(geometry.outputElements);
  // Per axis and output index: for each kernel offset r in [0, k_eff), the input position (or -1
  // for an inserted / padding zero) and the tap (or -1 for a dilation zero). Rows past the full
  // size (output_padding) are left out: they are appended zeros, not computed.
  const windows = axes.map((axis) =>
    Array.from({ length: axis.outputSize }, (_, j) =>
      Array.from({ length: j + axis.beginCrop < axis.fullSize ? axis.effectiveKernelSize : 0 }, (__, r) => {
        const u = j + axis.beginCrop - r;
        const p = u >= 0 && u % axis.stride === 0 && u / axis.stride < axis.inputSize ? u / axis.stride : -1;
        const q = r % axis.dilation === 0 ? r / axis.dilation : -1;
        return [p, q] as const;
      }),
    ),
  );
  const [wD, wH, wW] = windows as [(typeof windows)[0], (typeof windows)[0], (typeof windows)[0]];
  const [kD, kH, kW] = [axes[0].kernelSize, axes[1].kernelSize, axes[2].kernelSize];
  for (let n = 0; n < geometry.batch; n++) {
    for (let m = 0; m < outChannels; m++) {
      const g = Math.floor(m / mg);
      const mo = m - g * mg;
      for (let od = 0; od < outSizes[0]; od++) {
        for (let oh = 0; oh < outSizes[1]; oh++) {
          for (let ow = 0; ow < outSizes[2]; ow++) {
            const out = layoutIndex(channelsLast, outChannels, outSizes, n, m, od, oh, ow);
            search: for (let ci = 0; ci < cg; ci++) {
              const c = g * cg + ci;
              for (const [pd, qd] of wD[od]!) {
                for (const [ph, qh] of wH[oh]!) {
                  for (const [pw, qw] of wW[ow]!) {
                    const inputReal = pd >= 0 && ph >= 0 && pw >= 0;
                    const tapReal = qd >= 0 && qh >= 0 && qw >= 0;
                    if (inputReal === tapReal) continue;
                    const value =
                      zeros === 'input' && tapReal
                        ? tensors.weight[(((c * mg + mo) * kD + qd) * kH + qh) * kW + qw]!
                        : zeros === 'kernel' && inputReal
                          ? tensors.input[layoutIndex(channelsLast, inChannels, inSizes, n, c, pd, ph, pw)]!
                          : 0;
                    if (!Number.isFinite(value)) {
                      nan[out] = 1;
                      break search;
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
  return nan;
}

export const insertedZeroNanStep: DiagnosisStep = {
  name: 'inserted-zero-nan',
  kinds: ['inserted-zero-nan'],
  explain({ input }): Finding {
    const tried: TriedHypothesis[] = [];
    const hypotheses: [Zeros, string, string][] = [];
    if (input.tensors.weight.some((value) => !Number.isFinite(value))) {
      hypotheses.push([
        'input',
        'Inf * 0 at zero-inserted input positions',
        bySubject(
          input,
          'Inf * 0 produced NaN at zero-inserted positions: the implementation multiplies the zeros it inserts between (and pads around) the input elements by the kernel (a dense correlation over the upsampled input), and 0 * Inf is NaN (IEEE 754 7.2); the definition forms no product there',
          'Inf * 0 produced NaN at zero-inserted positions: the expect was made by a dense correlation over the zero-inserted input, which multiplies inserted zeros by infinite weights',
        ),
      ]);
    }
    if (
      input.tensors.input.some((value) => !Number.isFinite(value)) &&
      input.geometry.axes.some((a) => a.dilation > 1)
    ) {
      hypotheses.push([
        'kernel',
        'Inf * 0 at dilated-kernel zeros',
        'Inf * 0 produced NaN at zero-inserted kernel positions: the implementation dilates the kernel by inserting zeros and multiplies them by infinite inputs (0 * Inf is NaN, IEEE 754 7.2); the definition forms no product there',
      ]);
    }
    // With subnormal operands the same outputs may also show flushing (DAZ): tried combined last.
    const flushing = hasSubnormal(input.tensors);
    const variants = hypotheses.flatMap((hypothesis) =>
      flushing ? [[...hypothesis, false] as const, [...hypothesis, true] as const] : [[...hypothesis, false] as const],
    );
    for (const [zeros, baseLabel, baseDetail, flushed] of variants) {
      const label = flushed ? `${baseLabel}, subnormal inputs flushed` : baseLabel;
      const detail = flushed
        ? `${baseDetail}; besides, subnormal inputs are flushed to zero (denormals-are-zero)`
        : baseDetail;
      const nan = insertedZeroNan(input.geometry, input.tensors, zeros);
      const base = flushed ? operandsFlushed(input) : input.reference;
      // No inserted zero meets a non-finite value here: nothing to tell apart (the flushed part
      // alone is the subnormal-flush diagnosis).
      if (!nan.some((flag, index) => flag === 1 && !Number.isNaN(base.output[index]!))) continue;
      const candidate = withNanAt(base, nan);
      const mismatched = candidateMismatches(input, candidate);
      if (classMismatches(input.reference.output, candidate, input.tolerance) === 0) {
        tried.push({
          kind: 'inserted-zero-nan',
          label,
          fits: false,
          mismatched: null,
          notTried: "no NaN beyond the reference's own: on this case it cannot be told from a correct output",
        });
        continue;
      }
      tried.push({ kind: 'inserted-zero-nan', label, fits: mismatched === 0, mismatched });
      if (mismatched === 0) return { tried, explanation: { kind: 'inserted-zero-nan', detail } };
    }
    return { tried, explanation: null };
  },
};
