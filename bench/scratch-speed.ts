import { buildGeometry } from '../src/geometry/build.js';
import { convTransposeReference, convTransposeReferenceParallel, shutdownReferenceWorkers } from '../src/reference/index.js';
const g = buildGeometry({ layout: 'NCHW', batch: 1, inChannels: 128, outChannels: 64, group: 1, hasBias: false,
  axes: [0, 1].map(() => ({ inputSize: 32, kernelSize: 4, stride: 2, dilation: 1, beginCrop: 1, outputSize: 64, outputPadding: 0 })),
  convention: { kind: 'torch', padding: [1, 1], outputPadding: [0, 0], outputSize: null } });
const input = Float32Array.from({ length: g.inputElements }, () => Math.random() - 0.5);
const weight = Float32Array.from({ length: g.weightElements }, () => Math.random() - 0.5);
const t = { input, weight, bias: null };
const par: number[] = [], syn: number[] = [];
for (let r = 0; r < 25; r++) {
  const t0 = performance.now();
  convTransposeReference(g, t, { withBounds: false });
  syn.push(performance.now() - t0);
}
const busy: number[] = [];
for (let r = 0; r < 25; r++) {
  const t0 = performance.now();
  await convTransposeReferenceParallel(g, t, { withBounds: false });
  par.push(performance.now() - t0);
  const b0 = performance.now(); let s = 0; while (performance.now() - b0 < 160) s += Math.random(); busy.push(s);
}
console.log('par', par.map((v) => v.toFixed(0)).join(' '));
console.log('syn', syn.map((v) => v.toFixed(0)).join(' '));
await shutdownReferenceWorkers();
