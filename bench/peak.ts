/**
 * This machine's float64 peak, measured in the bench's own run:
 * - the clock: a chain of dependent 64-bit integer adds (one cycle each) in WebAssembly;
 * - the WebAssembly SIMD peak of one core: independent f64x2 multiply + add chains (what any
 *   kernel written in WebAssembly, the reference's included, can reach at best);
 * - the hardware peak: cores x clock x FMA pipes x doubles per vector x 2 flops, the vector width
 *   from the CPU flags (avx512f: 8, avx/avx2: 4, else 2) and 2 FMA pipes per core (x86 server
 *   cores since Haswell / Zen 4; an assumption the output states).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { PEAK_CHAINS, probeModuleBytes } from '../src/reference/simd/module.js';
import { wasmApi } from '../src/reference/simd/wasm-api.js';

export interface MachinePeak {
  readonly cores: number;
  readonly clockGhz: number;
  /** f64x2 mul + add, all cores (one core measured, times the cores). */
  readonly wasmGflops: number;
  readonly vectorDoubles: number;
  readonly fmaPipes: number;
  /** cores x clock x fmaPipes x vectorDoubles x 2. */
  readonly machineGflops: number;
  readonly description: string;
}

type Probe = (iterations: number, x: number) => void;
type ClockProbe = (iterations: number, step: bigint) => number;

function vectorDoubles(): { doubles: number; flag: string } {
  let flags = '';
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  } catch {
    // Not Linux: fall back to SSE2's width.
  }
  const has = (flag: string): boolean => flags.split(/\s+/).includes(flag);
  if (has('avx512f')) return { doubles: 8, flag: 'avx512f' };
  if (has('avx2') || has('avx')) return { doubles: 4, flag: has('avx2') ? 'avx2' : 'avx' };
  return { doubles: 2, flag: 'sse2' };
}

/** Best (shortest) of `rounds` timings of `run`, in ms, after a warm-up that lets V8 tier up. */
function bestMs(run: () => void, rounds: number): number {
  run();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

export function measurePeak(): MachinePeak {
  const api = wasmApi();
  const memory = new api.Memory({ initial: 1, maximum: 1 });
  const { exports } = new api.Instance(new api.Module(probeModuleBytes()), { env: { memory } });
  // Short probes (~2 ms), best of many: on a busy machine some run without being preempted.
  const iterations = 2e5;
  const rounds = 40;
  const clockMs = bestMs(() => (exports['clock'] as ClockProbe)(iterations, 3n), rounds);
  const clockGhz = (iterations * 32) / clockMs / 1e6;
  const coreGflops = Math.max(
    ...PEAK_CHAINS.map((chains) => {
      const ms = bestMs(() => (exports[`peak${chains}`] as Probe)(iterations, 1e-12), rounds);
      return (iterations * 4 * chains) / ms / 1e6;
    }),
  );
  const cores = availableParallelism();
  const vector = vectorDoubles();
  const fmaPipes = 2;
  const machineGflops = cores * clockGhz * fmaPipes * vector.doubles * 2;
  return {
    cores,
    clockGhz,
    wasmGflops: coreGflops * cores,
    vectorDoubles: vector.doubles,
    fmaPipes,
    machineGflops,
    description:
      `float64 peak: ${machineGflops.toFixed(0)} GFLOP/s = ${cores} cores x ${clockGhz.toFixed(2)} GHz (measured: ` +
      `dependent integer adds) x ${fmaPipes} FMA pipes (assumed) x ${vector.doubles} doubles (${vector.flag}) x 2; ` +
      `WebAssembly SIMD peak (f64x2 mul+add, measured on one core x ${cores}): ${(coreGflops * cores).toFixed(1)} GFLOP/s`,
  };
}
