import { authed, startLoad, type LoadResult } from '../load.js';
import { leanRequest } from '../lean-http.js';
import { startPaced } from '../paced.js';
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
 */
export async function openLoopSearch(options: {
  baseUrl: string;
  asks: readonly SearchAsk[];
  rate: number;
  connections: number;
  durationS: number;
}): Promise<SearchPhase> {
  const lean = options.asks.map((a) =>
    leanRequest(options.baseUrl, { method: 'GET', path: a.path, headers: { authorization: `Bearer ${a.token}` } }),
  );
  const ask = (n: number): SearchAsk => options.asks[n % options.asks.length] as SearchAsk;
  return measured(options.baseUrl, () =>
    startPaced({
      baseUrl: options.baseUrl,
      connections: options.connections,
      rate: options.rate,
      durationS: options.durationS,
      request: (n) => ({ method: 'GET', path: ask(n).path, headers: { authorization: `Bearer ${ask(n).token}` } }),
      lean: (n) => lean[n % lean.length] as Buffer,
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
