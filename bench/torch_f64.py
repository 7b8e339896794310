"""PyTorch float64 peer for bench/torch-f64.ts: times conv_transpose in its own process.

Reads one JSON spec line (shapes, attributes, paths of the float32 operands, threads), replies
{"ready": ...}, then answers each {"op": "run"} with {"ms": wall time of one call measured here,
with time.perf_counter} and {"op": "output", "path": P} by writing the last output (float64,
NC... layout) to P. The timing covers the float64 call alone: the operands are converted to
float64 once, before the first run, as the reference's callers hand it float32 tensors and it
converts them itself (so the reference's timing includes a conversion this one does not).
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

spec = json.loads(sys.stdin.readline())
torch.set_num_threads(spec["threads"])


def load(name):
    return torch.from_numpy(np.fromfile(spec[name]["path"], dtype=np.float32).reshape(spec[name]["shape"])).double()


x = load("input")
w = load("weight")
b = load("bias") if spec.get("bias") else None
conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[x.dim() - 2]
attributes = {key: tuple(spec[key]) for key in ("stride", "padding", "output_padding", "dilation")}
y = None
print(json.dumps({"ready": True, "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
with torch.no_grad():
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "run":
            start = time.perf_counter()
            y = conv(x, w, b, groups=spec["groups"], **attributes)
            ms = (time.perf_counter() - start) * 1000
            print(json.dumps({"ms": ms}), flush=True)
        elif command["op"] == "output":
            y.numpy().astype(np.float64).tofile(command["path"])
            print(json.dumps({"ok": True}), flush=True)
