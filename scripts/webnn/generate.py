#!/usr/bin/env python3
"""The WebNN convention suite: cases/webnn/conv-transpose2d.yaml, expected outputs from real frameworks.

W3C WebNN `MLGraphBuilder.convTranspose2d(input, filter, options)` defines only the output shape
("outputSize = (inputSize - 1) * stride + (filterSize - 1) * dilation + 1 - beginningPadding -
endingPadding + outputPadding", or options.outputSizes in [calculated, calculated + stride)); its
padding is explicit per side, [beginningHeight, endingHeight, beginningWidth, endingWidth]. Each
configuration below is written as a tconv case in the WebNN form (padding: {webnn: [...]},
output_padding = outputPadding, output_shape = outputSizes, layout NCHW/NHWC = inputLayout) with
literal data, and its `expect` is computed twice, independently of tconv, and must agree:

  torch  torch.nn.functional.conv_transpose2d with padding 0 (the full transposed convolution),
         then the WebNN crop: rows [beginningPadding, beginningPadding + outputSize), rows past the
         full size are zeros; plus bias.
  ort    ONNX Runtime (python) ConvTranspose with pads [bH, bW, eH, eW] (ONNX orders begins then
         ends) and output_padding = outputSize - calculated: the spec's formula is ONNX's.
  torch (symmetric padding only) F.conv_transpose2d(padding=p, output_padding=op) directly.

Data: integers in [-4, 4] (exact sums: tolerance 0) except the cases marked float (uniform [-1, 1)
rounded to float32, tolerance 1e-4). Channels-last cases are written NHWC.

Needs python3 with numpy, torch and onnx + onnxruntime: tconv's own torch venv has them (or
`pip install torch onnx onnxruntime numpy`). Run from the repository root:

  ~/.cache/tconv/python/bin/python scripts/webnn/generate.py
  npx prettier --write cases/webnn            # the generator does not wrap descriptions
  npx tconv run cases/webnn                   # every runner; known divergences are `expected:` entries

No configuration has a single input and a single output channel per group: TensorFlow 2.21's oneDNN
Conv2DBackpropInput (tfjs-node's libtensorflow, and the tensorflow-cpu wheel with its default
TF_ENABLE_ONEDNN_OPTS=1) returns wrong values for some such shapes (e.g. C = M = 1, i 4, k 3, s 2
VALID) and not on every call (it passes with TF_ENABLE_ONEDNN_OPTS=0), so no `expected:` entry could
record it; it is reported separately.

Known runner divergences are kept in EXPECTED below (keyed by case name) and written as each
case's `expected:` entries. The same framework versions give byte-identical files.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

import numpy as np

# The golden generator's data classes and YAML writer (loaded by path: both scripts are generate.py).
_spec = importlib.util.spec_from_file_location(
    "golden_generate", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden", "generate.py"))
golden_generate = importlib.util.module_from_spec(_spec)
sys.modules["golden_generate"] = golden_generate  # dataclasses look their module up while the file runs
_spec.loader.exec_module(golden_generate)
EXACT_TOLERANCE, FLOAT_TOLERANCE = golden_generate.EXACT_TOLERANCE, golden_generate.FLOAT_TOLERANCE
Golden, Tensors = golden_generate.Golden, golden_generate.Tensors
case_of, full_size, write_yaml = golden_generate.case_of, golden_generate.full_size, golden_generate.write_yaml

SEED = 5505
OUT = "cases/webnn/conv-transpose2d.yaml"

# name, description, tags, and the WebNN call: input [N, C, H, W] (channels-first here; `nhwc`
# writes the case NHWC), M, kernel, strides, dilations, groups, padding [bH, eH, bW, eW],
# outputPadding or outputSizes, bias, float data.
CONFIGS: list[dict[str, Any]] = [
    dict(name="pad-begin-only-odd-at-start",
         description="padding [1, 0, 1, 0], i 3, k 3, s 2: the one cropped row is at the START "
                     "(ONNX NOTSET output_shape's split; TF SAME would crop it at the end).",
         tags=["asymmetric", "odd-total"], input=[1, 2, 3, 3], m=2, kernel=[3, 3], strides=[2, 2],
         padding=[1, 0, 1, 0]),
    dict(name="pad-end-only-tf-same",
         description="padding [0, 1, 0, 1]: full 7, o 6, begin 0: the crop TF SAME (o = i*s) makes, spelled explicitly.",
         tags=["asymmetric", "odd-total"], input=[1, 2, 3, 3], m=2, kernel=[3, 3], strides=[2, 2],
         padding=[0, 1, 0, 1], bias=True),
    dict(name="padding-order-not-onnx",
         description="padding [2, 0, 1, 0] is [beginH, endH, beginW, endW]: H crops 2 at the start (o 7), W 1 at the "
                     "start (o 8). Read in ONNX order [x1_begin, x2_begin, x1_end, x2_end] the same list would crop H "
                     "2 + 1 (o 6) and W nothing (o 9).",
         tags=["asymmetric"], input=[1, 1, 4, 4], m=2, kernel=[3, 3], strides=[2, 2],
         padding=[2, 0, 1, 0]),
    dict(name="padding-order-rect-kernel",
         description="padding [0, 2, 1, 0] with kernel 3x2, strides [2, 3]: H full 7 - 2 = 5 (end crop 2), W full 11 - 1 "
                     "= 10 (begin crop 1). In ONNX order the same list would mean H [0, 1], W [2, 0].",
         tags=["asymmetric", "rectangular"], input=[1, 2, 3, 4], m=3, kernel=[3, 2], strides=[2, 3],
         padding=[0, 2, 1, 0], bias=True),
    dict(name="symmetric-output-padding-2x",
         description="padding [1, 1, 1, 1], outputPadding [1, 1], k 3, s 2: o = 2i (the PyTorch padding=1, "
                     "output_padding=1 upsampler); the output padding row is at the end.",
         tags=["output_padding"], input=[1, 2, 3, 3], m=2, kernel=[3, 3], strides=[2, 2], padding=[1, 1, 1, 1],
         output_padding=[1, 1], bias=True),
    dict(name="output-padding-rect-strides",
         description="strides [2, 3], outputPadding [1, 2] (each < its stride), padding [1, 0, 0, 1]: H 7-1+1 = 7, "
                     "W 12-1+2 = 13.",
         tags=["output_padding", "asymmetric", "rectangular"], input=[1, 2, 3, 4], m=2, kernel=[3, 3],
         strides=[2, 3], padding=[1, 0, 0, 1], output_padding=[1, 2]),
    dict(name="output-padding-past-full-bias",
         description="no padding, outputPadding [1, 1]: o = full + 1, the last row and column lie past the full output "
                     "(bias only).",
         tags=["output_padding", "past-full", "bias"], input=[1, 2, 2, 3], m=2, kernel=[2, 2], strides=[2, 2],
         padding=[0, 0, 0, 0], output_padding=[1, 1], bias=True),
    dict(name="stride-gt-kernel-output-padding",
         description="k 1, s 3, no padding, outputPadding [2, 1]: zero rows between the inputs, and the output padding "
                     "rows past the full size (bias only).",
         tags=["output_padding", "stride-gt-kernel", "k1", "past-full"], input=[1, 2, 3, 2], m=2, kernel=[1, 1],
         strides=[3, 3], padding=[0, 0, 0, 0], output_padding=[2, 1], bias=True),
    dict(name="output-sizes-min",
         description="outputSizes = calculated (padding [1, 0, 0, 1], i 3, k 3, s 2): the same as no outputSizes.",
         tags=["output_shape", "asymmetric"], input=[1, 2, 3, 3], m=2, kernel=[3, 3], strides=[2, 2],
         padding=[1, 0, 0, 1], output_sizes=[6, 6]),
    dict(name="output-sizes-max",
         description="outputSizes = calculated + stride - 1, the largest the spec accepts (padding [1, 1, 1, 1], "
                     "strides [3, 2]).",
         tags=["output_shape", "rectangular"], input=[1, 2, 2, 3], m=2, kernel=[3, 3], strides=[3, 2],
         padding=[1, 1, 1, 1], output_sizes=[6, 6], bias=True),
    dict(name="output-sizes-asymmetric",
         description="outputSizes [9, 8] with padding [2, 0, 0, 3], i 4, k 4, s 2: calculated [8, 7], the extra row "
                     "and column at the end.",
         tags=["output_shape", "asymmetric"], input=[1, 1, 4, 4], m=3, kernel=[4, 4], strides=[2, 2],
         padding=[2, 0, 0, 3], output_sizes=[9, 8]),
    dict(name="groups-asymmetric",
         description="groups 2 (filter [4, 2, 3, 3], iohw: [inputChannels, outputChannels/groups, h, w]), "
                     "padding [0, 1, 1, 0], outputPadding [1, 0].",
         tags=["groups", "asymmetric", "output_padding"], input=[1, 4, 3, 3], m=4, groups=2, kernel=[3, 3],
         strides=[2, 2], padding=[0, 1, 1, 0], output_padding=[1, 0], bias=True),
    dict(name="depthwise-output-sizes",
         description="groups = channels = 3 (depthwise, channel multiplier 2), kernel 4x3, s 2, padding [1, 1, 1, 1], outputSizes one above "
                     "the calculated height and equal to the calculated width.",
         tags=["groups", "depthwise", "output_shape", "rectangular"], input=[1, 3, 4, 4], m=6, groups=3,
         kernel=[4, 3], strides=[2, 2], padding=[1, 1, 1, 1], output_sizes=[9, 7]),
    dict(name="dilations-asymmetric",
         description="dilations [2, 2] (k_eff 5), s 2, padding [2, 1, 0, 3]: the same output size on both axes, cropped "
                     "differently.",
         tags=["dilations", "asymmetric"], input=[1, 2, 3, 3], m=2, kernel=[3, 3], strides=[2, 2], dilations=[2, 2],
         padding=[2, 1, 0, 3]),
    dict(name="dilation-gt-stride-output-padding",
         description="dilations [3, 2] > strides [2, 1]: outputPadding [1, 0] (WebNN needs outputPadding < stride; ONNX "
                     "and PyTorch would also allow < dilation), padding [1, 2, 2, 1].",
         tags=["dilations", "output_padding", "asymmetric"], input=[1, 2, 3, 4], m=2, kernel=[3, 2], strides=[2, 1],
         dilations=[3, 2], padding=[1, 2, 2, 1], output_padding=[1, 0], bias=True),
    dict(name="nhwc-asymmetric-output-padding",
         description="inputLayout nhwc (case layout NHWC), batch 2, padding [1, 0, 2, 1], outputPadding [1, 1].",
         tags=["nhwc", "batch", "asymmetric", "output_padding", "bias"], input=[2, 3, 3, 4], m=2, kernel=[3, 3],
         strides=[2, 2], padding=[1, 0, 2, 1], output_padding=[1, 1], bias=True, nhwc=True),
    dict(name="nhwc-groups-dilations-output-sizes",
         description="nhwc, groups 2, dilations [1, 2], outputSizes at the top of the range (calculated + stride - 1), "
                     "padding [0, 2, 1, 1].",
         tags=["nhwc", "groups", "dilations", "output_shape"], input=[1, 4, 3, 3], m=2, groups=2, kernel=[2, 3],
         strides=[3, 2], dilations=[1, 2], padding=[0, 2, 1, 1], output_sizes=[8, 8], nhwc=True),
    dict(name="deep-crop-beyond-kernel",
         description="padding [4, 0, 0, 4] deeper than the kernel (k 3): full 9 crops 4 at one side only.",
         tags=["asymmetric"], input=[1, 2, 4, 4], m=1, kernel=[3, 3], strides=[2, 2], padding=[4, 0, 0, 4]),
    dict(name="realistic-upsampler-floats",
         description="A decoder layer: 8 -> 4 channels, k 4, s 2, padding [1, 1, 1, 1] (o = 2i), nhwc, float data.",
         tags=["realistic", "nhwc", "bias"], input=[1, 8, 4, 4], m=4, kernel=[4, 4], strides=[2, 2],
         padding=[1, 1, 1, 1], bias=True, nhwc=True, floats=True),
    dict(name="stride1-padding-floats",
         description="stride 1 (a plain 'full' convolution cropped): padding [2, 0, 1, 1], k 3, float data.",
         tags=["stride1", "asymmetric"], input=[1, 3, 4, 5], m=2, kernel=[3, 3], strides=[1, 1],
         padding=[2, 0, 1, 1], floats=True),
]

# Known runner divergences on these cases, by case name: the ones cases/README.md already lists,
# reached here through the canonical geometry's other spellings (WebNN itself is not run).
TFJS_NUMERIC_PAD = (
    "tfjs conv_util getPadAndOutInfo computes a numeric pad's width from the kernel HEIGHT and stride HEIGHT "
    "(computeOutputShape2D([inHeight, inWidth], filterHeight, strideHeight, pad)), so with k_h != k_w or "
    "s_h != s_w the width reads the wrong number of input columns; the explicit-pads spelling of the same "
    "geometry agrees with the reference (and with PyTorch and ONNX Runtime in scripts/webnn/generate.py).")
TFJS_NUMERIC_PAD_LINK = "https://github.com/tensorflow/tfjs/issues/649"
ORT_OP_GE_STRIDE = (
    "The W axis (i 4, k 2, s 1, d 2: k_eff 3, full 6, WebNN padding [2, 1], o 3, begin 2) spelled as ONNX "
    "output_shape+SAME_UPPER needs output_padding 1 (total 6 + 1 - 3 = 4, begin floor(4/2) = 2): valid in ONNX "
    "(less than the stride OR the dilation 2), but ORT 1.30 requires output_padding < stride and rejects it "
    "(\"Explicit output_shape is inconsistent with input spatial dimensions and convolution parameters. Expected "
    "input size 5 but got 4 (output_size=3, kernel=2, stride=1, dilation=2, output_padding=1)\"). The pads and "
    "output_shape spellings reach the same crop with output_padding 0 and pass. WebNN itself never needs it "
    "(its outputPadding must be < stride).")
ORT_OP_LINK = "https://github.com/onnx/onnx/blob/main/docs/Operators.md#ConvTranspose"


def numeric_pad_entries() -> list[dict[str, str]]:
    return [{"runner": r, "variant": "numeric-pad", "status": "mismatch", "reason": TFJS_NUMERIC_PAD,
             "link": TFJS_NUMERIC_PAD_LINK} for r in ("tfjs-cpu", "tfjs-wasm")]


EXPECTED: dict[str, list[dict[str, str]]] = {
    "output-sizes-max": numeric_pad_entries(),
    "depthwise-output-sizes": numeric_pad_entries(),
    "dilation-gt-stride-output-padding": [
        {"runner": r, "variant": "output_shape+SAME_UPPER", "status": "error", "reason": ORT_OP_GE_STRIDE,
         "link": ORT_OP_LINK} for r in ("onnxruntime", "onnxruntime-web")],
}


def sizes(cfg: dict[str, Any]) -> tuple[list[int], list[int], list[int]]:
    """(full, calculated, output) per axis, by the spec's formulas."""
    strides, dilations, pad = cfg["strides"], cfg.get("dilations", [1, 1]), cfg["padding"]
    fulls = [full_size(i, k, s, d) for i, k, s, d in zip(cfg["input"][2:], cfg["kernel"], strides, dilations)]
    calculated = [fulls[a] - pad[2 * a] - pad[2 * a + 1] for a in range(2)]
    if "output_sizes" in cfg:
        out = list(cfg["output_sizes"])
        assert all(c <= o < c + s for c, o, s in zip(calculated, out, strides)), cfg["name"]
    else:
        op = cfg.get("output_padding", [0, 0])
        assert all(p < s for p, s in zip(op, strides)), cfg["name"]
        out = [c + p for c, p in zip(calculated, op)]
    assert min(out) > 0, cfg["name"]
    return fulls, calculated, out


