import { buildGeometry } from "../src/geometry/build.js";
import { buildReferenceJobs } from "../src/reference/reference.js";
import { plainFloat64, sharedFloat64 } from "../src/reference/plan.js";
import { runKernelRows, kernelRowCount } from "../src/reference/kernel.js";
import {
  runJobsOnWorkers,
  shutdownReferenceWorkers,
} from "../src/reference/workers.js";
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
const t = { input, weight, bias: null };
for (let r = 0; r < 5; r++) {
  for (const [name, alloc] of [
    ["plain", plainFloat64],
    ["sab", sharedFloat64],
  ] as const) {
    const jobs = buildReferenceJobs(g, t, false, alloc);
    const t0 = performance.now();
    runKernelRows(jobs.value, 0, kernelRowCount(jobs.value));
    console.log(name, (performance.now() - t0).toFixed(1));
  }
  const jobs = buildReferenceJobs(g, t, false, sharedFloat64);
  for (const threads of [1, 2]) {
    const t0 = performance.now();
    await runJobsOnWorkers([jobs.value], [kernelRowCount(jobs.value)], threads);
    console.log("workers", threads, (performance.now() - t0).toFixed(1));
  }
}
await shutdownReferenceWorkers();
