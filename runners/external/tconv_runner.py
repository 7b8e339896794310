"""Python side of the tconv external-runner protocol, version 1 (docs/runner-protocol.md).

A transposed convolution written in Python joins tconv as a runner with one call::

    import sys
    sys.path.insert(0, "path/to/tconv/runners/external")
    from tconv_runner import serve, Unsupported

    def conv_transpose(request, x, w, b):
        # request: the request header (a dict: "attributes", "layout", "variant", "rank", ...)
        # x, w: numpy float32 arrays; b: numpy float32 array [M], or None without a bias
        if request["rank"] != 2:
            raise Unsupported("only 2-D")
        return my_deconv(x, w, b, request["attributes"])  # numpy array in request["layout"]

    serve(conv_transpose, name="my-deconv", version="1.0", convention="canonical")

and is then registered with ``tconv run cases --runner-exec "mine=python3 my_runner.py"``.

What ``serve`` does:

- Standard output carries protocol frames only. File descriptor 1 is redirected to standard error
  (so ``print`` and native libraries writing to stdout cannot corrupt a frame); frames go to a
  private duplicate of the original stdout.
  Output written before ``serve`` is called is not redirected and breaks the protocol: do work
  that may print (importing or loading a library) in ``setup``.
- It runs ``setup`` (optional), then sends the hello (name, version, convention, layout,
  max_in_flight). If ``setup`` raises, or an argument is invalid, it sends a hello with an
  ``error`` instead (tconv reports the runner as unavailable) and exits with status 1.
- It reads requests (looping over partial reads) until end-of-file on standard input, where it
  exits with status 0. Tensors are decoded from their little-endian ``float32``/``float64``
  row-major payload into writable native-endian numpy arrays of the header's shapes, by name
  (``input``, ``weight``, ``bias``).
- Each request's reply: ``result`` with the returned array (float32 stays float32, anything else
  numeric is sent as float64; written contiguous and little-endian); ``unsupported`` with the
  reason when the function raises :class:`Unsupported`; ``error`` with ``"TypeName: message"``
  when it raises anything else (the traceback goes to standard error, which tconv shows).
- Frames of an unknown ``type`` are skipped (protocol v1 may gain optional things); an unreadable
  frame from tconv ends the process with status 2 and a message on standard error.

Requests are handled one at a time, in order; ``max_in_flight > 1`` only lets tconv queue the
next requests in the pipe while one is computed (worth it for fast functions; in exchange, a
crash is reported for every request in flight). Needs numpy, nothing else.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import traceback
from typing import Any, BinaryIO, Callable, Dict, List, NoReturn, Optional, Sequence, Tuple

import numpy as np

__all__ = ["PROTOCOL", "Unsupported", "ProtocolError", "Request", "ConvTranspose", "serve"]

PROTOCOL = 1
MAX_HEADER_BYTES = 16 * 1024 * 1024
CONVENTIONS = ("canonical", "onnx", "tf", "torch")
LAYOUTS = ("channels_first", "channels_last", "case")
DTYPES: Dict[str, np.dtype] = {"float32": np.dtype("<f4"), "float64": np.dtype("<f8")}
_LENGTH = struct.Struct("<I")

Request = Dict[str, Any]
"""A request header as tconv sent it (``type``, ``id``, ``convention``, ``variant``, ``rank``,
``layout``, ``attributes``, ``tensors``, and any field a later protocol v1 adds)."""

ConvTranspose = Callable[[Request, np.ndarray, np.ndarray, Optional[np.ndarray]], Any]
"""``fn(request, x, w, b) -> output array`` (in ``request["layout"]``)."""


class Unsupported(Exception):
    """Raise from the function to decline a request: tconv reports a skip with this reason."""


class ProtocolError(Exception):
    """A frame from tconv that cannot be read."""


def _describe(error: BaseException) -> str:
    message = str(error).strip()
    return "%s: %s" % (type(error).__name__, message) if message else type(error).__name__


def _open_channels() -> Tuple[BinaryIO, BinaryIO]:
    """(requests in, frames out). Afterwards fd 1 and ``sys.stdout`` are standard error."""
    sys.stdout.flush()
    frames = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return sys.stdin.buffer, frames


def _write_frame(out: BinaryIO, header: Dict[str, Any], payload: Sequence[bytes] = ()) -> None:
    data = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    out.write(b"".join([_LENGTH.pack(len(data)), data, *payload]))
    out.flush()


def _read_exact(stream: BinaryIO, size: int) -> Optional[bytearray]:
    """Exactly ``size`` bytes (looping over partial reads), or None at end-of-file."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    filled = 0
    while filled < size:
        count = stream.readinto(view[filled:])  # type: ignore[attr-defined]
        if not count:
            return None
        filled += count
    return buffer


