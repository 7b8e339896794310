/**
 * The worker path under tsx (esbuild with keepNames, unlike vitest's transform): the shipped
 * kernel source must run there too. Spawns tsx on a tiny script that compares both entries.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function scriptSource(): string {
  const url = (path: string): string => pathToFileURL(join(root, path)).href;
  return `
import { buildGeometry } from '${url('src/geometry/build.ts')}';
import { convTransposeReference, convTransposeReferenceParallel } from '${url('src/reference/index.ts')}';
import { referenceWorkerTasks } from '${url('src/reference/workers.ts')}';
const axis = { inputSize: 9, kernelSize: 4, stride: 2, dilation: 1, beginCrop: 1, outputSize: 18, outputPadding: 0 };
const geometry = buildGeometry({
  layout: 'NCHW', batch: 1, inChannels: 12, outChannels: 8, group: 1, hasBias: true, axes: [axis, axis],
  convention: { kind: 'torch', padding: [1, 1], outputPadding: [0, 0], outputSize: null },
});
const fill = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898));
const tensors = { input: fill(geometry.inputElements), weight: fill(geometry.weightElements), bias: fill(8) };
const sync = convTransposeReference(geometry, tensors);
const parallel = await convTransposeReferenceParallel(geometry, tensors, { minParallelWork: 0, threads: 2 });
const same = Buffer.from(sync.output.buffer).equals(Buffer.from(parallel.output.buffer));
console.log(JSON.stringify({ workerTasks: referenceWorkerTasks(), same }));
`;
}

it('runs the worker path under tsx, bit-identical to the sync entry', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tconv-reference-'));
  try {
    const script = join(directory, 'workers-under-tsx.mts');
    writeFileSync(script, scriptSource());
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const stdout = execFileSync(tsx, [script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ workerTasks: 2, same: true });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}, 30_000);
