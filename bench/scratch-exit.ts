import { buildGeometry } from '../src/geometry/build.js';
import { convTransposeReferenceParallel } from '../src/reference/index.js';
const g = buildGeometry({ layout: 'NCHW', batch: 1, inChannels: 128, outChannels: 64, group: 1, hasBias: false,
  axes: [0, 1].map(() => ({ inputSize: 32, kernelSize: 4, stride: 2, dilation: 1, beginCrop: 1, outputSize: 64, outputPadding: 0 })),
  convention: { kind: 'torch', padding: [1, 1], outputPadding: [0, 0], outputSize: null } });
const input = Float32Array.from({ length: g.inputElements }, () => Math.random() - 0.5);
const weight = Float32Array.from({ length: g.weightElements }, () => Math.random() - 0.5);
const r = await convTransposeReferenceParallel(g, { input, weight, bias: null });
console.log('done', r.output.length);
