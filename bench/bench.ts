/**
 * Times the native reference against other implementations on realistic layers, side by side:
 * `npx tsx bench/bench.ts [--json] [--reps N] [--warmup N] [--burst N] [--layers dcgan,small]
 * [--implementations reference,tfjs_cpu]`.
 * Each repetition runs every implementation in turn (interleaved, so machine noise hits all
 * alike), as a short burst of back-to-back calls of which only the last is timed: the first call
 * after sitting idle while the others ran measures waking up, not computing (PyTorch's float64
 * DCGAN call took 17-32 ms after an idle pause and 4.4 ms from the second call of a burst,
 * measured on this 2-core VM). The figure is the median over repetitions. Every output is checked against the float64 reference (max |diff|
 * and the float32 error bound) so the timings compare equal work.
 */
import { availableParallelism, loadavg } from 'node:os';
import { convTransposeReference, float32ErrorBound, shutdownReferenceWorkers } from '../src/reference/index.js';
import type { ReferenceResult } from '../src/reference/index.js';
import {
  BASELINE_KEY,
  BENCH_IMPLEMENTATIONS,
  PEER_KEYS,
  REFERENCE_KEYS,
  type BenchImplementation,
  type BenchOutput,
  type PreparedRun,
} from './implementations.js';
import { benchLayers, type BenchLayer } from './layers.js';
import { measureFuzzThroughput, type ThroughputResult } from '../src/fuzz/throughput.js';
import { measurePeak, type MachinePeak } from './peak.js';
import { externalThroughput } from './external.js';
import { measureRunScale } from './scale.js';
import { cliStart } from './start.js';

interface BenchOptions {
  readonly json: boolean;
  readonly reps: number;
  readonly warmup: number;
  /** Calls per implementation and repetition, back to back; the last one is timed. */
  readonly burst: number;
  readonly layers: readonly string[] | null;
  /** Implementation keys to run (all when null). */
  readonly implementations: readonly string[] | null;
  /** Skip the fuzz throughput measurement (--no-fuzz). */
  readonly noFuzz: boolean;
}

interface Measurement {
  readonly layer: BenchLayer;
  readonly implementation: BenchImplementation;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxAbsDiff: number;
  /** Elements farther from the float64 reference than float32ErrorBound allows. */
  readonly boundViolations: number;
}

