/**
 * A small seeded PRNG (mulberry32): the same seed gives the same follow graph on every machine,
 * which Math.random cannot. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [0, n). */
export function randomIndex(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/**
 * `k` distinct numbers from 1..n, none equal to `exclude`, in the order drawn.
 * Rejection sampling while k is small against n; a partial shuffle when it is not (rejection would crawl).
 */
export function sampleDistinct(random: () => number, n: number, k: number, exclude: number): number[] {
  const pool = exclude >= 1 && exclude <= n ? n - 1 : n;
  if (k > pool) throw new RangeError(`cannot pick ${k} distinct numbers out of ${pool}`);
  if (k * 4 <= pool) {
    const picked = new Set<number>();
    while (picked.size < k) {
      const candidate = randomIndex(random, n) + 1;
      if (candidate !== exclude) picked.add(candidate);
    }
    return [...picked];
  }
  const all: number[] = [];
  for (let i = 1; i <= n; i++) if (i !== exclude) all.push(i);
  for (let i = 0; i < k; i++) {
    const j = i + randomIndex(random, all.length - i);
    const a = all[i] as number;
    all[i] = all[j] as number;
    all[j] = a;
  }
  return all.slice(0, k);
}
