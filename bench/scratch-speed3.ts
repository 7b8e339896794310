import { buildGeometry } from "../src/geometry/build.js";
import { buildKernelJob, plainFloat64 } from "../src/reference/plan.js";
import { runKernelRows, kernelRowCount } from "./scratch-kernel3.js";
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
for (let r = 0; r < 8; r++) {
  const t0 = performance.now();
  const job = buildKernelJob(
    g,
    { input, weight, bias: null },
    {
      absolute: false,
      allocate: plainFloat64,
      output: new Float64Array(g.outputElements),
    },
  );
  const t1 = performance.now();
  runKernelRows(job, 0, kernelRowCount(job));
  const t2 = performance.now();
  console.log("plan", (t1 - t0).toFixed(1), "kernel", (t2 - t1).toFixed(1));
}
