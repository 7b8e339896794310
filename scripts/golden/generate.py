#!/usr/bin/env python3
"""Golden cross-check of tconv's conventions against the real Python frameworks.

Draws a deterministic (seeded) set of small random transposed-convolution configurations per
convention group, runs each through the framework that defines the convention, and writes every
configuration as a tconv case with literal data and the framework's output as `expect`:

  tf     tf.nn.conv{1,2,3}d_transpose, padding SAME/VALID, every accepted output_shape
         -> cases/golden/tf.yaml    (case padding SAME|VALID + output_shape)
  keras  keras.layers.Conv{1,2,3}DTranspose, padding same/valid, with and without
         output_padding, no output_shape (Keras's output length)
         -> cases/golden/keras.yaml (case padding SAME|VALID [+ output_padding])
  onnx   ONNX ConvTranspose computed by onnx.reference.ReferenceEvaluator (the spec's reference);
         ONNX Runtime (python) is run on the same model: where the two disagree (or one fails)
         the configuration is not a golden but a line in cases/golden/onnx-notes.md
         -> cases/golden/onnx.yaml  (case padding {auto_pad} / {pads} [+ output_shape, output_padding])
  torch  torch.nn.functional.conv_transpose{1,2,3}d, and nn.ConvTranspose{1,2,3}d(...)(x,
         output_size=...) -> cases/golden/torch.yaml (case padding int|list [+ output_padding |
         output_shape])

Configurations a framework rejects are skipped (the TF output_shape probe below also records,
per configuration, which output sizes TF accepts; cases/golden/tf-notes.md lists any that differ
from the documented rule).

Data: integers in [-4, 4] (every float32 sum exact: the case tolerance is exact) or uniform
floats in [-1, 1) rounded to float32 and written with the shortest float32 repr (tolerance
atol 1e-4, rtol 1e-4). Channels-last cases (NWC/NHWC/NDHWC) are written in that layout; TF and
Keras always compute NHWC (the data of NCHW cases is transposed in and out), ONNX and PyTorch
compute NCHW.

Needs: python3 with numpy and, per group, tensorflow-cpu==2.21.0 + keras (tf, keras), onnx +
onnxruntime (onnx), torch (torch). No YAML library (the writer is below). A throwaway venv:

  python3 -m venv /tmp/gv
  /tmp/gv/bin/pip install tensorflow-cpu==2.21.0 keras onnx onnxruntime numpy

Run from the repository root (torch comes from another interpreter: --torch-python runs the torch
group there, e.g. tconv's own torch venv):

  /tmp/gv/bin/python scripts/golden/generate.py --torch-python ~/.cache/tconv/python/bin/python
  /tmp/gv/bin/python scripts/golden/generate.py tf onnx        # only some groups
  npx prettier --write cases/golden scripts/golden               # the data blocks are kept as written
  npx tconv run cases/golden --runners reference                 # every golden must pass
  npx vitest run cases/golden.test.ts                            # the same, as the regression test

Known runner divergences (ones the suites under cases/ already record) become `expected:` entries
from scripts/golden/divergences.json, keyed by case name; after a regeneration that changes the
configurations, rebuild it from a run with all runners (it exits 1, listing them, on any divergence
that is not a known one: report those instead of recording them), then regenerate:

  npx tconv run cases/golden --json /tmp/golden-all.json
  node scripts/golden/divergences.mjs /tmp/golden-all.json > scripts/golden/divergences.json

The same seed and framework versions give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

GROUPS = ("tf", "keras", "onnx", "torch")
SEEDS = {"tf": 1101, "keras": 2202, "onnx": 3303, "torch": 4404}
MAX_OUTPUT_ELEMENTS = 2000
INT_LOW, INT_HIGH = -4, 4
FLOAT_TOLERANCE = {"atol": 1e-4, "rtol": 1e-4}
EXACT_TOLERANCE = {"atol": 0, "rtol": 0}
LAYOUTS = {(1, False): "NCW", (2, False): "NCHW", (3, False): "NCDHW", (1, True): "NWC", (2, True): "NHWC", (3, True): "NDHWC"}


# ---------------------------------------------------------------- shared helpers


def k_eff(k: int, d: int) -> int:
    return d * (k - 1) + 1


def full_size(i: int, k: int, s: int, d: int) -> int:
    return (i - 1) * s + k_eff(k, d)


def to_channels_last(a: np.ndarray) -> np.ndarray:
    """[N, C, spatial...] -> [N, spatial..., C]."""
    return np.moveaxis(a, 1, -1)


def to_channels_first(a: np.ndarray) -> np.ndarray:
    """[N, spatial..., C] -> [N, C, spatial...]."""
    return np.moveaxis(a, -1, 1)


def tf_filter(weight: np.ndarray) -> np.ndarray:
    """tconv weight [C, M, k...] -> TF/Keras filter [k..., M, C] (no spatial flip)."""
    rank = weight.ndim - 2
    return np.ascontiguousarray(np.transpose(weight, tuple(range(2, 2 + rank)) + (1, 0)))


@dataclass
class Tensors:
    x: np.ndarray  # [N, C, spatial...] float32
    w: np.ndarray  # [C, M/group, k...] float32
    b: np.ndarray | None  # [M] float32
    integers: bool


def draw_tensors(rng: np.random.Generator, n: int, c: int, m: int, group: int, spatial: list[int],
                 kernel: list[int], bias: bool, integers: bool) -> Tensors:
    def draw(shape: list[int]) -> np.ndarray:
        if integers:
            return rng.integers(INT_LOW, INT_HIGH + 1, size=shape).astype(np.float32)
        return rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)

    return Tensors(
        x=draw([n, c, *spatial]),
        w=draw([c, m // group, *kernel]),
        b=draw([m]) if bias else None,
        integers=integers,
    )


@dataclass
class Golden:
    """One configuration and the framework's output (channels-first), ready to become a case."""

    name: str
    description: str
    tags: list[str]
    channels_last: bool
    t: Tensors
    out: np.ndarray  # [N, M, spatial...]
    fields: dict[str, Any] = field(default_factory=dict)  # strides, dilations, padding, ...


