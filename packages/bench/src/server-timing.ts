/** How many requests of one route the server itself counted at or under each bucket bound (its /metrics). */
export type RouteBuckets = Map<string, number>;

const HISTOGRAM = 'tweeter_http_request_duration_seconds_bucket';

/**
 * The server's own histogram of a route's 200 answers (arrival at Fastify to the response written), read from
 * /metrics: set against the client's latencies, it tells the server's time from the time a request waited before
 * the server's thread read it (a busy event loop, or a thread waiting for a core).
 */
export async function routeBuckets(baseUrl: string, route: string): Promise<RouteBuckets> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  const out: RouteBuckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(HISTOGRAM) || !line.includes(`route="${route}"`) || !line.includes('status="200"')) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    const count = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (le !== undefined) out.set(le, (out.get(le) ?? 0) + count);
  }
  return out;
}

/** Of the requests between two readings, the share (%) the server itself took longer than each bound (ms). */
export function serverSlowerThan(
  before: RouteBuckets,
  after: RouteBuckets,
  boundsMs: number[],
): Record<string, number> {
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  const out: Record<string, number> = { count: total };
  for (const ms of boundsMs) {
    const le = String(ms / 1000);
    const within = (after.get(le) ?? 0) - (before.get(le) ?? 0);
    out[`over_${ms}ms_pct`] = total === 0 ? 0 : Math.round(((total - within) / total) * 10000) / 100;
  }
  return out;
}
