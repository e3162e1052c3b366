import { authed, startLoad, type LoadResult } from '../load.js';
import { leanRequest } from '../lean-http.js';
import { startPacedThread } from '../paced-thread.js';
import { scrapeSearchCounters, type SearchCounters } from './search-queries.js';

/** One search request: the signed-in reader and the path with its query string. */
export type SearchAsk = { token: string; path: string };

/** A measured phase: its load result and the server CPU it used per 2xx answer (from /metrics). */
export type SearchPhase = { load: LoadResult; cpuUsPerRequest: number; before: SearchCounters; after: SearchCounters };

/**
 * Open loop: `rate` requests/s in total, due on a fixed schedule whatever the answers' speed, each latency from its
 * due time (a stalled server is charged for the requests it delayed: no coordinated omission). The n-th request is
 * asks[n % asks.length], serialized once beforehand and sent over raw keep-alive sockets (lean-http.ts), so the load
 * generator takes little of the CPU the server shares. At most `connections` in flight; more wait, and that counts.
 * `onSample` is called for every 2xx answer once the load is done (its due time on this thread's clock).
 */
export async function openLoopSearch(options: {
  baseUrl: string;
  asks: readonly SearchAsk[];
  rate: number;
  connections: number;
  durationS: number;
  /** Each 2xx answer: its due time (performance.now()), latency from it and how late it left the sender, in ms. */
  onSample?: (dueAt: number, ms: number, lateMs: number) => void;
}): Promise<SearchPhase> {
  const lean = options.asks.map((a) =>
    leanRequest(options.baseUrl, { method: 'GET', path: a.path, headers: { authorization: `Bearer ${a.token}` } }),
  );
  // On a thread of its own, as the feed's readers (paced-thread.ts): requests leave on time whatever the bench's main
  // thread does, and its set-up garbage is collected before the first one is due.
  return measured(options.baseUrl, () =>
    startPacedThread({
      baseUrl: options.baseUrl,
      connections: options.connections,
      rate: options.rate,
      durationS: options.durationS,
      requests: lean,
      ...(options.onSample ? { onSample: options.onSample } : {}),
    }),
  );
}

/**
 * Closed loop (capacity): `connections` connections each ask again as soon as answered, connection i walking the
 * list from its own offset; what it measures is searches/s at saturation, its latency is mostly queueing.
 */
export async function closedLoopSearch(options: {
  baseUrl: string;
  asks: readonly SearchAsk[];
  connections: number;
  durationS: number;
}): Promise<SearchPhase> {
  const { asks, connections } = options;
  const requests = (i: number) => {
    const from = Math.floor((i * asks.length) / connections);
    return asks.map((_, k) => {
      const a = asks[(from + k) % asks.length] as SearchAsk;
      return authed(a.token, { method: 'GET', path: a.path });
    });
  };
  return measured(options.baseUrl, () =>
    startLoad({ baseUrl: options.baseUrl, connections, durationS: options.durationS, requests }),
  );
}

async function measured(baseUrl: string, start: () => { done: Promise<LoadResult> }): Promise<SearchPhase> {
  const before = await scrapeSearchCounters(baseUrl);
  const load = await start().done;
  const after = await scrapeSearchCounters(baseUrl);
  const cpuUsPerRequest =
    load.responses > 0 ? Math.round(((after.cpuSeconds - before.cpuSeconds) * 1e6) / load.responses) : -1;
  return { load, cpuUsPerRequest, before, after };
}
