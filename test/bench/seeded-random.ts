/**
 * mulberry32: a small, fast PRNG with a 32-bit state. The same seed gives the same sequence,
 * so every run of a benchmark builds the same dependency graphs.
 *
 * @param seed - any 32-bit integer
 * @returns a function giving floats in [0, 1)
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
