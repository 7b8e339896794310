"""tconv's PyTorch runner: an implementation of the tconv external-runner protocol, version 1
(docs/runner-protocol.md), speaking the `torch` convention. tconv starts it as the built-in
`torch` runner (runners/torch.ts); it is also the protocol's reference implementation, exercised by
every `npm test`.

- Hello: {"type": "hello", "protocol": 1, "name": "torch", "version": "2.13.0+cpu (python 3.11.7)",
  "convention": "torch", "layout": "channels_first", "max_in_flight": 8}, or
  {"type": "hello", "protocol": 1, "error": "torch is not importable: ..."} (then exit).
- Request attributes (section 4, `torch`): api, stride, padding, output_padding, groups, dilation,
  and output_size for the `forward(output_size)` API.
  - "torch.nn.functional.conv_transpose": torch.nn.functional.conv_transpose{rank}d(input, weight,
    bias, stride, padding, output_padding, groups, dilation) (what ConvTranspose{N}d.forward(x) calls).
  - "torch.nn.ConvTranspose.forward(output_size)": a torch.nn.ConvTranspose{rank}d module with its
    weight (and bias) set to the given tensors, called as forward(input, output_size=output_size).
- Reply: a `result` with the output (float32, contiguous, row-major), or an `error` with
  PyTorch's own message when it raised.

Anything written to stdout by Python or native code goes to stderr instead (frames use a
duplicate of the original stdout), so stray prints cannot corrupt a frame. It exits at EOF on
stdin (tconv closed the pipe or died).
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


def tensors_of(header, payload):
    """The request's tensors by name, as float32 torch tensors viewing the payload."""
    import torch
    out, offset = {}, 0
    for described in header.get("tensors", []):
        count = 1
        for size in described["shape"]:
            count *= size
        if count == 0:
            out[described["name"]] = torch.empty(described["shape"], dtype=torch.float32)
            continue
        values = torch.frombuffer(payload, dtype=torch.float32, count=count, offset=offset)
        out[described["name"]] = values.reshape(described["shape"])
        offset += 4 * count
    return out


def main():
    stream, out = open_channels()
    try:
        import torch
        import numpy  # the output's tensor -> bytes path
    except Exception as error:  # ImportError, or a broken installation raising anything else
        send(out, {"type": "hello", "protocol": 1,
                   "error": "%s is not importable: %s: %s" % (getattr(error, "name", None) or "torch",
                                                               type(error).__name__, error)})
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

    def module_for(rank, a, weight_shape, has_bias):
        # Modules are cached by their constructor arguments: building one also initialises its
        # weights (kaiming_uniform_), which costs more than a small convolution. The weight and
        # bias are replaced by the request's tensors before every call.
        channels_in = weight_shape[0]
        channels_out = weight_shape[1] * a["groups"]
        key = (rank, channels_in, channels_out, tuple(weight_shape[2:]), tuple(a["stride"]), tuple(a["padding"]),
               tuple(a["output_padding"]), a["groups"], has_bias, tuple(a["dilation"]))
        module = modules.get(key)
        if module is None:
            if len(modules) >= MAX_MODULES:
                modules.pop(next(iter(modules)))
            module = module_classes[rank](
                channels_in, channels_out, tuple(weight_shape[2:]), stride=tuple(a["stride"]),
                padding=tuple(a["padding"]), output_padding=tuple(a["output_padding"]),
                groups=a["groups"], bias=has_bias, dilation=tuple(a["dilation"]))
            module.eval()
            modules[key] = module
        return module

    def run(header, payload):
        t = tensors_of(header, payload)
        x, w, b = t["input"], t["weight"], t.get("bias")
        a, rank = header["attributes"], header["rank"]
        if header.get("layout", "NC")[1] != "C":
            raise ValueError("tconv torch runner: expected a channels-first layout, got %r" % header.get("layout"))
        if a.get("api") == "torch.nn.functional.conv_transpose":
            return functionals[rank](x, w, b, tuple(a["stride"]), tuple(a["padding"]), tuple(a["output_padding"]),
                                     a["groups"], tuple(a["dilation"]))
        if a.get("api") == "torch.nn.ConvTranspose.forward(output_size)":
            module = module_for(rank, a, list(w.shape), b is not None)
            module.weight = torch.nn.Parameter(w, requires_grad=False)
            if b is not None:
                module.bias = torch.nn.Parameter(b, requires_grad=False)
            return module(x, output_size=list(a["output_size"]))
        raise ValueError("tconv torch runner: unknown api %r" % (a.get("api"),))

    little = sys.byteorder == "little"
    send(out, {"type": "hello", "protocol": 1, "name": "torch",
               "version": "%s (python %s)" % (torch.__version__, platform.python_version()),
               "convention": "torch", "layout": "channels_first", "max_in_flight": 8,
               "threads": torch.get_num_threads(), "executable": sys.executable})

    while True:
        prefix = read_exact(stream, HEADER.size)
        if prefix is None:
            return 0
        raw = read_exact(stream, HEADER.unpack(prefix)[0])
        if raw is None:
            return 0
        header = json.loads(raw.decode("utf-8"))
        payload_bytes = 0
        for described in header.get("tensors", []):
            count = 1
            for size in described["shape"]:
                count *= size
            payload_bytes += count * (4 if described["dtype"] == "float32" else 8)
        payload = bytearray(payload_bytes)
        if not read_into(stream, payload):
            return 0
        if not little:
            payload = bytearray(numpy.frombuffer(payload, dtype="<f4").astype("=f4").tobytes())
        try:
            y = run(header, payload)
        except Exception as error:  # PyTorch's own rejection: the message is the result
            message = str(error).strip() or repr(error)
            send(out, {"type": "error", "id": header["id"], "message": "%s: %s" % (type(error).__name__, message)})
            continue
        data = numpy.ascontiguousarray(y.numpy(), dtype="<f4")
        send(out, {"type": "result", "id": header["id"],
                   "tensors": [{"name": "output", "dtype": "float32", "shape": list(y.shape)}]},
             memoryview(data).cast("B"))


if __name__ == "__main__":
    try:
        code = main()
    except BrokenPipeError:
        code = 0
    except Exception:
        traceback.print_exc(file=sys.stderr)
        code = 70
    sys.exit(code)
