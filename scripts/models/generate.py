"""Builds the small example models under examples/models/ that `tconv import` is tested on.

Run from the repository root with the venv that scripts/setup-torch.mjs makes (torch, numpy,
tensorflow-cpu 2.21 with Keras 3, onnx, onnxruntime):

    ~/.cache/tconv/python/bin/python scripts/models/generate.py
    node scripts/models/tfjs.mjs          # then: the TF.js layers model (needs tfjs-node, npm run
                                          # setup), and Prettier on the JSON files

Writes, for a DCGAN-style generator and a U-Net-style decoder each exported from Keras (.keras)
and from PyTorch (torch.onnx.export, the TorchScript exporter: the dynamo one needs onnxscript,
which is not installed offline), plus a Keras model with 1-D and 3-D layers, and
examples/models/expected.json: for every transposed-convolution layer the input and output
shape the framework itself computed (Keras's symbolic layer shapes; ONNX Runtime's
intermediate outputs), which test/import.test.ts checks `tconv import` against.

Seeds are fixed, so rerunning gives the same weights (the files' bytes may still differ with
library versions).
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

OUT = os.path.join("examples", "models")


def keras_models():
    import keras
    from keras import layers

    keras.utils.set_random_seed(13)
    models = {}

    # DCGAN generator (Radford et al.): z -> 4x4 (VALID, k4 s1) -> 8x8 -> 16x16 (SAME, k4 s2).
    z = keras.Input(shape=(1, 1, 8), name="z")
    x = layers.Conv2DTranspose(16, 4, strides=1, padding="valid", use_bias=False, name="project")(z)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.ReLU(name="relu1")(x)
    x = layers.Conv2DTranspose(8, 4, strides=2, padding="same", use_bias=False, name="up1")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    x = layers.ReLU(name="relu2")(x)
    x = layers.Conv2DTranspose(3, 4, strides=2, padding="same", name="to_rgb")(x)
    x = layers.Activation("tanh", name="tanh")(x)
    models["dcgan-generator"] = keras.Model(z, x, name="dcgan_generator")

    # U-Net decoder: bottleneck 4x4x16 and a skip 8x8x8. The first up-sampling is k3 s2 SAME
    # (odd total padding: Keras crops the extra pixel at the END); the second lives in a nested
    # Sequential block, k2 s2 VALID with a bias.
    bottleneck = keras.Input(shape=(4, 4, 16), name="bottleneck")
    skip = keras.Input(shape=(8, 8, 8), name="skip")
    x = layers.Conv2DTranspose(8, 3, strides=2, padding="same", name="up1")(bottleneck)
    x = layers.Concatenate(name="concat")([x, skip])
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="fuse")(x)
    block = keras.Sequential(
        [layers.Input(shape=(8, 8, 8)), layers.Conv2DTranspose(4, 2, strides=2, padding="valid", name="up2"),
         layers.ReLU(name="relu")],
        name="up_block",
    )
    x = block(x)
    x = layers.Conv2D(1, 1, name="head")(x)
    models["unet-decoder"] = keras.Model([bottleneck, skip], x, name="unet_decoder")

    # 1-D with Keras output_padding and 3-D: the other ranks, in a Sequential each.
    signal = keras.Input(shape=(5, 2), name="signal")
    y = layers.Conv1DTranspose(3, 3, strides=2, padding="valid", output_padding=1, name="up1d")(signal)
    y = layers.Conv1DTranspose(2, 3, strides=1, padding="same", dilation_rate=2, name="dilated1d")(y)
    models["signal-1d"] = keras.Model(signal, y, name="signal_1d")
    volume = keras.Input(shape=(2, 3, 3, 2), name="volume")
    v = layers.Conv3DTranspose(2, 3, strides=2, padding="same", name="up3d")(volume)
    models["volume-3d"] = keras.Model(volume, v, name="volume_3d")
    return models


def transposed_keras_layers(model, prefix=""):
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from transposed_keras_layers(layer, prefix + layer.name + "/")
        elif type(layer).__name__ in ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"):
            yield prefix + layer.name, layer


PROBES = {
    "dcgan-generator.keras": ["to_rgb"],
    "unet-decoder.keras": ["up_block/up2"],
    "signal-1d.keras": ["up1d"],
    "volume-3d.keras": ["up3d"],
    "dcgan-generator.onnx": ["/main/main.6/ConvTranspose"],
    "unet-decoder.onnx": ["/up1/ConvTranspose"],
}


def probe_input(shape):
    """A seeded input with 3 decimals, so it is exact in the YAML and the test's float32."""
    return np.round(np.random.default_rng(7).uniform(-1, 1, size=shape), 3).astype(np.float32)


def probe(x, y):
    return {"input_shape": list(x.shape), "input": [float(v) for v in x.ravel()],
            "output_shape": list(y.shape), "output": [float(f"{v:.7g}") for v in np.asarray(y, dtype=np.float32).ravel()]}