def case_of(g: Golden) -> dict[str, Any]:
    rank = g.t.x.ndim - 2
    x = to_channels_last(g.t.x) if g.channels_last else g.t.x
    out = to_channels_last(g.out) if g.channels_last else g.out
    case: dict[str, Any] = {
        "name": g.name,
        "description": g.description,
        "tags": g.tags,
        "input": list(x.shape),
        "layout": LAYOUTS[(rank, g.channels_last)],
        "out_channels": int(g.out.shape[1]),
        "kernel": list(g.t.w.shape[2:]),
    }
    case.update(g.fields)
    case["bias"] = g.t.b is not None
    data = {"input": x.reshape(-1), "weight": g.t.w.reshape(-1)}
    if g.t.b is not None:
        data["bias"] = g.t.b
    case["data"] = data
    case["expect"] = {"shape": list(out.shape), "output": np.ascontiguousarray(out).reshape(-1)}
    case["tolerance"] = EXACT_TOLERANCE if g.t.integers else FLOAT_TOLERANCE
    return case


def per_axis(values: list[int]) -> int | list[int]:
    """An int when every axis has the same value (tconv broadcasts it), else the list."""
    return values[0] if len(set(values)) == 1 else list(values)


def short_shape(values: list[int]) -> str:
    return "x".join(str(v) for v in values)


