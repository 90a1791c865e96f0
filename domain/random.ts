/**
 * The one seeded PRNG (mulberry32): small, fast, and the same samples for the same seed on every machine and Node
 * version. The trainer's seeds, the store generator and the tests' random data all draw from it.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