def save_keras(models, expected, probes):
    for name, model in models.items():
        path = os.path.join(OUT, name + ".keras")
        model.save(path)
        expected[name + ".keras"] = [
            {
                "layer": layer_name,
                "class": type(layer).__name__,
                "input": [1 if d is None else d for d in layer.input.shape],
                "output": [1 if d is None else d for d in layer.output.shape],
            }
            for layer_name, layer in transposed_keras_layers(model)
        ]
        # One layer alone on a known input: checks the kernel layout tconv import converts.
        for layer_name, layer in transposed_keras_layers(model):
            if layer_name in PROBES.get(name + ".keras", []):
                x = probe_input([1] + list(layer.input.shape[1:]))
                probes.setdefault(name + ".keras", {})[layer_name] = probe(x, layer(x))
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def torch_models():
    import torch
    from torch import nn

    torch.manual_seed(13)

    class Generator(nn.Module):
        """DCGAN generator, PyTorch's DCGAN tutorial shape at toy size."""

        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                nn.ConvTranspose2d(8, 16, 4, 1, 0, bias=False), nn.BatchNorm2d(16), nn.ReLU(True),
                nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(True),
                nn.ConvTranspose2d(8, 3, 4, 2, 1), nn.Tanh(),
            )

        def forward(self, z):
            return self.main(z)

    class Decoder(nn.Module):
        """U-Net decoder: k3 s2 padding 1 output_padding 1 (the extra pixel cropped at the START,
        unlike Keras SAME), then k2 s2."""

        def __init__(self):
            super().__init__()
            self.up1 = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)
            self.fuse = nn.Conv2d(16, 8, 3, padding=1)
            self.up2 = nn.ConvTranspose2d(8, 4, 2, stride=2)
            self.head = nn.Conv2d(4, 1, 1)

        def forward(self, bottleneck, skip):
            x = torch.cat([self.up1(bottleneck), skip], dim=1)
            x = torch.relu(self.fuse(x))
            return self.head(torch.relu(self.up2(x)))

    return {
        # Static shapes: every ConvTranspose input shape is in value_info (shape inference).
        "dcgan-generator": (Generator().eval(), {"z": (1, 8, 1, 1)}, None),
        # Dynamic batch and spatial sizes: tconv import needs --input-shape and ONNX Runtime.
        "unet-decoder": (
            Decoder().eval(),
            {"bottleneck": (1, 16, 4, 4), "skip": (1, 8, 8, 8)},
            {"bottleneck": {0: "batch", 2: "height", 3: "width"}, "skip": {0: "batch", 2: "height2", 3: "width2"}},
        ),
    }


def onnx_intermediate_shapes(path, inputs):
    """Every ConvTranspose's input and output shape as ONNX Runtime computes them."""
    import onnx
    import onnxruntime as ort

    model = onnx.load(path)
    nodes = [node for node in model.graph.node if node.op_type == "ConvTranspose"]
    existing = {output.name for output in model.graph.output}
    for node in nodes:
        for value in (node.input[0], node.output[0]):
            if value not in existing:
                model.graph.output.append(onnx.ValueInfoProto(name=value))
                existing.add(value)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {name: np.random.default_rng(0).standard_normal(shape).astype(np.float32) for name, shape in inputs.items()}
    names = [output.name for output in session.get_outputs()]
    values = dict(zip(names, session.run(names, feeds)))
    return [
        {"layer": node.name, "op": "ConvTranspose", "input": list(values[node.input[0]].shape),
         "output": list(values[node.output[0]].shape)}
        for node in nodes
    ]


def save_onnx(models, expected, probes):
    import torch

    for name, (module, inputs, dynamic) in models.items():
        path = os.path.join(OUT, name + ".onnx")
        args = tuple(torch.randn(*shape) for shape in inputs.values())
        torch.onnx.export(
            module, args, path, dynamo=False, opset_version=17, input_names=list(inputs),
            output_names=["output"], dynamic_axes=dynamic,
        )
        if dynamic is None:
            # Static shapes: store ONNX's inferred shapes in value_info, the annotations `tconv
            # import` reads without running the model (the TorchScript exporter leaves them out).
            import onnx

            onnx.save(onnx.shape_inference.infer_shapes(onnx.load(path), strict_mode=True), path)
        expected[name + ".onnx"] = onnx_intermediate_shapes(path, inputs)
        # The probed node alone, as the PyTorch module that exported it computes it.
        for node_name in PROBES.get(name + ".onnx", []):
            module_path = node_name.strip("/").split("/")[:-1]
            layer = module
            for part in module_path[-1].split("."):
                layer = getattr(layer, part) if not part.isdigit() else layer[int(part)]
            x = probe_input([1, layer.in_channels] + [4] * (len(layer.kernel_size)))
            with torch.no_grad():
                probes.setdefault(name + ".onnx", {})[node_name] = probe(x, layer(torch.from_numpy(x)).numpy())
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main():
    if not os.path.isdir(OUT):
        sys.exit(f"run from the repository root ({OUT} not found)")
    expected_path = os.path.join(OUT, "expected.json")
    expected = {}
    if os.path.exists(expected_path):
        with open(expected_path) as handle:
            expected = json.load(handle)
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    probes = {}
    save_keras(keras_models(), expected, probes)
    save_onnx(torch_models(), expected, probes)
    probes_path = os.path.join(OUT, "probes.json")
    with open(probes_path, "w") as handle:
        json.dump(probes, handle, sort_keys=True)
        handle.write("\n")
    print(f"wrote {probes_path}")
    with open(expected_path, "w") as handle:
        json.dump(expected, handle, indent=2, sort_keys=True)
        handle.write("\n")
    print(f"wrote {expected_path}")


if __name__ == "__main__":
    main()