def by_torch(cfg: dict[str, Any], t: Tensors, fulls: list[int], out: list[int]) -> np.ndarray:
    import torch  # noqa: PLC0415
    import torch.nn.functional as F  # noqa: PLC0415, N812

    with torch.no_grad():
        y = F.conv_transpose2d(torch.from_numpy(t.x).double(), torch.from_numpy(t.w).double(), None,
                               stride=cfg["strides"], padding=0, groups=cfg.get("groups", 1),
                               dilation=cfg.get("dilations", [1, 1])).numpy()
    begins = cfg["padding"][0::2]
    grown = [max(f, b + o) for f, b, o in zip(fulls, begins, out)]
    padded = np.zeros(y.shape[:2] + tuple(grown))
    padded[:, :, : fulls[0], : fulls[1]] = y
    cropped = padded[:, :, begins[0] : begins[0] + out[0], begins[1] : begins[1] + out[1]]
    if t.b is not None:
        cropped = cropped + t.b.astype(np.float64).reshape(1, -1, 1, 1)
    return cropped.astype(np.float32)


def by_torch_symmetric(cfg: dict[str, Any], t: Tensors, calculated: list[int], out: list[int]) -> np.ndarray | None:
    pad = cfg["padding"]
    if pad[0] != pad[1] or pad[2] != pad[3]:
        return None
    import torch  # noqa: PLC0415
    import torch.nn.functional as F  # noqa: PLC0415, N812

    with torch.no_grad():
        y = F.conv_transpose2d(torch.from_numpy(t.x), torch.from_numpy(t.w),
                               None if t.b is None else torch.from_numpy(t.b), stride=cfg["strides"],
                               padding=[pad[0], pad[2]], output_padding=[o - c for o, c in zip(out, calculated)],
                               groups=cfg.get("groups", 1), dilation=cfg.get("dilations", [1, 1]))
    return y.numpy()


