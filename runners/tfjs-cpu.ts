/**
 * TensorFlow.js's pure-JavaScript CPU backend (@tensorflow/tfjs-core + @tensorflow/tfjs-backend-cpu)
 * in the tconv child process. Variants: tfjs-node's ('same' / 'valid' where TF's own padding
 * reproduces the geometry, else 'valid+crop'), plus 'explicit-pads' and 'numeric-pad', the tfjs
 * pads tfjs-node rejects (runners/tfjs/pads.ts). Groups and dilation are the same labelled
 * emulations. tfjs does not check outputShape against x for these pads, so tconv does first.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { firstLine, tfjsBackendRunner } from './tfjs/runner.js';
import type { Runner } from './types.js';

type TfCore = typeof tfc;

async function initialiseCpu(): Promise<{ tf: TfCore; version: string }> {
  try {
    const module = await import('@tensorflow/tfjs-core');
    // Node gives a CommonJS module as `default`; tsx's interop (the module sets __esModule) does not.
    const tf = (module.default as TfCore | undefined) ?? module;
    const cpu = await import('@tensorflow/tfjs-backend-cpu'); // registers the 'cpu' backend
    if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') returned false");
    await tf.ready();
    const backendVersion = (cpu.default as typeof cpu | undefined)?.version_cpu ?? cpu.version_cpu;
    const core = tf.version_core === backendVersion ? '' : ` (tfjs-core ${tf.version_core})`;
    return { tf, version: `tfjs-cpu ${backendVersion}${core}` };
  } catch (error) {
    throw new Error(
      `tfjs-cpu cannot be initialised (@tensorflow/tfjs-core, @tensorflow/tfjs-backend-cpu): ${firstLine(error)}`,
    );
  }
}

export const tfjsCpuRunner: Runner = tfjsBackendRunner({ name: 'tfjs-cpu', backend: 'cpu', initialise: initialiseCpu });