function parseOptions(argv: readonly string[]): BenchOptions {
  const valueOf = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const layers = valueOf('--layers');
  const implementations = valueOf('--implementations');
  return {
    json: argv.includes('--json'),
    reps: Number(valueOf('--reps') ?? 15),
    warmup: Number(valueOf('--warmup') ?? 3),
    burst: Math.max(1, Number(valueOf('--burst') ?? 3)),
    layers: layers === undefined ? null : layers.split(','),
    implementations: implementations === undefined ? null : implementations.split(','),
    noFuzz: argv.includes('--no-fuzz'),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function selectedImplementations(options: BenchOptions): readonly BenchImplementation[] {
  return BENCH_IMPLEMENTATIONS.filter((entry) => options.implementations?.includes(entry.key) ?? true);
}

async function timeOnce(prepared: PreparedRun): Promise<{ ms: number; output: BenchOutput }> {
  const start = performance.now();
  const output = await prepared.run();
  const wall = performance.now() - start;
  return { ms: prepared.selfTimedMs?.() ?? wall, output };
}

function compareToReference(
  output: BenchOutput,
  truth: ReferenceResult,
): { maxAbsDiff: number; boundViolations: number } {
  let maxAbsDiff = 0;
  let boundViolations = 0;
  output.forEach((value, index) => {
    const exact = truth.output[index]!;
    const diff = Math.abs(value - exact);
    maxAbsDiff = Math.max(maxAbsDiff, diff);
    const bound = float32ErrorBound(truth.termCount[index]!, truth.absSum[index]!, exact);
    if (!(diff <= bound)) boundViolations++;
  });
  return { maxAbsDiff, boundViolations };
}

async function measureLayer(layer: BenchLayer, options: BenchOptions): Promise<Measurement[]> {
  const truth = convTransposeReference(layer.geometry, layer.tensors);
  const entries: Array<{
    implementation: BenchImplementation;
    prepared: PreparedRun;
  }> = [];
  for (const implementation of selectedImplementations(options)) {
    const prepared = await implementation.prepare(layer);
    if (prepared !== null) entries.push({ implementation, prepared });
  }
  const times = entries.map((): number[] => []);
  const lastOutputs: BenchOutput[] = [];
  for (let round = 0; round < options.warmup + options.reps; round++) {
    for (const [index, entry] of entries.entries()) {
      await entry.prepared.before?.();
      for (let call = 1; call < options.burst; call++) await entry.prepared.run();
      const { ms, output } = await timeOnce(entry.prepared);
      if (round >= options.warmup) times[index]!.push(ms);
      lastOutputs[index] = output;
    }
  }
  const measurements = entries.map(({ implementation, prepared }, index) => ({
    layer,
    implementation,
    medianMs: median(times[index]!),
    minMs: Math.min(...times[index]!),
    ...compareToReference(prepared.inLayerLayout(lastOutputs[index]!), truth),
  }));
  entries.forEach(({ prepared }) => prepared.dispose());
  return measurements;
}

function gflops(measurement: Measurement): number {
  return measurement.layer.flops / (measurement.medianMs * 1e6);
}

/** How many times faster than `peerKey` on the same layer (null when the peer did not run). */
function ratioTo(measurement: Measurement, all: readonly Measurement[], peerKey: string): number | null {
  const peer = all.find((other) => other.layer === measurement.layer && other.implementation.key === peerKey);
  return peer === undefined ? null : peer.medianMs / measurement.medianMs;
}

function ratioToBaseline(measurement: Measurement, all: readonly Measurement[]): number | null {
  return ratioTo(measurement, all, BASELINE_KEY);
}

function formatTable(all: readonly Measurement[], peak: MachinePeak): string {
  const header = [
    'layer',
    'implementation',
    'median ms',
    'min ms',
    'GFLOP/s',
    '% f64 peak',
    '% wasm peak',
    `x ${BASELINE_KEY}`,
    ...PEER_KEYS.map((key) => `x ${key}`),
    'max |diff|',
    'f32 bound',
  ];
  const times = (ratio: number | null): string => (ratio === null ? '-' : ratio.toFixed(2));
  const rows = all.map((m) => [
    m.layer.title,
    m.implementation.name,
    m.medianMs.toFixed(2),
    m.minMs.toFixed(2),
    gflops(m).toFixed(2),
    ((100 * gflops(m)) / peak.machineGflops).toFixed(1),
    ((100 * gflops(m)) / peak.wasmGflops).toFixed(1),
    times(ratioToBaseline(m, all)),
    ...PEER_KEYS.map((key) => times(ratioTo(m, all, key))),
    m.maxAbsDiff.toExponential(2),
    m.boundViolations === 0 ? 'ok' : `${m.boundViolations} over`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** What the timings depend on: other load on the machine matters most on small VMs. */
function machineConditions(options: BenchOptions): { line: string; figures: Record<string, number> } {
  const [load1] = loadavg();
  const cores = availableParallelism();
  return {
    line: `${cores} cores, load average ${load1!.toFixed(2)} (1 min), median of ${options.reps} after ${options.warmup} warm-up rounds, last call of bursts of ${options.burst}`,
    figures: { cores, load_average_1m: round(load1!) },
  };
}

function formatJson(
  all: readonly Measurement[],
  conditions: { figures: Record<string, number> },
  peak: MachinePeak,
): string {
  const ratios: Record<string, number> = {};
  const figures: Record<string, number> = {
    ...conditions.figures,
    clock_ghz: round(peak.clockGhz),
    f64_peak_gflops: round(peak.machineGflops),
    wasm_simd_peak_gflops: round(peak.wasmGflops),
  };
  for (const m of all) {
    const { key } = m.implementation;
    const id = m.layer.id;
    figures[`${key}_${id}_ms`] = round(m.medianMs);
    figures[`${key}_${id}_min_ms`] = round(m.minMs);
    figures[`${key}_${id}_gflops`] = round(gflops(m));
    figures[`${key}_${id}_fraction_of_f64_peak`] = round(gflops(m) / peak.machineGflops);
    figures[`${key}_${id}_fraction_of_wasm_peak`] = round(gflops(m) / peak.wasmGflops);
    figures[`${key}_${id}_max_abs_diff`] = m.maxAbsDiff;
    const ratio = ratioToBaseline(m, all);
    if (ratio !== null && key !== BASELINE_KEY) ratios[`${key}_vs_${BASELINE_KEY}_${id}`] = round(ratio);
    if (!REFERENCE_KEYS.includes(key)) continue;
    for (const peer of PEER_KEYS) {
      const peerRatio = ratioTo(m, all, peer);
      if (peerRatio !== null) ratios[`${key}_vs_${peer}_${id}`] = round(peerRatio);
    }
  }
  return JSON.stringify({ ratios, figures });
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Every runner tconv has: the all-runner fuzz figure. */
const ALL_RUNNERS = ['tfjs-node', 'onnxruntime', 'onnxruntime-web', 'tfjs-cpu', 'tfjs-wasm', 'torch'];

function describeThroughput(title: string, result: ThroughputResult): string {
  const cpu = Object.entries(result.cpuMsPerCase)
    .filter(([, ms]) => ms >= 0.005)
    .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
    .join(', ');
  const inside = Object.entries(result.latencyMs.runner)
    .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
    .join(', ');
  return (
    `${title}: ${result.fuzz_cases_per_second.toFixed(1)} cases/s over ${result.cases} cases ` +
    `(${result.variantsPerCase.toFixed(2)} variants per case, ${result.wallMsPerCase.toFixed(2)} ms wall per case, ` +
    `${result.inFlight.toFixed(1)} cases in flight); CPU ms per case by process: ${cpu}; ` +
    `ms per case inside each runner (wall): ${inside}; reference ${result.latencyMs.reference.toFixed(2)}, ` +
    `compare ${result.latencyMs.compare.toFixed(2)}`
  );
}

/**
 * Fuzz throughput as `tconv fuzz` runs (default space: outputs <= 10^4 elements, dense work <=
 * 10^6), through the default runners (reference + tfjs-node + onnxruntime) and through all seven.
 * The rate is a long run's: 1,000 warm-up cases first, as a process's first cases also compile
 * the fuzz loop (measured: 3,000 cases right after 200 warm-up ran at 655 cases/s, the next
 * 3,000 at 785-795).
 */
async function fuzzThroughput(options: BenchOptions): Promise<{ line: string; figures: Record<string, number> }> {
  if (options.noFuzz) return { line: '', figures: {} };
  if (!options.json) process.stderr.write('timing fuzz throughput (reference + tfjs-node + onnxruntime)...\n');
  const defaults = await measureFuzzThroughput({ cases: 3000, warmup: 1000 });
  if (!options.json) process.stderr.write('timing fuzz throughput (all seven runners)...\n');
  const all = await measureFuzzThroughput({ cases: 600, warmup: 100, runners: ALL_RUNNERS });
  return {
    line: [
      describeThroughput('fuzz throughput, reference + tfjs-node + onnxruntime', defaults),
      describeThroughput('fuzz throughput, all seven runners', all),
    ].join('\n'),
    figures: {
      fuzz_cases_per_second: round(defaults.fuzz_cases_per_second),
      fuzz_cases_per_second_all_runners: round(all.fuzz_cases_per_second),
    },
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const layers = benchLayers().filter((layer) => options.layers?.includes(layer.id) ?? true);
  if (!options.json) process.stderr.write('measuring the machine peak...\n');
  const peak = measurePeak();
  for (const implementation of selectedImplementations(options)) await implementation.setup?.();
  const all: Measurement[] = [];
  for (const layer of layers) {
    if (!options.json) process.stderr.write(`timing ${layer.title}...\n`);
    all.push(...(await measureLayer(layer, options)));
  }
  await shutdownReferenceWorkers();
  const fuzz = await fuzzThroughput(options);
  const external = options.noFuzz ? { line: '', figures: {} } : await externalThroughput(options.json);
  const scale = await measureRunScale({ quiet: options.json });
  const start = cliStart(options.json);
  const conditions = machineConditions(options);
  const figures = {
    figures: { ...conditions.figures, ...fuzz.figures, ...external.figures, ...scale.figures, ...start.figures },
  };
  const lines = [fuzz.line, external.line, scale.line, start.line];
  const text = [formatTable(all, peak), peak.description, ...lines, conditions.line].filter(Boolean).join('\n');
  process.stdout.write((options.json ? formatJson(all, figures, peak) : text) + '\n');
}

await main();