def _tensor_specs(header: Dict[str, Any]) -> List[Tuple[str, np.dtype, Tuple[int, ...]]]:
    specs = []
    tensors = header.get("tensors", [])
    if not isinstance(tensors, list):
        raise ProtocolError("'tensors' is not a list")
    for entry in tensors:
        if not isinstance(entry, dict):
            raise ProtocolError("a 'tensors' entry is not an object")
        dtype = DTYPES.get(entry.get("dtype"))  # type: ignore[arg-type]
        if dtype is None:
            raise ProtocolError("unknown dtype %r" % (entry.get("dtype"),))
        shape = entry.get("shape")
        if not isinstance(shape, list) or not all(type(size) is int and size >= 0 for size in shape):
            raise ProtocolError("tensor %r: bad shape %r" % (entry.get("name"), shape))
        specs.append((str(entry.get("name")), dtype, tuple(shape)))
    return specs


def _read_frame(stream: BinaryIO) -> Optional[Tuple[Dict[str, Any], Dict[str, np.ndarray]]]:
    """The next frame's header and its tensors by name, or None at end-of-file."""
    prefix = _read_exact(stream, _LENGTH.size)
    if prefix is None:
        return None
    (length,) = _LENGTH.unpack(prefix)
    if length > MAX_HEADER_BYTES:
        raise ProtocolError("header length %d is over 16 MiB" % length)
    raw = _read_exact(stream, length)
    if raw is None:
        return None
    try:
        header = json.loads(raw.decode("utf-8"))
    except ValueError as error:
        raise ProtocolError("header is not JSON: %s" % error) from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not a JSON object")
    specs = _tensor_specs(header)
    sizes = [int(np.prod(shape, dtype=np.int64)) * dtype.itemsize for _, dtype, shape in specs]
    payload = _read_exact(stream, sum(sizes))
    if payload is None:
        return None
    tensors: Dict[str, np.ndarray] = {}
    offset = 0
    for (name, dtype, shape), size in zip(specs, sizes):
        values = np.frombuffer(payload, dtype=dtype, count=size // dtype.itemsize, offset=offset)
        tensors[name] = values.reshape(shape).astype(dtype.newbyteorder("="), copy=False)
        offset += size
    return header, tensors


def _result_frame(request_id: Any, output: Any) -> Tuple[Dict[str, Any], bytes]:
    array = np.asarray(output)
    if array.dtype.kind not in "fiub":
        raise TypeError("the function returned %s data; expected a float32 or float64 array" % array.dtype)
    dtype = "float32" if array.dtype == np.float32 else "float64"
    data = np.ascontiguousarray(array, dtype=DTYPES[dtype]).tobytes()
    tensor = {"name": "output", "dtype": dtype, "shape": [int(size) for size in array.shape]}
    return {"type": "result", "id": request_id, "tensors": [tensor]}, data


def _reply(fn: ConvTranspose, header: Request, tensors: Dict[str, np.ndarray]) -> Tuple[Dict[str, Any], bytes]:
    request_id = header.get("id")
    try:
        if "input" not in tensors or "weight" not in tensors:
            raise ValueError("the request has no 'input' or 'weight' tensor")
        output = fn(header, tensors["input"], tensors["weight"], tensors.get("bias"))
        return _result_frame(request_id, output)
    except Unsupported as reason:
        return {"type": "unsupported", "id": request_id, "reason": str(reason) or "unsupported"}, b""
    except Exception as error:  # the implementation rejected the call, as a framework raises
        traceback.print_exc(file=sys.stderr)
        return {"type": "error", "id": request_id, "message": _describe(error)}, b""


def _check_arguments(name: str, version: str, convention: str, layout: Optional[str], max_in_flight: int) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError("serve(): name must be a non-empty string")
    if not isinstance(version, str) or not version:
        raise ValueError("serve(): version must be a non-empty string")
    if convention not in CONVENTIONS:
        raise ValueError("serve(): convention must be one of %s, not %r" % (", ".join(CONVENTIONS), convention))
    if layout is not None and layout not in LAYOUTS:
        raise ValueError("serve(): layout must be one of %s or None, not %r" % (", ".join(LAYOUTS), layout))
    if type(max_in_flight) is not int or not 1 <= max_in_flight <= 1024:
        raise ValueError("serve(): max_in_flight must be an integer in 1..1024, not %r" % (max_in_flight,))


def serve(
    fn: ConvTranspose,
    *,
    name: str,
    version: str,
    convention: str = "canonical",
    layout: Optional[str] = None,
    max_in_flight: int = 1,
    setup: Optional[Callable[[], Any]] = None,
) -> NoReturn:
    """Runs the protocol loop on stdin/stdout with ``fn`` as the implementation; never returns.

    Args:
        fn: ``fn(request, x, w, b)`` returning the output array in ``request["layout"]``. ``x`` is
            the input, ``w`` the weight in the convention's layout (``[C, M/group, k...]``, or
            ``[k..., M, C]`` for ``tf``), ``b`` the bias ``[M]`` or None; all float32. Raise
            :class:`Unsupported` to decline a request; any other exception is an ``error`` reply.
        name: the implementation's name, shown in reports.
        version: its version string, recorded in reports.
        convention: ``"canonical"`` (tconv's resolved geometry: nothing left to interpret),
            ``"onnx"``, ``"tf"`` or ``"torch"`` (section 4 of docs/runner-protocol.md).
        layout: ``"channels_first"``, ``"channels_last"``, ``"case"`` or None (the convention's
            default: channels_last for ``tf``, channels_first otherwise).
        max_in_flight: how many requests tconv may queue before a reply (1..1024).
        setup: called (with stdout already redirected) before the hello, e.g. to import a
            library or load a device; if it raises, the hello carries the error and the process
            exits with status 1, and tconv reports the runner as unavailable.

    Exit status: 0 at end-of-file on stdin (or when tconv is gone), 1 after a hello with an
    error, 2 on an unreadable frame from tconv.
    """
    stream, out = _open_channels()
    try:
        _check_arguments(name, version, convention, layout, max_in_flight)
        if setup is not None:
            setup()
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        _write_frame(out, {"type": "hello", "protocol": PROTOCOL, "error": _describe(error)})
        sys.exit(1)
    hello: Dict[str, Any] = {
        "type": "hello",
        "protocol": PROTOCOL,
        "name": name,
        "version": version,
        "convention": convention,
        "max_in_flight": max_in_flight,
    }
    if layout is not None:
        hello["layout"] = layout
    try:
        _write_frame(out, hello)
        while True:
            frame = _read_frame(stream)
            if frame is None:
                sys.exit(0)
            header, tensors = frame
            if header.get("type") != "run":
                print("tconv_runner: ignoring a frame of type %r" % (header.get("type"),), file=sys.stderr)
                continue
            reply, payload = _reply(fn, header, tensors)
            _write_frame(out, reply, [payload] if payload else [])
    except ProtocolError as error:
        print("tconv_runner: protocol error in a frame from tconv: %s" % error, file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)  # tconv closed our stdout: it is gone or done
