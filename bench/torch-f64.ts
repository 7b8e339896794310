/**
 * PyTorch's conv_transpose in float64, the reference's natural peer (both accumulate in float64),
 * timed inside its own Python process (bench/torch_f64.py) with `torch.set_num_threads(cores)`,
 * so that neither the bridge nor the transfer of the output is counted.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { channelsFirstToLast, channelsLastToFirst } from '../src/layout.js';
import { choosePython } from '../runners/torch/python.js';
import type { BenchImplementation, BenchOutput, PreparedRun } from './implementations.js';
import type { BenchLayer } from './layers.js';

const SCRIPT = join(import.meta.dirname, 'torch_f64.py');

/** torch's padding and output_padding for the geometry, or null when torch cannot spell it. */
function torchAttributes(geometry: ConvTransposeGeometry): { padding: number[]; outputPadding: number[] } | null {
  const padding = geometry.axes.map((axis) => axis.beginCrop);
  const outputPadding = geometry.axes.map((axis, index) => {
    const full = (axis.inputSize - 1) * axis.stride - 2 * padding[index]! + axis.dilation * (axis.kernelSize - 1) + 1;
    return axis.outputSize - full;
  });
  const spellable = geometry.axes.every(
    (axis, index) => outputPadding[index]! >= 0 && outputPadding[index]! < Math.max(axis.stride, axis.dilation),
  );
  return spellable ? { padding, outputPadding } : null;
}

/** One Python process per layer, answering one JSON line per command. */
class TorchProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly replies: string[] = [];
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | null = null;
  private stderr = '';
  private exited: Error | null = null;

  constructor(spec: object) {
    this.child = spawn(choosePython().executable, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => {
      const waiting = this.waiting;
      this.waiting = null;
      if (waiting === null) this.replies.push(line);
      else waiting.resolve(line);
    });
    this.child.on('exit', (code) => {
      this.exited = new Error(`torch_f64.py exited (${code}): ${this.stderr.trim()}`);
      this.waiting?.reject(this.exited);
      this.waiting = null;
    });
    this.child.stdin.write(JSON.stringify(spec) + '\n');
  }

  async reply(): Promise<Record<string, unknown>> {
    const line =
      this.replies.shift() ??
      (await new Promise<string>((resolve, reject) => {
        if (this.exited !== null) reject(this.exited);
        else this.waiting = { resolve, reject };
      }));
    return JSON.parse(line) as Record<string, unknown>;
  }

  async command(command: object): Promise<Record<string, unknown>> {
    this.child.stdin.write(JSON.stringify(command) + '\n');
    return this.reply();
  }

  close(): void {
    this.lines.close();
    this.child.stdin.end();
    this.child.kill();
  }
}

async function prepare(layer: BenchLayer): Promise<PreparedRun | null> {
  const { geometry, tensors } = layer;
  const attributes = torchAttributes(geometry);
  if (attributes === null) return null;
  const { batch, inChannels, outChannels } = geometry;
  const directory = mkdtempSync(join(tmpdir(), 'tconv-bench-torch-'));
  const file = (name: string, data: Float32Array): string => {
    const path = join(directory, `${name}.f32`);
    writeFileSync(path, data);
    return path;
  };
  const input = geometry.channelsLast ? channelsLastToFirst(tensors.input, batch, inChannels) : tensors.input;
  const inputShape = [batch, inChannels, ...geometry.axes.map((axis) => axis.inputSize)];
  const weightShape = [inChannels, geometry.outChannelsPerGroup, ...geometry.axes.map((axis) => axis.kernelSize)];
  const torch = new TorchProcess({
    threads: availableParallelism(),
    input: { path: file('input', input), shape: inputShape },
    weight: { path: file('weight', tensors.weight), shape: weightShape },
    bias: tensors.bias === null ? null : { path: file('bias', tensors.bias), shape: [outChannels] },
    stride: geometry.axes.map((axis) => axis.stride),
    padding: attributes.padding,
    output_padding: attributes.outputPadding,
    dilation: geometry.axes.map((axis) => axis.dilation),
    groups: geometry.group,
  });
  await torch.reply();
  let lastMs = Number.NaN;
  const outputPath = join(directory, 'output.f64');
  return {
    run: async (): Promise<BenchOutput> => {
      lastMs = (await torch.command({ op: 'run' })).ms as number;
      await torch.command({ op: 'output', path: outputPath });
      // Copied: a Buffer's offset need not be a multiple of 8.
      return new Float64Array(Uint8Array.from(readFileSync(outputPath)).buffer);
    },
    selfTimedMs: () => lastMs,
    inLayerLayout: (output) =>
      geometry.channelsLast ? channelsFirstToLast(output as Float64Array, batch, outChannels) : output,
    dispose: () => {
      torch.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export const torchFloat64: BenchImplementation = {
  key: 'torch_f64',
  name: 'torch float64 (own process)',
  prepare,
};
