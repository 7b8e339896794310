#!/usr/bin/env python3
"""Transposed convolution in numpy by "the method of the seeds", as a tconv external runner.

    npx tconv run cases --runner-exec "numpy=python3 examples/numpy-deconv/deconv.py"
    npx tconv run cases --runner-exec "numpy=python3 examples/numpy-deconv/deconv.py --mistake rot180"

It speaks the ``canonical`` convention (docs/runner-protocol.md, section 4): per spatial axis the
request gives the input length ``i``, kernel ``k``, stride ``s``, dilation ``d``, the crops
``begin`` and ``end`` and the output length ``o = (i-1)*s + k_eff - begin - end``, where
``k_eff = d*(k-1) + 1``. Weights are ``[C, M/g, k...]``; data channels-first.

The method (the one the documentation "seeds" describe: a transposed convolution is a stride-1
correlation of a zero-stuffed, padded input with the flipped kernel), per spatial axis:

1. Stuff ``s-1`` zeros between input elements: ``z[a*s] = x[a]``, length ``(i-1)*s + 1``.
2. Dilate the kernel: ``w_d[t*d] = w[t]``, zeros elsewhere, length ``k_eff``.
3. Pad ``z`` with ``k_eff-1-begin`` zeros at the start and ``k_eff-1-end`` at the end (a negative
   pad removes elements; a negative ``end`` adds zero rows past the full output, where the
   result is the bias alone): ``z_p[q] = z[q - (k_eff-1-begin)]``, length ``o + k_eff - 1``.
4. Flip the kernel and correlate with stride 1, per group ``G`` (input channels ``c`` in ``G``,
   output channel ``m = G*M/g + m'``)::

       y[n, m, j] = bias[m] + sum_{c in G} sum_{u=0}^{k_eff-1} z_p[n, c, j+u] * w_d[c, m', k_eff-1-u]

   Substituting gives ``y[j] = bias + sum_t x[(j+begin-t*d)/s] * w[t]`` over the taps where that
   index is an integer in ``[0, i)``: the definition's ``full[j+begin]``.

Computed as written, steps 1-4 multiply every inserted and padded zero by the kernel too: slow
(``s**rank`` times more products than needed) and not IEEE-exact (``0 * Inf`` is NaN where the
definition forms no product; cases/special). So the stuffed array is never built: for every
kernel tap ``t`` (flipped: ``u = k_eff-1-t*d``) the only outputs whose window position ``j+u``
holds a seed (an input element ``x[a]``) are ``j = a*s + t*d - begin``: a strided slice of ``y``
that receives ``x[..., a_first:a_last+1] * w[c, m', t]``, one input channel at a time (numpy's
``einsum`` / BLAS sums start from +0 and lose -0 sums), into a float64 accumulator that starts at
-0 (the identity of IEEE addition; outputs that get no product are set to +0, the empty sum).
The result is returned as float32. Groups, dilations, 1-D/2-D/3-D and bias are supported.

``--mistake KIND`` plants one classic bug, to see what tconv's diagnosis says:

- ``rot180``: the kernel is not flipped (a plain correlation): the kernel rotated 180 degrees.
- ``same-lower``: on an axis with an odd crop total ``begin+end`` split as ``begin = total//2``
  (TF SAME / SAME_UPPER), the odd pad row goes at the start instead (``begin = ceil(total/2)``,
  SAME_LOWER / NOTSET+output_shape style): the output is shifted by one row.
- ``no-bias``: the bias is dropped.
- ``dense-zeros``: steps 1-4 literally (the zero-stuffed, padded input correlated densely, with
  ``einsum``): right on finite data, NaN where an Inf meets an inserted zero, and -0 sums lost.
- ``channels-swapped``: the weight buffer is read as ``[M/g, C/g, k...]`` per group instead of
  ``[C/g, M/g, k...]``, i.e. ``w.reshape(g, M/g, C/g, taps).transpose(0, 2, 1, 3)``: tconv's
  "kernel channel axes swapped" (with one channel on either side the two readings agree).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ beside the helper
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runners", "external"))
from tconv_runner import Request, Unsupported, serve  # noqa: E402

VERSION = "0.1.0"
MISTAKES = ("rot180", "same-lower", "no-bias", "channels-swapped", "dense-zeros")


def _crops(axis: Dict[str, int], mistake: Optional[str]) -> Tuple[int, int]:
    begin, end = axis["begin_crop"], axis["end_crop"]
    total = begin + end
    if mistake == "same-lower" and total > 0 and total % 2 == 1 and begin == total // 2:
        return begin + 1, end - 1
    return begin, end


def _seeded_input(x: np.ndarray, axes: Sequence[Dict[str, int]], crops: Sequence[Tuple[int, int]]) -> np.ndarray:
    """Steps 1 and 3 (``dense-zeros`` only): the stuffed, padded input z_p, [N, C, (o + k_eff - 1)...]."""
    lengths: List[int] = []
    targets: List[slice] = []
    sources: List[slice] = []
    for axis, (begin, end) in zip(axes, crops):
        i, s, k_eff = axis["input_size"], axis["stride"], axis["effective_kernel_size"]
        length = (i - 1) * s + 2 * k_eff - 1 - begin - end
        pad = k_eff - 1 - begin  # z_p[a*s + pad] = x[a]; keep the positions inside [0, length)
        first = max(0, (s - 1 - pad) // s)  # ceil(-pad / s)
        last = min(i - 1, (length - 1 - pad) // s)
        lengths.append(length)
        if first > last:
            targets.append(slice(0, 0))
            sources.append(slice(0, 0))
        else:
            targets.append(slice(pad + first * s, pad + last * s + 1, s))
            sources.append(slice(first, last + 1))
    padded = np.zeros(x.shape[:2] + tuple(lengths), dtype=np.float64)
    padded[(Ellipsis, *targets)] = x[(Ellipsis, *sources)]
    return padded


def _tap_offset(axis: Dict[str, int], tap: int, mistake: Optional[str]) -> int:
    """u: where kernel tap ``tap`` sits in the correlation window (step 4 flips the kernel)."""
    offset = tap * axis["dilation"]
    return offset if mistake == "rot180" else axis["effective_kernel_size"] - 1 - offset


def _dense(
    xg: np.ndarray,
    weight: np.ndarray,
    axes: Sequence[Dict[str, int]],
    crops: Sequence[Tuple[int, int]],
    outputs: Tuple[int, ...],
    mistake: Optional[str],
) -> np.ndarray:
    """Steps 1-4 as written (``--mistake dense-zeros``): [N, g, M/g, o...]."""
    n, group, per_in = xg.shape[:3]
    padded = _seeded_input(xg.reshape((n, group * per_in) + xg.shape[3:]), axes, crops)
    padded = padded.reshape((n, group, per_in) + padded.shape[2:])
    y = np.zeros((n, group, weight.shape[2]) + outputs)
    spatial = "xyz"[: len(axes)]
    for taps in np.ndindex(*weight.shape[3:]):
        offsets = [_tap_offset(axis, tap, mistake) for axis, tap in zip(axes, taps)]
        window = tuple(slice(u, u + o) for u, o in zip(offsets, outputs))
        y += np.einsum("ngc%s,gcm->ngm%s" % (spatial, spatial), padded[(Ellipsis, *window)], weight[(Ellipsis, *taps)])
    return y


def _seeds(
    xg: np.ndarray,
    weight: np.ndarray,
    axes: Sequence[Dict[str, int]],
    crops: Sequence[Tuple[int, int]],
    outputs: Tuple[int, ...],
    mistake: Optional[str],
) -> np.ndarray:
    """Steps 1-4 visiting only the seeds: [N, g, M/g, o...], IEEE-exact."""
    n, group, per_in = xg.shape[:3]
    rank = len(axes)
    y = np.full((n, group, weight.shape[2]) + outputs, -0.0)
    touched = np.zeros(outputs, dtype=bool)
    for taps in np.ndindex(*weight.shape[3:]):
        sources, targets = [], []
        for axis, tap, output, (begin, _) in zip(axes, taps, outputs, crops):
            i, s = axis["input_size"], axis["stride"]
            shift = (axis["effective_kernel_size"] - 1 - begin) - _tap_offset(axis, tap, mistake)  # j = a*s + shift
            first = max(0, -(shift // s))  # ceil(-shift / s)
            last = min(i - 1, (output - 1 - shift) // s)
            if first > last:
                break
            sources.append(slice(first, last + 1))
            targets.append(slice(first * s + shift, last * s + shift + 1, s))
        else:
            touched[tuple(targets)] = True
            target = y[(Ellipsis, *targets)]  # a view: [N, g, M/g, ...]
            for c in range(per_in):
                seeds = xg[(slice(None), slice(None), c, None, *sources)]  # [N, g, 1, ...]
                taps_w = weight[(slice(None), c, slice(None), *taps)].reshape((group, -1) + (1,) * rank)
                target += seeds * taps_w
    y[..., ~touched] = 0.0
    return y


def conv_transpose(
    x: np.ndarray,
    w: np.ndarray,
    b: Optional[np.ndarray],
    attributes: Dict[str, Any],
    mistake: Optional[str] = None,
) -> np.ndarray:
    """The canonical-convention transposed convolution of channels-first ``x`` (float32 result)."""
    axes: List[Dict[str, int]] = attributes["axes"]
    group: int = attributes["group"]
    rank = len(axes)
    n, channels = x.shape[0], x.shape[1]
    per_in, per_out = channels // group, w.shape[1]
    kernel = tuple(axis["kernel_size"] for axis in axes)
    weight = w.astype(np.float64).reshape(group, per_in, per_out, *kernel)
    if mistake == "channels-swapped":
        flat = weight.reshape(group, per_out, per_in, *kernel)  # the buffer read as [M/g, C/g, k...]
        weight = np.swapaxes(flat, 1, 2)
    crops = [_crops(axis, mistake) for axis in axes]
    outputs = tuple(axis["output_size"] for axis in axes)
    for axis, (begin, end), output in zip(axes, crops, outputs):
        cropped = axis["full_size"] - begin - end
        if cropped != output:
            raise ValueError("inconsistent geometry: output_size %d, crops give %d" % (output, cropped))
    xg = x.astype(np.float64).reshape((n, group, per_in) + x.shape[2:])
    compute = _dense if mistake == "dense-zeros" else _seeds
    y = compute(xg, weight, axes, crops, outputs, mistake).reshape((n, group * per_out) + outputs)
    if b is not None and mistake != "no-bias":
        y = b.astype(np.float64).reshape((-1,) + (1,) * rank) + y
    return y.astype(np.float32)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mistake", choices=MISTAKES, help="plant one classic bug")
    args = parser.parse_args(argv)

    def run(request: Request, x: np.ndarray, w: np.ndarray, b: Optional[np.ndarray]) -> np.ndarray:
        if request["convention"] != "canonical":
            raise Unsupported("speaks the canonical convention only")
        channels_last = not request["layout"].startswith("NC")
        if channels_last:  # not asked for, but cheap to honour
            x = np.moveaxis(x, -1, 1)
        y = conv_transpose(x, w, b, request["attributes"], args.mistake)
        return np.moveaxis(y, 1, -1) if channels_last else y

    name = "numpy-deconv" + ("" if args.mistake is None else "+" + args.mistake)
    serve(run, name=name, version=VERSION, convention="canonical", layout="channels_first", max_in_flight=8)


if __name__ == "__main__":
    main()
