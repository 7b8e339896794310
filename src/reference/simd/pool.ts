/**
 * Reused shared memories for the parallel SIMD path.
 * Why: on this kind of VM a fresh page costs microseconds to fault in, so a new 8 MB memory per
 * evaluation cost more than the kernel itself; a memory is reused once its evaluation is done.
 * Concurrent evaluations each hold their own memory.
 */
import { sharedMemory } from './plan.js';
import type { WasmMemory } from './wasm-api.js';

export interface PooledMemory {
  /** Stable id: workers keep one instance per memory id. */
  readonly id: number;
  readonly memory: WasmMemory;
  readonly bytes: number;
}

/** Free memories kept for reuse; a larger one retired beyond this count is dropped. */
const KEPT = 2;
/** Memories above this size are never kept (a one-off huge case should not pin its memory). */
const MAX_KEPT_BYTES = 256 * 2 ** 20;

const free: PooledMemory[] = [];
let nextId = 1;

/** A memory of at least `bytes`, or null when the engine cannot allocate one that large. */
export function acquireMemory(bytes: number): PooledMemory | null {
  const fitting = free.filter((entry) => entry.bytes >= bytes).sort((a, b) => a.bytes - b.bytes)[0];
  if (fitting !== undefined) {
    free.splice(free.indexOf(fitting), 1);
    return fitting;
  }
  // Round up to a power of two so that slightly larger problems still fit next time.
  const rounded = 2 ** Math.ceil(Math.log2(Math.max(bytes, 65536)));
  const memory = allocate(rounded) ?? allocate(bytes);
  return memory === null ? null : { id: nextId++, memory, bytes: memory.buffer.byteLength };
}

function allocate(bytes: number): WasmMemory | null {
  try {
    return sharedMemory(bytes);
  } catch (error) {
    if (error instanceof RangeError) return null; // out of memory or address space
    throw error;
  }
}

export function releaseMemory(entry: PooledMemory): void {
  if (entry.bytes > MAX_KEPT_BYTES) return;
  free.push(entry);
  free.sort((a, b) => b.bytes - a.bytes);
  // Keep the largest ones: they serve every smaller problem too.
  free.splice(KEPT);
}
