"""tconv's PyTorch bridge: a persistent child of the torch runner (runners/torch/bridge.ts).

Protocol, over stdin/stdout, one request at a time, replies in request order. Every message is a
frame: a 4-byte little-endian unsigned header length, the header (UTF-8 JSON), then a raw payload
of float32 little-endian values whose element counts the header states.

- Hello (bridge -> tconv, once at start): {"hello": true, "ok": true, "torch": "2.13.0+cpu",
  "python": "3.11.7", "numpy": "...", "executable": "...", "threads": 1}, or
  {"hello": true, "ok": false, "missing": "torch" | "numpy", "error": "..."} (then exit).
- Request: {"id": 1, "form": "functional" | "module", "rank": 1 | 2 | 3,
  "input": [N, C, *spatial], "weight": [C, M/groups, *k], "bias": true | false,
  "stride": [...], "padding": [...], "output_padding": [...], "groups": g, "dilation": [...],
  "output_size": [...] (module form only)}; payload: input, weight, then bias (M values) if any.
  - functional: torch.nn.functional.conv_transpose{rank}d(input, weight, bias, stride, padding,
    output_padding, groups, dilation).
  - module: torch.nn.ConvTranspose{rank}d(C, M, k, stride, padding, output_padding, groups, bias,
    dilation) with its weight (and bias) set to the given tensors, called as
    forward(input, output_size=output_size).
- Reply: {"id": 1, "ok": true, "shape": [...]} + the output (contiguous, row-major), or
  {"id": 1, "ok": false, "error": "ValueError: ..."} with no payload when PyTorch raised.

Anything written to stdout by Python or native code goes to stderr instead (the protocol uses a
duplicate of the original stdout), so stray prints cannot corrupt a frame. The bridge exits at
EOF on stdin (its parent closed the pipe or died).
"""

import json
import os
import platform
import struct
import sys
import traceback

HEADER = struct.Struct("<I")
MAX_MODULES = 64


def open_channels():
    # Protocol output on a private duplicate of fd 1; fd 1 itself now points at stderr.
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return sys.stdin.buffer, out


def send(out, header, payload=None):
    data = json.dumps(header, separators=(",", ":")).encode("utf-8")
    parts = [HEADER.pack(len(data)), data]
    if payload is not None:
        parts.append(payload)
    out.write(b"".join(parts))


def read_exact(stream, size):
    """`size` bytes, or None at EOF (a partial frame at EOF is EOF too)."""
    data = stream.read(size)
    if data is None or len(data) < size:
        return None
    return data


def read_into(stream, buffer):
    """Fills `buffer`; False at EOF."""
    view = memoryview(buffer)
    filled = 0
    while filled < len(buffer):
        count = stream.readinto(view[filled:])
        if not count:
            return False
        filled += count
    return True


def main():
    stream, out = open_channels()
    missing = "torch"
    try:
        import torch
        missing = "numpy"
        import numpy  # the output's tensor -> bytes path
    except Exception as error:  # ImportError, or a broken installation raising anything else
        send(out, {"hello": True, "ok": False, "missing": missing, "error": "%s: %s" % (type(error).__name__, error),
                   "python": platform.python_version(), "executable": sys.executable})
        return 1

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set (only possible once per process)
    torch.set_grad_enabled(False)

    functionals = {1: torch.nn.functional.conv_transpose1d,
                   2: torch.nn.functional.conv_transpose2d,
                   3: torch.nn.functional.conv_transpose3d}
    module_classes = {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d, 3: torch.nn.ConvTranspose3d}
    modules = {}

    def module_for(request, weight_shape):
        # Modules are cached by their constructor arguments: building one also initialises its
        # weights (kaiming_uniform_), which costs more than a small convolution. The weight and
        # bias are replaced by the request's tensors before every call.
        channels_in = weight_shape[0]
        channels_out = weight_shape[1] * request["groups"]
        key = (request["rank"], channels_in, channels_out, tuple(weight_shape[2:]), tuple(request["stride"]),
               tuple(request["padding"]), tuple(request["output_padding"]), request["groups"],
               request["bias"], tuple(request["dilation"]))
        module = modules.get(key)
        if module is None:
            if len(modules) >= MAX_MODULES:
                modules.pop(next(iter(modules)))
            module = module_classes[request["rank"]](
                channels_in, channels_out, tuple(weight_shape[2:]), stride=tuple(request["stride"]),
                padding=tuple(request["padding"]), output_padding=tuple(request["output_padding"]),
                groups=request["groups"], bias=request["bias"], dilation=tuple(request["dilation"]))
            module.eval()
            modules[key] = module
        return module

    def tensor(buffer, offset, shape):
        count = 1
        for size in shape:
            count *= size
        if count == 0:
            return torch.empty(shape, dtype=torch.float32), offset
        values = torch.frombuffer(buffer, dtype=torch.float32, count=count, offset=offset)
        return values.reshape(shape), offset + 4 * count

    def run(request, payload):
        x, offset = tensor(payload, 0, request["input"])
        w, offset = tensor(payload, offset, request["weight"])
        b = None
        if request["bias"]:
            b, offset = tensor(payload, offset, [request["weight"][1] * request["groups"]])
        if request["form"] == "functional":
            return functionals[request["rank"]](
                x, w, b, tuple(request["stride"]), tuple(request["padding"]), tuple(request["output_padding"]),
                request["groups"], tuple(request["dilation"]))
        if request["form"] == "module":
            module = module_for(request, request["weight"])
            module.weight = torch.nn.Parameter(w, requires_grad=False)
            if b is not None:
                module.bias = torch.nn.Parameter(b, requires_grad=False)
            return module(x, output_size=list(request["output_size"]))
        raise ValueError("tconv bridge: unknown form %r" % (request["form"],))

    little = sys.byteorder == "little"
    send(out, {"hello": True, "ok": True, "torch": torch.__version__, "python": platform.python_version(),
               "numpy": numpy.__version__, "executable": sys.executable,
               "threads": torch.get_num_threads()})

    while True:
        prefix = read_exact(stream, HEADER.size)
        if prefix is None:
            return 0
        header = read_exact(stream, HEADER.unpack(prefix)[0])
        if header is None:
            return 0
        request = json.loads(header.decode("utf-8"))
        payload_bytes = 4 * int(request["elements"])
        payload = bytearray(payload_bytes)
        if not read_into(stream, payload):
            return 0
        if not little:
            payload = bytearray(numpy.frombuffer(payload, dtype="<f4").astype("=f4").tobytes())
        try:
            y = run(request, payload)
        except Exception as error:  # PyTorch's own rejection: the message is the result
            message = str(error).strip() or repr(error)
            send(out, {"id": request["id"], "ok": False, "error": "%s: %s" % (type(error).__name__, message)})
            continue
        data = numpy.ascontiguousarray(y.numpy(), dtype="<f4")
        send(out, {"id": request["id"], "ok": True, "shape": list(y.shape)}, memoryview(data).cast("B"))


if __name__ == "__main__":
    try:
        code = main()
    except BrokenPipeError:
        code = 0
    except Exception:
        traceback.print_exc(file=sys.stderr)
        code = 70
    sys.exit(code)
