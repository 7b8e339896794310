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

Only the ``k`` nonzero taps of ``w_d`` are visited: for every kernel tap (``u = k_eff-1-t*d``) the
shifted window ``z_p[..., u:u+o]`` is contracted with ``w[:, :, t]`` over the group's input
channels (``numpy.einsum``), accumulating in float64; the result is returned as float32. Groups,
dilations, 1-D/2-D/3-D and bias are supported.

``--mistake KIND`` plants one classic bug, to see what tconv's diagnosis says:

- ``rot180``: the kernel is not flipped (a plain correlation): the kernel rotated 180 degrees.
- ``same-lower``: on an axis with an odd crop total ``begin+end`` split as ``begin = total//2``
  (TF SAME / SAME_UPPER), the odd pad row goes at the start instead (``begin = ceil(total/2)``,
  SAME_LOWER / NOTSET+output_shape style): the output is shifted by one row.
- ``no-bias``: the bias is dropped.
- ``channels-swapped``: the weight buffer is read as ``[M/g, C/g, k...]`` per group instead of
  ``[C/g, M/g, k...]``, i.e. ``w.reshape(g, M/g, C/g, taps).transpose(0, 2, 1, 3)``. Where
  ``C/g == M/g`` this is exactly tconv's "kernel channel axes swapped"; otherwise the channels
  are scrambled in a way no diagnosis names.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runners", "external"))
from tconv_runner import Request, Unsupported, serve  # noqa: E402

VERSION = "0.1.0"
MISTAKES = ("rot180", "same-lower", "no-bias", "channels-swapped")


def _crops(axis: Dict[str, int], mistake: Optional[str]) -> Tuple[int, int]:
    begin, end = axis["begin_crop"], axis["end_crop"]
    total = begin + end
    if mistake == "same-lower" and total > 0 and total % 2 == 1 and begin == total // 2:
        return begin + 1, end - 1
    return begin, end


def _seeded_input(x: np.ndarray, axes: Sequence[Dict[str, int]], crops: Sequence[Tuple[int, int]]) -> np.ndarray:
    """Steps 1 and 3: the zero-stuffed, padded input z_p, float64, [N, C, (o + k_eff - 1)...]."""
    lengths: List[int] = []
    targets: List[slice] = []
    sources: List[slice] = []
    for axis, (begin, end) in zip(axes, crops):
        i, s, k_eff = axis["input_size"], axis["stride"], axis["effective_kernel_size"]
        output = (i - 1) * s + k_eff - begin - end
        if output != axis["output_size"]:
            raise ValueError("inconsistent geometry: output_size %d, crops give %d" % (axis["output_size"], output))
        length = output + k_eff - 1
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
    padded = _seeded_input(x, axes, crops)
    padded = padded.reshape((n, group, per_in) + padded.shape[2:])
    y = np.zeros((n, group, per_out) + outputs, dtype=np.float64)
    spatial = "xyz"[:rank]
    contraction = "ngc%s,gcm->ngm%s" % (spatial, spatial)
    for taps in itertools.product(*[range(size) for size in kernel]):
        window = []
        for axis, tap, output in zip(axes, taps, outputs):
            offset = tap * axis["dilation"]
            if mistake != "rot180":
                offset = axis["effective_kernel_size"] - 1 - offset  # step 4: the flipped kernel
            window.append(slice(offset, offset + output))
        y += np.einsum(contraction, padded[(Ellipsis, *window)], weight[(Ellipsis, *taps)])
    y = y.reshape((n, group * per_out) + outputs)
    if b is not None and mistake != "no-bias":
        y += b.astype(np.float64).reshape((-1,) + (1,) * rank)
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
