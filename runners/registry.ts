/**
 * Runners registered by name (one file each). Isolated runners execute in a child process that
 * imports the runner's module again by path, so each entry says where its Runner lives.
 */
import { fileURLToPath } from 'node:url';
import type { RunnerName } from '../src/case/schema.js';
import type { RunnerSource } from './host/protocol.js';
import { onnxruntimeRunner } from './onnxruntime.js';
import { onnxruntimeWebRunner } from './onnxruntime-web.js';
import { referenceRunner } from './reference.js';
import { tfjsCpuRunner } from './tfjs-cpu.js';
import { tfjsNodeRunner } from './tfjs-node.js';
import { tfjsWasmRunner } from './tfjs-wasm.js';
import { torchRunner } from './torch.js';
import type { Runner } from './types.js';

export interface RegisteredRunner {
  readonly runner: Runner;
  /** For isolated runners: the module and export the child process loads. */
  readonly source?: RunnerSource;
}

const sourceOf = (file: string, exportName: string): RunnerSource => ({
  modulePath: fileURLToPath(new URL(file, import.meta.url)),
  exportName,
});

const REGISTRY: ReadonlyMap<RunnerName, RegisteredRunner> = new Map<RunnerName, RegisteredRunner>([
  ['reference', { runner: referenceRunner }],
  ['tfjs-node', { runner: tfjsNodeRunner, source: sourceOf('./tfjs-node.ts', 'tfjsNodeRunner') }],
  ['onnxruntime', { runner: onnxruntimeRunner, source: sourceOf('./onnxruntime.ts', 'onnxruntimeRunner') }],
  [
    'onnxruntime-web',
    { runner: onnxruntimeWebRunner, source: sourceOf('./onnxruntime-web.ts', 'onnxruntimeWebRunner') },
  ],
  ['tfjs-cpu', { runner: tfjsCpuRunner, source: sourceOf('./tfjs-cpu.ts', 'tfjsCpuRunner') }],
  ['tfjs-wasm', { runner: tfjsWasmRunner, source: sourceOf('./tfjs-wasm.ts', 'tfjsWasmRunner') }],
  ['torch', { runner: torchRunner, source: sourceOf('./torch.ts', 'torchRunner') }],
]);

export function registeredRunners(): readonly RegisteredRunner[] {
  return [...REGISTRY.values()];
}

export function findRunner(name: string): RegisteredRunner | undefined {
  return REGISTRY.get(name as RunnerName);
}

export { sourceOf };
