/**
 * The WebAssembly SIMD kernels of the reference, generated as bytes (see encoder.ts).
 *
 * `k<P>` computes a run of P output pixels (same taps, inputs shifted by one per pixel) for
 * every block of 4 output channels of one group. Each f64x2 lane is one output element, and every
 * lane runs the scalar kernel's exact chain: for each (x, w) term of the list in order, for c
 * ascending, acc = acc + x*w, rounded after the multiply and after the add (f64x2.mul, f64x2.add:
 * WebAssembly SIMD has no fused multiply-add), then + bias. So results are bit-identical to
 * kernel.ts.
 *
 * Parameters (i32, byte offsets into the memory):
 * - list, listEnd: i32 pairs (x, w), one per tap term, in the scalar summation order; input
 *   pixel i of the run is at x + 8*i, channel c at + c*xStride; the weights of channel block b,
 *   channel c are 4 doubles at w + (b*cg + c)*32;
 * - cg: input channels of the group (>= 1); blocks: channel blocks; lastLive: real channels in
 *   the last block (1..4);
 * - out: output of pixel 0, channel 0 of block 0; pixel i at + i*pixelStep, channel k at
 *   + k*channelStride; bias (when hasBias): the block's 4 biases at bias + 32*b.
 */
import { Code, encodeModule, F64, I32, I64, V128, type FunctionSpec, type ValueType } from './encoder.js';
import { wasmApi, type WasmModule } from './wasm-api.js';

/**
 * Pixels per run: 4 x 2 f64x2 accumulators measured fastest in V8 on x64 (24 GFLOP/s on one
 * core vs 27 for the peak probe); 5 and 6 pixels spill registers and run slower.
 */
export const MAX_RUN_PIXELS = 4;

const LIST = 0;
const LIST_END = 1;
const CHANNELS = 2;
const X_STRIDE = 3;
const BLOCKS = 4;
const OUT = 5;
const PIXEL_STEP = 6;
const CHANNEL_STRIDE = 7;
const BIAS = 8;
const HAS_BIAS = 9;
const LAST_LIVE = 10;
const PARAMS = 11;
const TERM = 11;
const X = 12;
const W = 13;
const W_END = 14;
const BLOCK = 15;
const W_BLOCK = 16;
const LIVE = 17;
const I32_LOCALS = 7;
const VALUE = 18;
const W0 = 19;
const W1 = 20;
const XS = 21;
const FIRST_ACC = 22;

/** Sums every term for the current block into the accumulators (which start at +0). */
function emitTerms(code: Code, pixels: number, acc: (pixel: number, vector: number) => number): void {
  code.localGet(LIST).localSet(TERM);
  code.block();
  code.localGet(TERM).localGet(LIST_END).i32GeU().brIf(0); // no terms: the sums stay +0
  code.loop();
  {
    code.localGet(TERM).i32Load(0).localSet(X);
    code.localGet(TERM).i32Load(4).localGet(W_BLOCK).i32Add().localTee(W);
    code.localGet(CHANNELS).i32Const(32).i32Mul().i32Add().localSet(W_END);
    code.loop();
    {
      code.localGet(W).v128Load(0).localSet(W0);
      code.localGet(W).v128Load(16).localSet(W1);
      for (let pixel = 0; pixel < pixels; pixel++) {
        code
          .localGet(X)
          .v128Load64Splat(8 * pixel)
          .localSet(XS);
        for (const [vector, weight] of [
          [0, W0],
          [1, W1],
        ] as const) {
          code.localGet(acc(pixel, vector)).localGet(XS).localGet(weight).f64x2Mul().f64x2Add();
          code.localSet(acc(pixel, vector));
        }
      }
      code.localGet(X).localGet(X_STRIDE).i32Add().localSet(X);
      code.localGet(W).i32Const(32).i32Add().localTee(W);
      code.localGet(W_END).i32Ne().brIf(0);
    }
    code.end();
    code.localGet(TERM).i32Const(8).i32Add().localTee(TERM);
    code.localGet(LIST_END).i32Ne().brIf(0);
  }
  code.end();
  code.end();
}

/** Stores the live lanes of the block, each + its bias when there is one (the scalar order). */
function emitStores(code: Code, pixels: number, acc: (pixel: number, vector: number) => number): void {
  // live = block == blocks - 1 ? lastLive : 4
  code.localGet(LAST_LIVE).i32Const(4).localGet(BLOCK).localGet(BLOCKS).i32Const(1).i32Sub().i32Eq().select();
  code.localSet(LIVE);
  for (let pixel = 0; pixel < pixels; pixel++) {
    for (let lane = 0; lane < 4; lane++) {
      code.block();
      if (lane > 0) code.localGet(LIVE).i32Const(lane).i32LeU().brIf(0);
      code.localGet(OUT).localGet(PIXEL_STEP).i32Const(pixel).i32Mul().i32Add();
      code.localGet(CHANNEL_STRIDE).i32Const(lane).i32Mul().i32Add();
      // hasBias ? value + bias : value (the bias is read either way: it points into memory).
      code
        .localGet(acc(pixel, lane >> 1))
        .f64x2ExtractLane(lane & 1)
        .localTee(VALUE);
      code
        .localGet(BIAS)
        .f64Load(8 * lane)
        .f64Add();
      code.localGet(VALUE).localGet(HAS_BIAS).select();
      code.f64Store(0);
      code.end();
    }
  }
}

