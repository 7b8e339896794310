/**
 * The tfjs-node runner against real TensorFlow (@tensorflow/tfjs-node on libtensorflow): every
 * variant of each geometry must reproduce the float64 reference within the float32 error bound.
 * Native variants ('same' / 'valid') exercise TF's own padding rule; 'valid+crop', groups and
 * dilation are tconv's labelled emulations around TF's full output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tfjsNodeRunner } from '../runners/tfjs-node.js';
import { describeTfjsBackendRunner } from './helpers/tfjsRunnerSuite.js';

let version = '';
beforeAll(async () => {
  version = await tfjsNodeRunner.load();
});

describe('load', () => {
  it('reports the tfjs-node and libtensorflow versions', () => {
    expect(version).toMatch(/^tfjs-node 4\.22\.0 \(libtensorflow 2\.\d+\.\d+\)$/);
  });
});

// TF takes no explicit or numeric pads (tfjs-node rejects them). Its known divergences (below)
// need subnormal or non-finite data, which the suite's seeded tensors never hold.
const { runOneDimensional } = describeTfjsBackendRunner({
  runner: tfjsNodeRunner,
  tfjsPads: false,
  divergences: [],
  framework: 'TF',
});

/**
 * Where TF's results leave the float32 bound, pinned so a change shows up. Both are TF runtime
 * behaviour, not padding: the reference is right by the definition (sum of x[p]*w[q] over the
 * pairs with t = p*s + q*d, in IEEE float arithmetic).
 */
describe('known divergences (TF runtime, not padding)', () => {
  const run = runOneDimensional;

  // tensorflow/core/common_runtime/eager/kernel_and_device.cc, KernelAndDeviceOp::Run:
  // `port::ScopedFlushDenormal flush;` around every eager kernel (FTZ + DAZ on x86).
  it('TF flushes subnormal inputs to zero (DAZ): w = 1e-40 times x = 1e10 gives 0, not 1e-30', async () => {
    expect(await run([1e10, 1e10, 1], [1e-40, 1])).toEqual([0, 1e10, 0, 1e10, 0, 1]);
  });

  // With oneDNN (TF's default on x86), a non-finite weight tap meets an implicit zero (the stride
  // gap or the border) and gives NaN where the definition has no such product; TF's Eigen kernel
  // (TF_ENABLE_ONEDNN_OPTS=0) gives 3.
  it('oneDNN: an Inf weight makes NaN at an output no finite pair makes non-finite', async () => {
    const output = await run([1, 2, 3], [Infinity, 1, 1], { kernel: [3] });
    expect(output.slice(0, 6)).toEqual([Infinity, 1, Infinity, 2, Infinity, 3]);
    expect(output[6]).toBe(process.env['TF_ENABLE_ONEDNN_OPTS'] === '0' ? 3 : Number.NaN);
  });

  it('the dilation emulation is exact for finite inputs only (labelled): Inf x inserted zero = NaN', async () => {
    const output = await run([Infinity, 2, 3], [1, 1], { strides: 1, dilations: 3 });
    expect(output).toEqual([Infinity, Number.NaN, Number.NaN, Infinity, 2, 3]);
  });
});
