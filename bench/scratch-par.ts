import { buildGeometry } from "../src/geometry/build.js";
import {
  convTransposeReference,
  convTransposeReferenceParallel,
  shutdownReferenceWorkers,
} from "../src/reference/index.js";
const g = buildGeometry({
  layout: "NCHW",
  batch: 1,
  inChannels: 128,
  outChannels: 64,
  group: 1,
  hasBias: true,
  axes: [0, 1].map(() => ({
    inputSize: 32,
    kernelSize: 4,
    stride: 2,
    dilation: 1,
    beginCrop: 1,
    outputSize: 64,
    outputPadding: 0,
  })),
  convention: {
    kind: "torch",
    padding: [1, 1],
    outputPadding: [0, 0],
    outputSize: null,
  },
});
const input = Float32Array.from(
  { length: g.inputElements },
  () => Math.random() - 0.5,
);
const weight = Float32Array.from(
  { length: g.weightElements },
  () => Math.random() - 0.5,
);
const bias = Float32Array.from({ length: 64 }, () => Math.random() - 0.5);
const t = { input, weight, bias };
for (const withBounds of [false, true])
  for (let r = 0; r < 6; r++) {
    const t0 = performance.now();
    const a = convTransposeReference(g, t, { withBounds });
    const t1 = performance.now();
    const b = await convTransposeReferenceParallel(g, t, { withBounds });
    const t2 = performance.now();
    let same = a.output.every((v, i) => Object.is(v, b.output[i]));
    console.log(
      withBounds,
      "sync",
      (t1 - t0).toFixed(1),
      "par",
      (t2 - t1).toFixed(1),
      same,
    );
  }
await shutdownReferenceWorkers();
