import { configFromEnvironment, countEmbeddedFeedRows } from '@tweeter/server/tooling';
import { metricValue } from './metrics-sampler.js';
import type { BenchServer } from './server.js';

/** Where a feed-row count came from: the database itself, or the server's own counter (a server known by URL). */
export type FeedRowSource = 'database' | 'metrics';

/**
 * Feed rows held in the server's database (a count on its SQLite file, read beside the running server), or for a
 * server known only by URL, `tweeter_feed_entries_delivered_total` from its /metrics. Scenarios take the
 * difference of two counts. The database count is preferred: it sees rows whoever wrote them, so it cannot read 0
 * because a counter lives in another thread or process.
 */
export async function feedRowCount(server: BenchServer): Promise<{ rows: number; source: FeedRowSource }> {
  if (server.dataDir !== null) {
    const rows = countEmbeddedFeedRows(configFromEnvironment({ DATA_DIR: server.dataDir }));
    return { rows, source: 'database' };
  }
  const text = await (await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  return { rows: metricValue(text, 'tweeter_feed_entries_delivered_total') ?? 0, source: 'metrics' };
}
