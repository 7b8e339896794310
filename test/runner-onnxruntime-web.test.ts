/**
 * The onnxruntime-web runner against real onnxruntime-web (the WebAssembly build, 'wasm'
 * execution provider, one thread) in Node: every ONNX spelling (variant) of each geometry must
 * reproduce the float64 reference within the float32 error bound. Where the web build departs
 * from the ONNX spec the departure is pinned in the shared ONNX_DIVERGENCES
 * (test/helpers/onnxRunnerSuite.ts), and every variant's status and shape
 * is also checked against the native build (onnxruntime-node, CPU), so a change in either build
 * shows up here.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunnerProcess } from '../runners/host/process.js';
import { variantModel } from '../runners/onnx/execute.js';
import { onnxruntimeRunner } from '../runners/onnxruntime.js';
import {
  cachedWebSessionCount,
  onnxruntimeWebRunner,
  ortWebWasmPaths,
  webSessionFor,
} from '../runners/onnxruntime-web.js';
import {
  describeOnnxSpellings,
  itReusesSessions,
  itThrowsForUnspelledVariant,
  ONNX_CASES,
  setupOnnxCase,
} from './helpers/onnxRunnerSuite.js';
import { expectOk, geometryOf, outOfBound } from './helpers/runnerChecks.js';

const fetchCalls: string[] = [];

beforeAll(async () => {
  // Nothing may touch the network: the .mjs loader and the .wasm come from the package's dist/.
  vi.stubGlobal('fetch', (input: unknown) => {
    fetchCalls.push(String(input));
    return Promise.reject(new Error('network access in a test'));
  });
  expect(await onnxruntimeWebRunner.load()).toMatch(/^onnxruntime-web 1\.30\.\d+ \(wasm, 1 thread\)$/);
});

afterAll(() => {
  vi.unstubAllGlobals();
});

describe('loading', () => {
  it('loads the wasm backend from the package, single-threaded, without fetching anything', async () => {
    const ort = await import('onnxruntime-web');
    expect(ort.env.wasm.numThreads).toBe(1);
    expect(ort.env.wasm.proxy).toBe(false);
    expect(ort.env.wasm.wasmPaths).toBe(ortWebWasmPaths());
    expect(ortWebWasmPaths()).toMatch(/^file:\/\/.*\/node_modules\/onnxruntime-web\/dist\/$/);
    expect(fetchCalls).toEqual([]);
  });

  it('throws a clear error when the wasm backend cannot be initialised (fresh process)', async () => {
    const runnerPath = fileURLToPath(new URL('../runners/onnxruntime-web.ts', import.meta.url));
    const script =
      `const { initialiseOrtWeb } = await import(${JSON.stringify(runnerPath)});` +
      `try { await initialiseOrtWeb('file:///nonexistent-tconv/'); console.log('initialised'); }` +
      `catch (error) { console.log(error.message); }`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script],
      { timeout: 60_000 },
    );
    expect(stdout.trim()).toMatch(
      /^onnxruntime-web cannot initialise its WebAssembly backend \(wasm files from file:\/\/\/nonexistent-tconv\/\): no available backend found\. ERR: \[wasm\] Error: Cannot find module '\/nonexistent-tconv\/ort-wasm-simd-threaded\.mjs'/,
    );
  });

  it('loads and executes in a runner child process (runners/host)', async () => {
    const child = new RunnerProcess(
      {
        modulePath: fileURLToPath(new URL('../runners/onnxruntime-web.ts', import.meta.url)),
        exportName: 'onnxruntimeWebRunner',
      },
      { timeoutMs: 60_000 },
    );
    try {
      expect(await child.start()).toMatch(/^onnxruntime-web 1\.30\.\d+ \(wasm, 1 thread\)$/);
      const { geometry, tensors, expressions } = setupOnnxCase(onnxruntimeWebRunner, 'nhwc');
      const outcome = await child.run(geometry, expressions[0]!, tensors);
      expect(outcome.kind).toBe('result');
      if (outcome.kind !== 'result') return;
      expectOk(outcome.result, 'onnxruntime-web');
      expect(outcome.result.shape).toEqual(geometry.outputShape);
      expect(outOfBound(geometry, tensors, outcome.result.output)).toEqual([]);
    } finally {
      await child.close();
    }
  });
});

// The web build wraps a kernel's run-time error in an OrtRun prefix (onnxruntime-web's binding).
describeOnnxSpellings({
  runner: onnxruntimeWebRunner,
  label: 'web',
  errorPrefix: 'failed to call OrtRun(). ERROR_CODE: 2, ERROR_MESSAGE: ',
});

describe('the web build against the native build (onnxruntime-node, CPU)', () => {
  it('plans the same variants with the same native calls', () => {
    for (const [name, spec] of Object.entries(ONNX_CASES)) {
      const geometry = geometryOf(spec, name);
      expect(onnxruntimeWebRunner.plan(geometry), name).toEqual(onnxruntimeRunner.plan(geometry));
    }
  });

  it('gives the same status and shape for every variant, and the same ORT message after the wasm prefix', async () => {
    expect(await onnxruntimeRunner.load()).toMatch(/^onnxruntime-node 1\.30\.\d+$/);
    for (const name of Object.keys(ONNX_CASES)) {
      const { geometry, tensors, expressions } = setupOnnxCase(onnxruntimeWebRunner, name);
      for (const expression of expressions) {
        const key = `${name}/${expression.variant}`;
        const web = await onnxruntimeWebRunner.execute(geometry, expression, tensors);
        const native = await onnxruntimeRunner.execute(geometry, expression, tensors);
        expect(web.status, key).toBe(native.status);
        if (web.status === 'ok' && native.status === 'ok') expect(web.shape, key).toEqual(native.shape);
        if (web.status === 'error' && native.status === 'error')
          expect(web.message.replace(/^failed to call OrtRun\(\)\. ERROR_CODE: \d+, ERROR_MESSAGE: /, ''), key).toBe(
            native.message,
          );
      }
    }
  });
});

describe('determinism', () => {
  it('gives the same float32 bits on every run (one thread)', async () => {
    const { geometry, tensors, expressions } = setupOnnxCase(onnxruntimeWebRunner, 'groups-m-per-group-3');
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await onnxruntimeWebRunner.execute(geometry, expressions[0]!, tensors));
    const bits = runs.map((result) => {
      expectOk(result, 'onnxruntime-web');
      return Buffer.from(new Float32Array(result.output).buffer).toString('base64');
    });
    expect(new Set(bits).size).toBe(1);
  });
});

describe('sessions and errors', () => {
  itReusesSessions({
    runner: onnxruntimeWebRunner,
    model: (geometry, variant) => variantModel('onnxruntime-web', geometry, variant),
    sessionFor: webSessionFor,
    cachedSessionCount: cachedWebSessionCount,
  });

  it('rejects a session ORT cannot create, and does not cache it', async () => {
    const count = cachedWebSessionCount();
    // Not an ONNX model: no planned variant builds one, so only the cache can be checked with it.
    await expect(webSessionFor(Uint8Array.of(1, 2, 3))).rejects.toThrow(/^Can't create a session\. ERROR_CODE: /);
    expect(cachedWebSessionCount()).toBe(count);
  });

  itThrowsForUnspelledVariant(onnxruntimeWebRunner, /^onnxruntime-web: no expressible ONNX spelling 'auto_pad=NOPE'/);
});
