/**
 * Runners registered by name (one file each). Isolated runners execute in a child process that
 * imports the runner's module again by path, so each entry says where its Runner lives.
 */
import { fileURLToPath } from 'node:url';
import type { RunnerName } from '../src/case/schema.js';
import { MODULE_EXTENSION } from '../src/paths.js';
import type { RunnerSource } from './host/protocol.js';
import { onnxruntimeRunner } from './onnxruntime.js';
import { onnxruntimeWebRunner } from './onnxruntime-web.js';
import { referenceRunner } from './reference.js';
import { tfjsCpuRunner } from './tfjs-cpu.js';
import { tfjsNodeRunner } from './tfjs-node.js';
import { tfjsWasmRunner } from './tfjs-wasm.js';
import { openTorchSession, torchRunner } from './torch.js';
import type { Runner } from './types.js';
import type { RunnerSession } from '../src/run/session.js';

export interface RegisteredRunner {
  readonly runner: Runner;
  /** For isolated runners: the module and export the child process loads. */
  readonly source?: RunnerSource;
  /** Runners that open their own sessions (external processes: runners/external/). */
  readonly open?: (options: { readonly timeoutMs: number }) => Promise<RunnerSession>;
}

/** `file` names the source (.ts); the compiled build loads its .js twin beside this module. */
const sourceOf = (file: string, exportName: string): RunnerSource => ({
  modulePath: fileURLToPath(new URL(file.replace(/\.ts$/, MODULE_EXTENSION), import.meta.url)),
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
  ['torch', { runner: torchRunner, open: openTorchSession }],
]);

/** Runners registered for this process (`--runner-exec`, `--runner-module`), in order. */
const REGISTERED = new Map<RunnerName, RegisteredRunner>();

/** Adds a runner under its name; a name already taken is a harness bug (the CLI checks first). */
export function registerRunner(entry: RegisteredRunner): void {
  const name = entry.runner.name;
  if (REGISTRY.has(name) || REGISTERED.has(name)) throw new Error(`runner '${name}' is already registered`);
  REGISTERED.set(name, entry);
}

/** Forgets the registered runners (tests). */
export function clearRegisteredRunners(): void {
  REGISTERED.clear();
}

/** Every runner: the built-ins, then those registered for this process. */
export function registeredRunners(): readonly RegisteredRunner[] {
  return [...REGISTRY.values(), ...REGISTERED.values()];
}

export function findRunner(name: string): RegisteredRunner | undefined {
  return REGISTRY.get(name) ?? REGISTERED.get(name);
}

export const isBuiltinRunner = (name: string): boolean => REGISTRY.has(name);

export { sourceOf };
