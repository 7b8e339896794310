/**
 * ONNX Runtime's WebAssembly build (onnxruntime-web, 'wasm' execution provider) running in Node:
 * the same one-node ConvTranspose models and ONNX spellings (variants) as the native runner
 * (runners/onnxruntime.ts), executed by the CPU kernels compiled to WebAssembly.
 * Single-threaded: wasm threads need SharedArrayBuffer workers, and one thread fixes how the
 * work is split. The .wasm and its Emscripten loader come from the installed package's dist
 * folder (file: URLs), never from a CDN. Isolated, like the native runner.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as OrtWebModule from 'onnxruntime-web';
import type { InferenceSession } from 'onnxruntime-web';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import type { CaseTensors } from '../src/tensor.js';
import { onnxPlan } from './onnx/call.js';
import { executeOnnxBatch } from './onnx/batch.js';
import { executeOnnx, type OnnxEngine } from './onnx/execute.js';
import { buildConvTransposeModel } from './onnx/model.js';
import { messageOf, sessionCache } from './onnx/session.js';
import type { ExecuteResult, Expression, Runner } from './types.js';

export type OrtWeb = typeof OrtWebModule;

/** The package's dist folder as a file: URL prefix (where ort-wasm-simd-threaded.{mjs,wasm} are). */
export function ortWebWasmPaths(): string {
  // The package exports no package.json; its CommonJS entry lives in dist/.
  const entry = createRequire(import.meta.url).resolve('onnxruntime-web');
  return `${pathToFileURL(dirname(entry)).href}/`;
}

export const WEB_THREADS = 1;

/**
 * Like the native SESSION_OPTIONS: sequential, ORT's default optimisation level, fatal-only
 * logging. The thread count is the process-wide env.wasm.numThreads, not a session option.
 */
export const WEB_SESSION_OPTIONS: InferenceSession.SessionOptions = {
  executionProviders: ['wasm'],
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 4,
};

/** onnxruntime-web logs a failing kernel at the run's severity (to stderr), not the session's. */
export const WEB_RUN_OPTIONS: InferenceSession.RunOptions = { logSeverityLevel: 4 };

/**
 * Imports onnxruntime-web, configures its wasm backend and initialises it: the backend starts
 * with the first session, so a 1-element ConvTranspose is created and run (y = x * w) here.
 * Not cached: the runner keeps one (loadOrtWeb); tests call it with other paths.
 */
export async function initialiseOrtWeb(wasmPaths: string = ortWebWasmPaths()): Promise<OrtWeb> {
  let ort: OrtWeb;
  try {
    ort = await import('onnxruntime-web');
  } catch (error) {
    throw new Error(`onnxruntime-web cannot be loaded: ${messageOf(error)}`);
  }
  ort.env.wasm.numThreads = WEB_THREADS;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = wasmPaths;
  try {
    const probe = await ort.InferenceSession.create(
      buildConvTransposeModel(
        { kernel_shape: [1], strides: [1], dilations: [1], group: 1, pads: [0, 0] },
        { X: [1, 1, 1], W: [1, 1, 1], B: null },
      ),
      WEB_SESSION_OPTIONS,
    );
    const feeds = {
      X: new ort.Tensor('float32', Float32Array.of(3), [1, 1, 1]),
      W: new ort.Tensor('float32', Float32Array.of(2), [1, 1, 1]),
    };
    const { Y } = await probe.run(feeds, WEB_RUN_OPTIONS);
    await probe.release();
    if (Y?.data[0] !== 6) throw new Error(`the probe ConvTranspose returned ${String(Y?.data[0])}, not 6`);
  } catch (error) {
    throw new Error(
      `onnxruntime-web cannot initialise its WebAssembly backend (wasm files from ${wasmPaths}): ${messageOf(error)}`,
    );
  }
  return ort;
}

let ortWeb: Promise<OrtWeb> | undefined;

/** The initialised onnxruntime-web, once per process; a failure is retried on the next call. */
export function loadOrtWeb(): Promise<OrtWeb> {
  ortWeb ??= initialiseOrtWeb().catch((error: unknown) => {
    ortWeb = undefined;
    throw error;
  });
  return ortWeb;
}

const createWebSession = (bytes: Uint8Array): Promise<InferenceSession> =>
  loadOrtWeb().then((ort) => ort.InferenceSession.create(bytes, WEB_SESSION_OPTIONS));

const webSessions = sessionCache<InferenceSession>(createWebSession);

/** The cached onnxruntime-web session for these model bytes; a rejected creation is not cached. */
export const webSessionFor = webSessions.sessionFor;
export const cachedWebSessionCount = (): number => webSessions.size();

const engine: OnnxEngine = {
  name: 'onnxruntime-web',
  load: loadOrtWeb,
  sessionFor: webSessionFor,
  createSession: createWebSession,
  runOptions: WEB_RUN_OPTIONS,
};

export const onnxruntimeWebRunner: Runner = {
  name: 'onnxruntime-web',
  isolated: true,
  plan: onnxPlan,
  load: async () => {
    const ort = await loadOrtWeb();
    return `onnxruntime-web ${ort.env.versions.web ?? '?'} (wasm, ${WEB_THREADS} thread)`;
  },
  execute: (geometry: ConvTransposeGeometry, expression: Expression, tensors: CaseTensors): Promise<ExecuteResult> =>
    executeOnnx(engine, geometry, expression, tensors),
  executeBatch: (requests) => executeOnnxBatch(engine, requests),
};
