import { buildGeometry } from "../src/geometry/build.js";
import { buildReferenceJobs } from "../src/reference/reference.js";
import { plainFloat64 } from "../src/reference/plan.js";
import { computeTermCounts } from "../src/reference/bounds.js";
const g = buildGeometry({
  layout: "NCHW",
  batch: 1,
  inChannels: 128,
  outChannels: 64,
  group: 1,
  hasBias: false,
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
for (let r = 0; r < 6; r++) {
  const t0 = performance.now();
  buildReferenceJobs(g, { input, weight, bias: null }, false, plainFloat64);
  const t1 = performance.now();
  computeTermCounts(g);
  console.log(
    "plan",
    (t1 - t0).toFixed(2),
    "terms",
    (performance.now() - t1).toFixed(2),
  );
}
