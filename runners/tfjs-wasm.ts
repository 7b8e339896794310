/**
 * TensorFlow.js's WebAssembly backend (@tensorflow/tfjs-backend-wasm) in Node, single-threaded,
 * loading the .wasm binary that ships in the npm package from disk (setWasmPaths with a file
 * path; nothing is fetched). Same variants as tfjs-cpu: its Conv2DBackpropInput kernel reads the
 * pads through the same tfjs-core conv_util, so it takes numeric and explicit pads too.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { firstLine, tfjsBackendRunner } from './tfjs/runner.js';
import type { Runner } from './types.js';

type TfCore = typeof tfc;
type TfWasm = typeof tfWasm;

/** The package's dist folder, which holds tfjs-backend-wasm{,-simd,-threaded-simd}.wasm. */
function wasmDirectory(): string {
  const main = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return path.dirname(main) + path.sep;
}

async function initialiseWasm(): Promise<{ tf: TfCore; version: string }> {
  try {
    const module = await import('@tensorflow/tfjs-core');
    const tf = (module.default as TfCore | undefined) ?? module;
    const imported = await import('@tensorflow/tfjs-backend-wasm'); // registers the 'wasm' backend
    const wasm = (imported.default as TfWasm | undefined) ?? imported;
    const directory = wasmDirectory();
    if (!existsSync(path.join(directory, 'tfjs-backend-wasm.wasm')))
      throw new Error(`no tfjs-backend-wasm.wasm in ${directory}`);
    // A file path: in Node the Emscripten loader reads it with fs (no fetch).
    wasm.setWasmPaths(directory);
    // tfjs already reports no threads in Node (tfjs issue #3830); say so, and use one.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
    await tf.ready();
    const threads = wasm.getThreadsCount();
    if (threads !== 1) throw new Error(`expected 1 thread, the backend runs ${threads}`);
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    const core = tf.version_core === wasm.version_wasm ? '' : `, tfjs-core ${tf.version_core}`;
    return { tf, version: `tfjs-wasm ${wasm.version_wasm} (1 thread${simd ? ', SIMD' : ''}${core})` };
  } catch (error) {
    throw new Error(`tfjs-wasm cannot be initialised (@tensorflow/tfjs-backend-wasm): ${firstLine(error)}`);
  }
}

export const tfjsWasmRunner: Runner = tfjsBackendRunner({
  name: 'tfjs-wasm',
  backend: 'wasm',
  initialise: initialiseWasm,
});
