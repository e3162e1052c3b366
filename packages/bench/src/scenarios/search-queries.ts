import { populatedVocabulary, seededRandom } from '@tweeter/server/tooling';

/**
 * `count` distinct two-word status searches over the populated vocabulary, as people send them: the first word drawn
 * with Zipf weights (common words are searched more, and are in more statuses), the second uniformly, and one query
 * in eight a hashtag with a word. Every query differs from the others, so a run asks each only as often as its
 * length and rate make it (reported), and the 1 s shared first page helps only when the same words really repeat.
 */
export function distinctSearchQueries(count: number, seed: number): string[] {
  const { words: all, tags } = populatedVocabulary();
  const words = [...new Set(all)];
  const pairs = words.length * (words.length - 1) + tags.length * words.length;
  if (count > pairs / 2) throw new Error(`at most ${Math.floor(pairs / 2)} distinct queries over this vocabulary`);
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[], zipf: boolean): T => {
    const u = random();
    // The inverse of the continuous Zipf CDF (exponent 1), as the population draws its words.
    const k = zipf
      ? Math.min(list.length - 1, Math.floor(Math.pow(list.length + 1, u)) - 1)
      : Math.floor(u * list.length);
    return list[k] as T;
  };
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const first = random() < 0.125 ? `#${pick(tags, true)}` : pick(words, true);
    const second = pick(words, false);
    const q = `${first} ${second}`;
    if (first === second || seen.has(q) || seen.has(`${second} ${first}`)) continue;
    seen.add(q);
    out.push(q);
  }
  return out;
}

/** The server's counters this scenario reads from /metrics: CPU seconds and the shared first pages. */
export type SearchCounters = { cpuSeconds: number; shared: number; read: number };

export async function scrapeSearchCounters(baseUrl: string): Promise<SearchCounters> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`metrics: ${res.status}`);
  const text = await res.text();
  const value = (pattern: RegExp): number => {
    const m = pattern.exec(text);
    return m ? Number(m[1]) : 0;
  };
  return {
    cpuSeconds: value(/^process_cpu_seconds_total(?:\{[^}]*\})? ([0-9.e+-]+)$/m),
    shared: value(/^tweeter_search_first_pages_total\{outcome="shared"\} ([0-9.e+-]+)$/m),
    read: value(/^tweeter_search_first_pages_total\{outcome="read"\} ([0-9.e+-]+)$/m),
  };
}
