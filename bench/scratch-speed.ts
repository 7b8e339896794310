import { buildGeometry } from '../src/geometry/build.js';
import { buildKernelJob, plainFloat64 } from '../src/reference/plan.js';
import { runKernelRows, kernelRowCount } from '../src/reference/kernel.js';
const g = buildGeometry({ layout: 'NCHW', batch: 1, inChannels: 128, outChannels: 64, group: 1, hasBias: false,
  axes: [0, 1].map(() => ({ inputSize: 32, kernelSize: 4, stride: 2, dilation: 1, beginCrop: 1, outputSize: 64, outputPadding: 0 })),
  convention: { kind: 'torch', padding: [1, 1], outputPadding: [0, 0], outputSize: null } });
const input = Float32Array.from({ length: g.inputElements }, () => Math.random() - 0.5);
const weight = Float32Array.from({ length: g.weightElements }, () => Math.random() - 0.5);
const job = buildKernelJob(g, { input, weight, bias: null }, { absolute: false, allocate: plainFloat64, output: new Float64Array(g.outputElements) });
const cpu: number[] = [];
for (let r = 0; r < 15; r++) {
  const c0 = process.cpuUsage();
  runKernelRows(job, 0, kernelRowCount(job));
  const c1 = process.cpuUsage(c0);
  cpu.push((c1.user + c1.system) / 1000);
}
cpu.sort((a, b) => a - b);
console.log('kernel cpu ms min', cpu[0]!.toFixed(1), 'median', cpu[7]!.toFixed(1), 'GMAC/s', (134217728 / cpu[0]! / 1e6).toFixed(2));