def first_error_line(error: Exception) -> str:
    """The most telling line of a framework's error (Keras wraps TF's message in several lines)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # Keras colours its messages
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if "Size of out_backprop" in line or "primitive" in line or "Status" in line:
            return re.split(r"Status Message: |message: ", line)[-1][:160].replace("|", "/")
    return (lines[0] if lines else type(error).__name__)[:160].replace("|", "/")


# ---------------------------------------------------------------- YAML writer


def yaml_float(text: str) -> str:
    """A float literal that YAML 1.1 readers (PyYAML) and YAML 1.2 readers both read as a number:
    a '.' in the mantissa and a signed exponent (1e-04 -> 1.0e-4; 1.1 reads `1e-04` as a string).
    """
    mantissa, e, exponent = text.partition("e")
    if not e:
        return text
    if "." not in mantissa:
        mantissa += ".0"
    sign = "-" if exponent.startswith("-") else "+"
    return f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"


def fmt_number(v: Any) -> str:
    f = np.float32(v)
    if float(f).is_integer() and abs(float(f)) < 2**24:
        return str(int(f))
    return yaml_float(str(f))  # numpy prints the shortest repr that round-trips float32


def flow(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return fmt_number(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, np.ndarray):
        return flow(list(v))
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(flow(e) for e in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k}: {flow(e)}" for k, e in v.items()) + " }"
    raise TypeError(f"cannot write {type(v)}")


def wrapped_list(values: np.ndarray, indent: int, width: int = 118) -> str:
    """A flow sequence wrapped over several lines (continuations indented by `indent`)."""
    items = [fmt_number(v) for v in values]
    lines: list[str] = []
    line = "["
    for index, item in enumerate(items):
        piece = item + (", " if index < len(items) - 1 else "]")
        if len(line) + len(piece.rstrip()) + indent > width and line.strip() != "[":
            lines.append(line.rstrip())
            line = ""
        line += piece
    if not items:
        line += "]"
    lines.append(line)
    return ("\n" + " " * indent).join(lines)


def write_yaml(path: str, description: str, cases: list[dict[str, Any]]) -> None:
    out: list[str] = [
        "# Generated by scripts/golden/generate.py: do not edit by hand (regenerate instead).",
        "# The data and expect blocks are marked prettier-ignore to keep them compact.",
        "description: " + json.dumps(description),
        "cases:",
    ]
    anchors: dict[str, str] = {}
    for case in cases:
        first = True
        for key, value in case.items():
            lead = "  - " if first else "    "
            first = False
            if key == "expected":
                out.append(f"{lead}expected:")
                for entry in value:
                    out.append(f"      - runner: {entry['runner']}")
                    if entry.get("variant"):
                        out.append(f"        variant: {json.dumps(entry['variant'])}")
                    out.append(f"        status: {entry['status']}")
                    if entry.get("intermittent"):
                        out.append("        intermittent: true")
                    for sub in ("reason", "link"):
                        text = entry[sub]
                        if text in anchors:
                            out.append(f"        {sub}: *{anchors[text]}")
                        else:
                            anchors[text] = f"{sub}-{len(anchors) + 1}"
                            out.append(f"        {sub}: &{anchors[text]} {json.dumps(text)}")
            elif key in ("data", "expect"):
                out.append("    # prettier-ignore")
                out.append(f"{lead}{key}:")
                for sub, arr in value.items():
                    if sub == "shape":
                        out.append(f"      {sub}: {flow(arr)}")
                    else:
                        out.append(f"      {sub}: " + wrapped_list(np.asarray(arr), 8))
            else:
                out.append(f"{lead}{key}: {flow(value)}")
        out.append("")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(out).rstrip("\n") + "\n")


# ---------------------------------------------------------------- random configurations


@dataclass
class Config:
    rank: int
    n: int
    c: int
    m: int
    group: int
    spatial: list[int]
    kernel: list[int]
    strides: list[int]
    dilations: list[int]
    bias: bool
    integers: bool
    channels_last: bool


def draw_config(rng: np.random.Generator, *, groups: float, dilation_p: float, max_stride: int = 3,
                max_kernel: int = 4) -> Config:
    rank = int(rng.choice([1, 2, 3], p=[0.25, 0.5, 0.25]))
    max_i = {1: 6, 2: 5, 3: 3}[rank]
    group = 1
    if rng.random() < groups:
        group = int(rng.choice([2, 3]))
    c = group * int(rng.integers(1, 3))
    m = group * int(rng.integers(1, 3)) if group > 1 else int(rng.integers(1, 4))
    dil = rng.random() < dilation_p
    return Config(
        rank=rank,
        n=int(rng.choice([1, 1, 2])),
        c=c,
        m=m,
        group=group,
        spatial=[int(rng.integers(1, max_i + 1)) for _ in range(rank)],
        kernel=[int(rng.integers(1, (max_kernel if rank < 3 else 3) + 1)) for _ in range(rank)],
        strides=[int(rng.integers(1, (max_stride if rank < 3 else 2) + 1)) for _ in range(rank)],
        dilations=[int(rng.integers(1, 3)) if dil else 1 for _ in range(rank)],
        bias=bool(rng.random() < 0.4),
        integers=bool(rng.random() < 0.7),
        channels_last=bool(rng.random() < 0.5),
    )


def out_elements(cfg: Config, spatial_out: list[int]) -> int:
    return cfg.n * cfg.m * int(np.prod(spatial_out))


def shape_tags(cfg: Config, extra: list[str]) -> list[str]:
    tags = list(extra)
    tags.append(f"{cfg.rank}d")
    tags.append(LAYOUTS[(cfg.rank, cfg.channels_last)].lower())
    if cfg.n > 1:
        tags.append("batch")
    if cfg.bias:
        tags.append("bias")
    if any(d > 1 for d in cfg.dilations):
        tags.append("dilations")
    if cfg.group > 1:
        tags.append("groups")
    tags.append("integers" if cfg.integers else "floats")
    return tags


# ---------------------------------------------------------------- TensorFlow (tf.nn)


def tf_env() -> tuple[Any, str]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf  # noqa: PLC0415

    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)")
    return tf, f"TensorFlow {tf.__version__} CPU (TF_ENABLE_ONEDNN_OPTS={onednn})"


def tf_call(tf: Any, cfg: Config, t: Tensors, padding: str, out_spatial: list[int]) -> np.ndarray:
    """tf.nn.convNd_transpose on NHWC data; returns [N, M, spatial...]."""
    x = to_channels_last(t.x)
    f = tf_filter(t.w)
    shape = [cfg.n, *out_spatial, cfg.m]
    fn = {1: tf.nn.conv1d_transpose, 2: tf.nn.conv2d_transpose, 3: tf.nn.conv3d_transpose}[cfg.rank]
    y = fn(x, f, shape, strides=cfg.strides, padding=padding, dilations=cfg.dilations)
    if t.b is not None:
        y = tf.nn.bias_add(y, t.b)
    return to_channels_first(np.asarray(y))


def tf_documented_range(i: int, k: int, s: int, d: int, padding: str) -> tuple[int, int]:
    if padding == "SAME":
        return s * (i - 1) + 1, s * i
    f = full_size(i, k, s, d)
    return f, f + s - 1


def tf_accepts(tf: Any, cfg: Config, t: Tensors, padding: str, out_spatial: list[int]) -> bool:
    try:
        tf_call(tf, cfg, t, padding, out_spatial)
        return True
    except Exception:  # noqa: BLE001 - any rejection counts
        return False


def gen_tf(rng: np.random.Generator, notes: list[str]) -> tuple[str, list[Golden]]:
    tf, version = tf_env()
    goldens: list[Golden] = []
    base = 0
    while len(goldens) < 66:
        cfg = draw_config(rng, groups=0, dilation_p=0.2)
        padding = str(rng.choice(["SAME", "VALID"]))
        ranges = [tf_documented_range(i, k, s, d, padding)
                  for i, k, s, d in zip(cfg.spatial, cfg.kernel, cfg.strides, cfg.dilations)]
        if out_elements(cfg, [hi for _, hi in ranges]) > MAX_OUTPUT_ELEMENTS:
            continue
        base += 1
        t = draw_tensors(rng, cfg.n, cfg.c, cfg.m, 1, cfg.spatial, cfg.kernel, cfg.bias, cfg.integers)
        # Which output sizes does TF accept on axis 0 (others at their lowest accepted size)?
        lo0, hi0 = ranges[0]
        accepted = [o for o in range(max(1, lo0 - 2), hi0 + 3)
                    if tf_accepts(tf, cfg, t, padding, [o] + [lo for lo, _ in ranges[1:]])]
        if accepted != list(range(lo0, hi0 + 1)):
            notes.append(
                f"| tf base {base} | {padding} i={cfg.spatial[0]} k={cfg.kernel[0]} s={cfg.strides[0]} "
                f"d={cfg.dilations[0]} | documented o in [{lo0}, {hi0}] | TF accepts {accepted} |")
        # Every accepted output size (axis by axis: the t-th size of each axis's range).
        steps = max(hi - lo + 1 for lo, hi in ranges)
        for step in range(steps):
            out_spatial = [min(lo + step, hi) for lo, hi in ranges]
            try:
                y = tf_call(tf, cfg, t, padding, out_spatial)
            except Exception as error:  # noqa: BLE001
                notes.append(f"| tf base {base} | {padding} o={out_spatial} | rejected | {first_error_line(error)} |")
                continue
            fn = f"conv{cfg.rank}d_transpose"
            name = f"tf-{cfg.rank}d-{base:02d}-{padding.lower()}-o{short_shape(out_spatial)}"
            fields: dict[str, Any] = {"strides": per_axis(cfg.strides)}
            if any(d > 1 for d in cfg.dilations):
                fields["dilations"] = per_axis(cfg.dilations)
            fields["padding"] = padding
            fields["output_shape"] = out_spatial
            desc = (f"tf.nn.{fn}(x NHWC {list(to_channels_last(t.x).shape)}, filter {list(tf_filter(t.w).shape)}, "
                    f"output_shape {[cfg.n, *out_spatial, cfg.m]}, strides {cfg.strides}, padding '{padding}', "
                    f"dilations {cfg.dilations})" + (" + tf.nn.bias_add" if cfg.bias else "")
                    + f"; full {[full_size(i, k, s, d) for i, k, s, d in zip(cfg.spatial, cfg.kernel, cfg.strides, cfg.dilations)]}.")
            goldens.append(Golden(name, desc, shape_tags(cfg, ["tensorflow", padding.lower(), "output_shape"]),
                                  cfg.channels_last, t, y, fields))
    return version, goldens


# ---------------------------------------------------------------- Keras


def gen_keras(rng: np.random.Generator, notes: list[str]) -> tuple[str, list[Golden]]:
    tf, tf_version = tf_env()
    import keras  # noqa: PLC0415

    version = f"Keras {keras.__version__} on {tf_version}"
    layers = {1: keras.layers.Conv1DTranspose, 2: keras.layers.Conv2DTranspose, 3: keras.layers.Conv3DTranspose}
    goldens: list[Golden] = []
    tries = 0
    while len(goldens) < 60:
        tries += 1
        cfg = draw_config(rng, groups=0, dilation_p=0.25)
        padding = str(rng.choice(["same", "valid"]))
        use_op = rng.random() < 0.5
        op = [int(rng.integers(0, s)) for s in cfg.strides] if use_op else None
        t = draw_tensors(rng, cfg.n, cfg.c, cfg.m, 1, cfg.spatial, cfg.kernel, cfg.bias, cfg.integers)
        if cfg.n * cfg.m * int(np.prod([i * s + k_eff(k, d) for i, k, s, d in
                                        zip(cfg.spatial, cfg.kernel, cfg.strides, cfg.dilations)])) > 3 * MAX_OUTPUT_ELEMENTS:
            continue
        layer_args = dict(filters=cfg.m, kernel_size=tuple(cfg.kernel), strides=tuple(cfg.strides), padding=padding,
                          output_padding=None if op is None else tuple(op), dilation_rate=tuple(cfg.dilations),
                          use_bias=cfg.bias, data_format="channels_last")
        call = (f"keras.layers.Conv{cfg.rank}DTranspose(filters={cfg.m}, kernel_size={tuple(cfg.kernel)}, "
                f"strides={tuple(cfg.strides)}, padding='{padding}', output_padding={None if op is None else tuple(op)}, "
                f"dilation_rate={tuple(cfg.dilations)}, use_bias={cfg.bias})")
        try:
            layer = layers[cfg.rank](**layer_args)
            x = to_channels_last(t.x)
            layer.build(x.shape)
            weights = [tf_filter(t.w)] + ([t.b] if t.b is not None else [])
            layer.set_weights(weights)
            y = to_channels_first(np.asarray(layer(x)))
        except Exception as error:  # noqa: BLE001
            notes.append(f"| keras | {call} on input {list(to_channels_last(t.x).shape)} | rejected | "
                         f"{first_error_line(error)} |")
            continue
        if y.size == 0:
            notes.append(f"| keras | {call} on input {list(to_channels_last(t.x).shape)} | empty output "
                         f"{list(to_channels_last(y).shape)} | no error: an output length of 0 is not a valid case |")
            continue
        if y.size > MAX_OUTPUT_ELEMENTS:
            continue
        index = len(goldens) + 1
        name = f"keras-{cfg.rank}d-{index:02d}-{padding}" + ("" if op is None else f"-op{short_shape(op)}")
        fields: dict[str, Any] = {"strides": per_axis(cfg.strides)}
        if any(d > 1 for d in cfg.dilations):
            fields["dilations"] = per_axis(cfg.dilations)
        fields["padding"] = padding.upper()
        if op is not None:
            fields["output_padding"] = per_axis(op)
        desc = f"{call} on NHWC input {list(to_channels_last(t.x).shape)}: output {list(y.shape[2:])} (spatial)."
        tags = ["keras", padding] + (["output_padding"] if op is not None else [])
        goldens.append(Golden(name, desc, shape_tags(cfg, tags), cfg.channels_last, t, y, fields))
    return version, goldens


# ---------------------------------------------------------------- ONNX


def onnx_model(cfg: Config, attrs: dict[str, Any], opset: int) -> Any:
    from onnx import TensorProto, helper  # noqa: PLC0415

    names = ["X", "W"] + (["B"] if cfg.bias else [])
    shapes = {"X": [cfg.n, cfg.c, *cfg.spatial], "W": [cfg.c, cfg.m // cfg.group, *cfg.kernel], "B": [cfg.m]}
    inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, shapes[n]) for n in names]
    output = helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)
    node = helper.make_node("ConvTranspose", names, ["Y"], **attrs)
    graph = helper.make_graph([node], "convtranspose", inputs, [output])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10
    return model


def gen_onnx(rng: np.random.Generator, notes: list[str]) -> tuple[str, list[Golden]]:
    import onnx  # noqa: PLC0415
    import onnxruntime as ort  # noqa: PLC0415
    from onnx.reference import ReferenceEvaluator  # noqa: PLC0415

    opset = 22
    version = (f"onnx {onnx.__version__} onnx.reference.ReferenceEvaluator (ConvTranspose, opset {opset}); "
               f"cross-checked with onnxruntime {ort.__version__} CPU")
    ort.set_default_logger_severity(3)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    forms = ["pads", "notset", "same_upper", "same_lower", "valid",
             "shape_notset", "shape_same_upper", "shape_same_lower", "shape_valid"]
    goldens: list[Golden] = []
    index = 0
    while len(goldens) < 80:
        cfg = draw_config(rng, groups=0.12, dilation_p=0.25)
        form = forms[index % len(forms)]
        index += 1
        rank = cfg.rank
        fulls = [full_size(i, k, s, d) for i, k, s, d in zip(cfg.spatial, cfg.kernel, cfg.strides, cfg.dilations)]
        # output_padding: < stride (what ORT accepts), sometimes < dilation only (the spec's "or").
        # output_padding: < stride (what ONNX Runtime accepts), rarely only < dilation (the spec's "or").
        op = [0] * rank
        if rng.random() < 0.4:
            bound = [max(s, d) if rng.random() < 0.15 else s for s, d in zip(cfg.strides, cfg.dilations)]
            op = [int(rng.integers(0, b)) for b in bound]
        attrs: dict[str, Any] = {"kernel_shape": cfg.kernel, "strides": cfg.strides, "dilations": cfg.dilations,
                                 "group": cfg.group}
        if any(op):
            attrs["output_padding"] = op
        fields: dict[str, Any] = {"strides": per_axis(cfg.strides)}
        if any(d > 1 for d in cfg.dilations):
            fields["dilations"] = per_axis(cfg.dilations)
        if cfg.group > 1:
            fields["group"] = cfg.group
        tags = ["onnx"]
        if form == "pads":
            pads = [int(rng.integers(0, k_eff(k, d) + 1)) for k, d in zip(cfg.kernel, cfg.dilations) for _ in (0, 1)]
            pads = pads[0::2] + pads[1::2]  # [begins..., ends...]
            if any(fulls[a] + op[a] - pads[a] - pads[a + rank] <= 0 for a in range(rank)):
                continue
            attrs["pads"] = pads
            fields["padding"] = {"pads": pads}
            tags += ["pads"] + (["asymmetric"] if pads[:rank] != pads[rank:] else [])
            out_spatial = [fulls[a] + op[a] - pads[a] - pads[a + rank] for a in range(rank)]
        elif form in ("notset", "same_upper", "same_lower", "valid"):
            auto = form.upper()
            attrs["auto_pad"] = auto
            fields["padding"] = {"auto_pad": auto}
            tags += ["auto_pad", form]
            out_spatial = ([i * s for i, s in zip(cfg.spatial, cfg.strides)] if form.startswith("same")
                           else [f + o for f, o in zip(fulls, op)])
        else:
            auto = form[len("shape_"):].upper()
            # output_shape smaller than full (down to ~half the kernel), equal, or larger (up to full + s).
            # output_shape below full + output_padding (down to one kernel), equal, rarely past it.
            out_spatial = [max(1, f + o + (int(rng.integers(1, s + 1)) if rng.random() < 0.12
                                           else -int(rng.integers(0, k_eff(k, d) + 1))))
                           for f, o, k, d, s in zip(fulls, op, cfg.kernel, cfg.dilations, cfg.strides)]
            attrs["auto_pad"] = auto
            attrs["output_shape"] = out_spatial
            fields["padding"] = {"auto_pad": auto}
            fields["output_shape"] = out_spatial
            tags += ["output_shape", auto.lower()]
            if any(o > f + p for o, f, p in zip(out_spatial, fulls, op)):
                tags.append("past-full")
        if any(op):
            fields["output_padding"] = per_axis(op)
            tags.append("output_padding")
        if out_elements(cfg, out_spatial) > MAX_OUTPUT_ELEMENTS:
            continue
        t = draw_tensors(rng, cfg.n, cfg.c, cfg.m, cfg.group, cfg.spatial, cfg.kernel, cfg.bias, cfg.integers)
        model = onnx_model(cfg, attrs, opset)
        feeds = {"X": t.x, "W": t.w} | ({"B": t.b} if t.b is not None else {})
        attr_text = ", ".join(f"{k}={v}" for k, v in attrs.items() if k != "kernel_shape")
        call = f"ConvTranspose(X {list(t.x.shape)}, W {list(t.w.shape)}{', B' if cfg.bias else ''}; {attr_text})"
        spec_out: np.ndarray | None = None
        ort_out: np.ndarray | None = None
        spec_error = ort_error = ""
        try:
            spec_out = np.asarray(ReferenceEvaluator(model).run(None, feeds)[0], dtype=np.float32)
        except Exception as error:  # noqa: BLE001
            spec_error = f"{type(error).__name__}: {str(error).splitlines()[0][:110]}" if str(error) else type(error).__name__
        try:
            session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
            ort_out = np.asarray(session.run(None, feeds)[0], dtype=np.float32)
        except Exception as error:  # noqa: BLE001
            message = str(error).splitlines()[0]
            ort_error = message.split("Status Message: ")[-1][:200]
        note = onnx_disagreement(spec_out, ort_out, spec_error, ort_error, t.integers)
        if note:
            notes.append(f"| `{call}` | full {fulls} | {note} |")
            stem = f"disputed-{cfg.rank}d-{len(notes):02d}-{form.replace('_', '-')}"
            for label, out in (("spec", spec_out), ("ort", ort_out)):
                if out is not None:
                    DISPUTED.setdefault(label, []).append(Golden(
                        f"{stem}-{label}", f"{call}: {note}", shape_tags(cfg, tags), cfg.channels_last, t, out,
                        dict(fields)))
            continue
        assert spec_out is not None
        name = f"onnx-{cfg.rank}d-{len(goldens) + 1:02d}-{form.replace('_', '-')}"
        desc = (f"{call}: full {fulls}, output {list(spec_out.shape[2:])}; the ONNX reference evaluator and "
                f"ONNX Runtime agree.")
        goldens.append(Golden(name, desc, shape_tags(cfg, tags), cfg.channels_last, t, spec_out, fields))
    return version, goldens


def onnx_disagreement(spec: np.ndarray | None, ort_out: np.ndarray | None, spec_error: str, ort_error: str,
                      integers: bool) -> str:
    if spec is None and ort_out is None:
        return f"both fail: reference evaluator `{spec_error}`; ORT `{ort_error}`"
    if spec is None:
        return f"reference evaluator fails (`{spec_error}`); ORT gives shape {list(ort_out.shape)}"
    if ort_out is None:
        return f"ORT fails (`{ort_error}`); reference evaluator gives shape {list(spec.shape)}"
    if spec.shape != ort_out.shape:
        return f"shapes differ: reference evaluator {list(spec.shape)}, ORT {list(ort_out.shape)}"
    tol = (0.0, 0.0) if integers else (1e-4, 1e-4)
    if not np.allclose(ort_out, spec, atol=tol[0], rtol=tol[1]):
        diff = np.abs(ort_out.astype(np.float64) - spec)
        return (f"values differ (shape {list(spec.shape)}): {int(np.sum(diff > tol[0] + tol[1] * np.abs(spec)))} "
                f"of {spec.size} elements, max |diff| {float(diff.max()):.4g}")
    return ""


# Not goldens: the configurations where the ONNX reference evaluator and ONNX Runtime disagree, with
# each side's output as a case (written with --disputed DIR, to see which side tconv sides with).
DISPUTED: dict[str, list[Golden]] = {}


# ---------------------------------------------------------------- PyTorch


def gen_torch(rng: np.random.Generator, notes: list[str]) -> tuple[str, list[Golden]]:
    import torch  # noqa: PLC0415

    torch.set_num_threads(1)
    version = f"PyTorch {torch.__version__} CPU"
    functional = {1: torch.nn.functional.conv_transpose1d, 2: torch.nn.functional.conv_transpose2d,
                  3: torch.nn.functional.conv_transpose3d}
    modules = {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d, 3: torch.nn.ConvTranspose3d}
    goldens: list[Golden] = []
    while len(goldens) < 60:
        cfg = draw_config(rng, groups=0.3, dilation_p=0.3)
        rank = cfg.rank
        fulls = [full_size(i, k, s, d) for i, k, s, d in zip(cfg.spatial, cfg.kernel, cfg.strides, cfg.dilations)]
        padding = [int(rng.integers(0, (k_eff(k, d) + 1) // 2 + 1)) for k, d in zip(cfg.kernel, cfg.dilations)]
        if rng.random() < 0.5:
            padding = [padding[0]] * rank
        mode = str(rng.choice(["padding", "output_padding", "output_size"]))
        op = [0] * rank
        size: list[int] | None = None
        if mode == "output_padding":
            op = [int(rng.integers(0, max(s, d))) for s, d in zip(cfg.strides, cfg.dilations)]
        elif mode == "output_size":
            size = [f - 2 * p + int(rng.integers(0, s)) for f, p, s in zip(fulls, padding, cfg.strides)]
        expected_spatial = size or [f - 2 * p + o for f, p, o in zip(fulls, padding, op)]
        if min(expected_spatial) <= 0 or out_elements(cfg, expected_spatial) > MAX_OUTPUT_ELEMENTS:
            continue
        t = draw_tensors(rng, cfg.n, cfg.c, cfg.m, cfg.group, cfg.spatial, cfg.kernel, cfg.bias, cfg.integers)
        x = torch.from_numpy(t.x)
        w = torch.from_numpy(t.w)
        b = None if t.b is None else torch.from_numpy(t.b)
        try:
            with torch.no_grad():
                if size is None:
                    call = (f"F.conv_transpose{rank}d(x {list(t.x.shape)}, w {list(t.w.shape)}, "
                            f"{'bias' if b is not None else 'None'}, stride={cfg.strides}, padding={padding}, "
                            f"output_padding={op}, groups={cfg.group}, dilation={cfg.dilations})")
                    y = functional[rank](x, w, b, stride=cfg.strides, padding=padding, output_padding=op,
                                         groups=cfg.group, dilation=cfg.dilations)
                else:
                    call = (f"nn.ConvTranspose{rank}d({cfg.c}, {cfg.m}, {cfg.kernel}, stride={cfg.strides}, "
                            f"padding={padding}, groups={cfg.group}, bias={b is not None}, dilation={cfg.dilations})"
                            f"(x {list(t.x.shape)}, output_size={size})")
                    module = modules[rank](cfg.c, cfg.m, cfg.kernel, stride=cfg.strides, padding=padding,
                                           groups=cfg.group, bias=b is not None, dilation=cfg.dilations)
                    module.weight.copy_(w)
                    if b is not None:
                        module.bias.copy_(b)
                    y = module(x, output_size=size)
        except Exception as error:  # noqa: BLE001
            notes.append(f"| torch | {call} | rejected | {first_error_line(error)} |")
            continue
        out = y.numpy().astype(np.float32)
        fields: dict[str, Any] = {"strides": per_axis(cfg.strides)}
        if any(d > 1 for d in cfg.dilations):
            fields["dilations"] = per_axis(cfg.dilations)
        if cfg.group > 1:
            fields["group"] = cfg.group
        fields["padding"] = per_axis(padding)
        tags = ["pytorch", "padding"]
        if mode == "output_padding":
            fields["output_padding"] = per_axis(op)
            tags.append("output_padding")
        if size is not None:
            fields["output_shape"] = size
            tags.append("output_size")
        name = f"torch-{rank}d-{len(goldens) + 1:02d}-{mode.replace('_', '-')}"
        desc = f"{call}: full {fulls}, output {list(out.shape[2:])}."
        goldens.append(Golden(name, desc, shape_tags(cfg, tags), cfg.channels_last, t, out, fields))
    return version, goldens


# ---------------------------------------------------------------- main

GENERATORS: dict[str, Callable[[np.random.Generator, list[str]], tuple[str, list[Golden]]]] = {
    "tf": gen_tf, "keras": gen_keras, "onnx": gen_onnx, "torch": gen_torch}

DESCRIPTIONS = {
    "tf": "tf.nn.conv{1,2,3}d_transpose with padding SAME and VALID and every output_shape TF accepts",
    "keras": "keras.layers.Conv{1,2,3}DTranspose with padding same/valid, with and without output_padding "
             "(no output_shape: Keras's output length)",
    "onnx": "ONNX ConvTranspose (auto_pad NOTSET/SAME_UPPER/SAME_LOWER/VALID, explicit pads, output_shape, "
            "output_padding, group, dilations, bias)",
    "torch": "torch.nn.functional.conv_transpose{1,2,3}d (padding, output_padding, groups, dilation, bias) and "
             "nn.ConvTranspose{1,2,3}d(...)(x, output_size=...)",
}

NOTE_HEADERS = {
    "tf": ("TensorFlow: output sizes accepted versus the documented rule, and rejected configurations",
           "| configuration | parameters | documented | TensorFlow |\n| --- | --- | --- | --- |"),
    "keras": ("Keras: configurations the framework rejects (skipped, not goldens)",
              "| framework | call | outcome | message |\n| --- | --- | --- | --- |"),
    "onnx": ("ONNX: the reference evaluator versus ONNX Runtime (configurations where they disagree or one fails; "
             "not goldens)", "| model | full | difference |\n| --- | --- | --- |"),
    "torch": ("PyTorch: configurations the framework rejects (skipped, not goldens)",
              "| framework | configuration | outcome | message |\n| --- | --- | --- | --- |"),
}


def known_divergences() -> dict[str, list[dict[str, str]]]:
    """scripts/golden/divergences.json: per case name, the runner divergences that cases/ already records."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "divergences.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def run_group(group: str, out_dir: str, disputed_dir: str | None) -> None:
    rng = np.random.default_rng(SEEDS[group])
    notes: list[str] = []
    version, goldens = GENERATORS[group](rng, notes)
    cases = [case_of(g) for g in goldens]
    divergences = known_divergences()
    for case in cases:
        if case["name"] in divergences:
            case["tags"] = case["tags"] + ["divergence"]
            case["expected"] = divergences[case["name"]]
    description = (f"Goldens from {version}: {DESCRIPTIONS[group]}. {len(cases)} seeded random configurations "
                   f"(seed {SEEDS[group]}), literal data, expect = the framework's output in the case's layout. "
                   f"Generated by scripts/golden/generate.py.")
    write_yaml(os.path.join(out_dir, f"{group}.yaml"), description, cases)
    title, header = NOTE_HEADERS[group]
    notes_path = os.path.join(out_dir, f"{group}-notes.md")
    if notes:
        with open(notes_path, "w", encoding="utf-8") as handle:
            handle.write(f"# {title}\n\nGenerated by scripts/golden/generate.py from {version} (seed "
                         f"{SEEDS[group]}).\n\n{header}\n" + "\n".join(notes) + "\n")
    elif os.path.exists(notes_path):
        os.remove(notes_path)
    print(f"{group}: {len(cases)} goldens, {len(notes)} notes ({version})")
    if disputed_dir:
        os.makedirs(disputed_dir, exist_ok=True)
        for label, entries in DISPUTED.items():
            write_yaml(os.path.join(disputed_dir, f"{group}-{label}.yaml"),
                       f"NOT goldens: {label} outputs of the configurations listed in {group}-notes.md.",
                       [case_of(g) for g in entries])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help=f"groups to generate (default all: {' '.join(GROUPS)})")
    parser.add_argument("--out", default="cases/golden", help="output directory (default cases/golden)")
    parser.add_argument("--torch-python", help="interpreter with torch for the torch group")
    parser.add_argument("--disputed", help="also write the ONNX reference-evaluator and ORT outputs of the disputed "
                        "configurations as (non-golden) case files to this directory, e.g. /tmp/golden-disputed")
    args = parser.parse_args()
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {unknown}; choose from {list(GROUPS)}")
    os.makedirs(args.out, exist_ok=True)
    for group in args.groups or GROUPS:
        if group == "torch" and args.torch_python:
            subprocess.run([args.torch_python, __file__, "torch", "--out", args.out], check=True)
            continue
        run_group(group, args.out, args.disputed)


if __name__ == "__main__":
    sys.exit(main())
