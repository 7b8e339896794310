/**
 * The 'full+crop' emulation: PyTorch computes the full output (padding 0, output_padding 0) and
 * tconv keeps [beginCrop, beginCrop + outputSize) per axis. Positions past the full size (a
 * negative endCrop) are zeros plus bias, as the geometry defines them.
 */
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';

/** Channels-first [N, M, full...] -> [N, M, out...]; `bias` fills rows past the full size. */
export function cropFull(geometry: ConvTransposeGeometry, full: Float32Array, bias: Float32Array | null): Float32Array {
  // Spatial axes padded to three (D, H, W), outermost first.
  const pad = <T>(values: readonly T[], unit: T): T[] => [...Array<T>(3 - values.length).fill(unit), ...values];
  const fullSizes = pad(
    geometry.axes.map((a) => a.fullSize),
    1,
  );
  const outSizes = pad(
    geometry.axes.map((a) => a.outputSize),
    1,
  );
  const begins = pad(
    geometry.axes.map((a) => a.beginCrop),
    0,
  );
  const [fd, fh, fw] = fullSizes as [number, number, number];
  const [od, oh, ow] = outSizes as [number, number, number];
  const [bd, bh, bw] = begins as [number, number, number];
  const planes = geometry.batch * geometry.outChannels;
  const fullPlane = fd * fh * fw;
  const out = new Float32Array(planes * od * oh * ow);
  let index = 0;
  for (let plane = 0; plane < planes; plane++) {
    const fill = bias ? bias[plane % geometry.outChannels]! : 0;
    const base = plane * fullPlane;
    for (let d = 0; d < od; d++) {
      const sd = d + bd;
      for (let h = 0; h < oh; h++) {
        const sh = h + bh;
        const inside = sd < fd && sh < fh;
        const row = base + (sd * fh + sh) * fw;
        for (let w = 0; w < ow; w++) {
          const sw = w + bw;
          out[index++] = inside && sw < fw ? full[row + sw]! : fill;
        }
      }
    }
  }
  return out;
}
