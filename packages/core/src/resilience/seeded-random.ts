/**
 * A fast, seedable pseudo-random generator (mulberry32) returning numbers in [0, 1), so jittered
 * backoff is reproducible in tests.
 *
 * @param seed - Any integer; the same seed gives the same sequence.
 * @example
 * ```ts
 * const random = createSeededRandom(42);
 * await retry(call, { random });
 * ```
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