function runKernel(pixels: number): FunctionSpec {
  const acc = (pixel: number, vector: number): number => FIRST_ACC + 2 * pixel + vector;
  const code = new Code();
  code.loop();
  {
    for (let pixel = 0; pixel < pixels; pixel++) {
      for (let vector = 0; vector < 2; vector++) code.v128Zero().localSet(acc(pixel, vector));
    }
    emitTerms(code, pixels, acc);
    emitStores(code, pixels, acc);
    // Next block: its weights, its 4 output channels, its 4 biases.
    code.localGet(W_BLOCK).localGet(CHANNELS).i32Const(32).i32Mul().i32Add().localSet(W_BLOCK);
    code.localGet(OUT).localGet(CHANNEL_STRIDE).i32Const(4).i32Mul().i32Add().localSet(OUT);
    code.localGet(BIAS).i32Const(32).i32Add().localSet(BIAS);
    code.localGet(BLOCK).i32Const(1).i32Add().localTee(BLOCK);
    code.localGet(BLOCKS).i32Ne().brIf(0);
  }
  code.end();
  const v128s: ValueType[] = Array.from({ length: 3 + 2 * pixels }, () => V128);
  return {
    name: `k${pixels}`,
    params: Array<ValueType>(PARAMS).fill(I32),
    results: [],
    locals: [...Array<ValueType>(I32_LOCALS).fill(I32), F64, ...v128s],
    code,
  };
}

/**
 * `peak(iterations, x)`: CHAINS independent f64x2 chains acc = acc + acc*x, 4*CHAINS flops per
 * iteration: the best this engine's WebAssembly SIMD does on one core (the sums are stored at 0
 * so that nothing is dead code).
 */
function peakProbe(chains: number): FunctionSpec {
  const code = new Code();
  const xs = 2;
  const first = 3;
  code.localGet(1).f64x2Splat().localSet(xs);
  for (let chain = 0; chain < chains; chain++) code.localGet(xs).localSet(first + chain);
  code.loop();
  for (let chain = 0; chain < chains; chain++) {
    code
      .localGet(first + chain)
      .localGet(first + chain)
      .localGet(xs)
      .f64x2Mul()
      .f64x2Add();
    code.localSet(first + chain);
  }
  code.localGet(0).i32Const(1).i32Sub().localTee(0).brIf(0);
  code.end();
  for (let chain = 0; chain < chains; chain++)
    code
      .i32Const(16 * chain)
      .localGet(first + chain)
      .v128Store(0);
  return { name: `peak${chains}`, params: [I32, F64], results: [], locals: Array(chains + 1).fill(V128), code };
}

/**
 * `clock(iterations, step)`: 32 dependent 64-bit integer adds per iteration. An integer add has
 * a latency of one cycle, so iterations * 32 / seconds estimates the core clock.
 */
function clockProbe(): FunctionSpec {
  const code = new Code();
  code.loop();
  for (let add = 0; add < 32; add++) code.localGet(2).localGet(1).i64Add().localSet(2);
  code.localGet(0).i32Const(1).i32Sub().localTee(0).brIf(0);
  code.end();
  code.localGet(2).i32WrapI64();
  return { name: 'clock', params: [I32, I64], results: [I32], locals: [I64], code };
}

/** The kernel module: k1 .. k<MAX_RUN_PIXELS>, on a shared memory (workers share it). */
export function kernelModuleBytes(): Uint8Array {
  return encodeModule(
    Array.from({ length: MAX_RUN_PIXELS }, (_, index) => runKernel(index + 1)),
    true,
  );
}

/** Chain counts tried by the peak probe: enough to hide the add latency, few enough for 16 registers. */
export const PEAK_CHAINS = [10, 13] as const;

/** The machine probes (bench only), on a private memory. */
export function probeModuleBytes(): Uint8Array {
  return encodeModule([peakProbe(PEAK_CHAINS[0]), peakProbe(PEAK_CHAINS[1]), clockProbe()], false);
}

let compiled: WasmModule | null = null;
let probed = false;

/** The compiled kernel module, or null where this engine lacks WebAssembly SIMD or threads. */
export function kernelModule(): WasmModule | null {
  if (probed) return compiled;
  probed = true;
  try {
    const api = wasmApi();
    const bytes = kernelModuleBytes();
    compiled = api !== undefined && api.validate(bytes) ? new api.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}