def by_ort(cfg: dict[str, Any], t: Tensors, calculated: list[int], out: list[int]) -> np.ndarray:
    import onnxruntime as ort  # noqa: PLC0415
    from onnx import TensorProto, helper  # noqa: PLC0415

    pad = cfg["padding"]
    names = ["X", "W"] + (["B"] if t.b is not None else [])
    arrays = {"X": t.x, "W": t.w, "B": t.b}
    inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(arrays[n].shape)) for n in names]
    node = helper.make_node("ConvTranspose", names, ["Y"], kernel_shape=cfg["kernel"], strides=cfg["strides"],
                            dilations=cfg.get("dilations", [1, 1]), group=cfg.get("groups", 1),
                            pads=[pad[0], pad[2], pad[1], pad[3]],
                            output_padding=[o - c for o, c in zip(out, calculated)])
    graph = helper.make_graph([node], "webnn", inputs, [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {n: arrays[n] for n in names})[0]


def agree(a: np.ndarray, b: np.ndarray, floats: bool) -> bool:
    tol = 1e-5 if floats else 0.0
    return a.shape == b.shape and bool(np.allclose(a, b, atol=tol, rtol=tol))


def golden(cfg: dict[str, Any], rng: np.random.Generator) -> Golden:
    n, c, h, w = cfg["input"]
    groups, m = cfg.get("groups", 1), cfg["m"]
    floats = cfg.get("floats", False)

    def draw(shape: list[int]) -> np.ndarray:
        if floats:
            return rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)
        return rng.integers(-4, 5, size=shape).astype(np.float32)

    t = Tensors(x=draw([n, c, h, w]), w=draw([c, m // groups, *cfg["kernel"]]),
                b=draw([m]) if cfg.get("bias") else None, integers=not floats)
    fulls, calculated, out = sizes(cfg)
    y = by_torch(cfg, t, fulls, out)
    checks = {"ort": by_ort(cfg, t, calculated, out), "torch-symmetric": by_torch_symmetric(cfg, t, calculated, out)}
    for label, other in checks.items():
        if other is not None and not agree(y, other, floats):
            raise SystemExit(f"{cfg['name']}: {label} disagrees with torch full+crop")
    fields: dict[str, Any] = {"strides": cfg["strides"]}
    if "dilations" in cfg:
        fields["dilations"] = cfg["dilations"]
    if groups > 1:
        fields["group"] = groups
    fields["padding"] = {"webnn": cfg["padding"]}
    if "output_padding" in cfg:
        fields["output_padding"] = cfg["output_padding"]
    if "output_sizes" in cfg:
        fields["output_shape"] = cfg["output_sizes"]
    description = f"{cfg['description']} Full {fulls}, calculated {calculated}, output {out}."
    tags = ["webnn", "padding", "2d", "nhwc" if cfg.get("nhwc") else "nchw", *cfg["tags"]]
    tags = list(dict.fromkeys(tags + (["bias"] if cfg.get("bias") else []) + (["floats"] if floats else ["integers"])))
    return Golden(cfg["name"], description, tags, bool(cfg.get("nhwc")), t, y, fields)


def main() -> None:
    import onnxruntime  # noqa: PLC0415
    import torch  # noqa: PLC0415

    rng = np.random.default_rng(SEED)
    cases = []
    for cfg in CONFIGS:
        case = case_of(golden(cfg, rng))
        case["tolerance"] = FLOAT_TOLERANCE if cfg.get("floats") else EXACT_TOLERANCE
        if cfg["name"] in EXPECTED:
            case["tags"] = case["tags"] + ["divergence"]
            case["expected"] = EXPECTED[cfg["name"]]
        cases.append(case)
    description = (f"WebNN convTranspose2d convention: explicit [beginHeight, endHeight, beginWidth, endWidth] padding, "
                   f"outputPadding (< stride) and outputSizes ([calculated, calculated + stride)), groups, dilations, "
                   f"nchw/nhwc. Expect = PyTorch {torch.__version__} full transposed convolution + the WebNN crop, "
                   f"checked against ONNX Runtime {onnxruntime.__version__} (seed {SEED}). "
                   f"Generated by scripts/webnn/generate.py.")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    write_yaml(OUT, description, cases)
    with open(OUT, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    lines[0] = "# Generated by scripts/webnn/generate.py: do not edit by hand (regenerate instead)."
    with open(OUT, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    print(f"{OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
