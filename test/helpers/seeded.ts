/** A repeatable pseudo-random sequence for fuzz tests: the same seed, the same inputs, every run. */
export function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s;
  };
}
