/**
 * Deterministic data: the same seed gives the same tensors on every machine and in every runner
 * (fast-check and Math.random are not involved).
 */
import type { Distribution } from '../case/types.js';
import { drawSpecial, type TensorRole } from './special.js';

/** FNV-1a, 32-bit: the default seed is a stable hash of "file/case". */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** SplitMix32-style generator: 32-bit state, full period, good enough for test data. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
}

/** Small integers in [-4, 4]: products and sums stay exact in float32 for realistic sizes. */
const INTEGER_RANGE = 4;

/** Fills `target` from the seed; `role` (which tensor) matters only to some special-value distributions. */
export function fillRandom(
  target: Float32Array,
  seed: number,
  distribution: Distribution,
  role: TensorRole = 'input',
): void {
  const next = createRandom(seed);
  for (let index = 0; index < target.length; index++) {
    target[index] = draw(next, distribution, role);
  }
}

function draw(next: () => number, distribution: Distribution, role: TensorRole): number {
  switch (distribution) {
    case 'special':
    case 'subnormal':
    case 'large':
      return drawSpecial(next, distribution, role);
    case 'uniform':
      return next() * 2 - 1; // [-1, 1)
    case 'integers':
      return Math.floor(next() * (2 * INTEGER_RANGE + 1)) - INTEGER_RANGE;
    case 'normal': {
      // Box-Muller; 1 - u keeps the logarithm finite.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      return radius * Math.cos(2 * Math.PI * next());
    }
  }
}
