import { resolve } from 'node:path';
import { parseWhole } from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { startFeedReaders } from '../load.js';
import { feedFigure, latencyFigure, scenarioResult, serverFigures, type ScenarioResult } from '../result.js';
import { senderFigures } from '../sender-figures.js';
import { sampleAliases, sleep, startSampler, withServer, type TargetOptions } from '../setup.js';
import { routeBuckets, serverSlowerThan } from '../server-timing.js';
import { schedPerRequest, threadSched } from '../thread-sched.js';
import { watchSelf } from '../self-watch.js';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { boundedWhole, option, parseDuration, type ScenarioDefinition } from './registry.js';

const FEED_ROUTE = '/api/v1/me/feed';

export type FeedParams = {
  users: number;
  readers: number;
  durationS: number;
  warmupS: number;
  /** Requests/s offered in total (open loop); 0: closed loop, as fast as the server answers. */
  rate: number;
  /** A file to write each page's due time and latency to, with the sender's pauses over 2 ms (--trace). */
  trace?: string;
};

/** Users follow 20 others who posted 2 statuses each, so every feed holds 40 entries and a page of 20 is full. */
export const FEED_GRAPH = { followeesEach: 20, statusesEach: 2 } as const;

/**
 * `readers` connections, each signed in as a different user, read the first page (20) of their feed: non-stop
 * (closed loop: the server's capacity, where latency is queueing) or at `rate` requests/s in total (open loop).
 */
export async function runFeedScenario(params: FeedParams, target: TargetOptions): Promise<ScenarioResult> {
  const plan = { users: params.users, celebrity: 'celebrity', followers: 0, ...FEED_GRAPH };
  return withServer(target, plan, async (server) => {
    const api = new ApiClient(server.url);
    const readers = sampleAliases(target.seed + 2, params.users, params.readers);
    target.log(`signing in ${readers.length} readers`);
    const tokens = await api.loginAll(readers, target.password);
    const first = await api.feed(tokens[0] ?? '', 20);
    const trace: number[] = [];
    const tracing = params.trace;
    const readersOf = (durationS: number, onSample?: (at: number, ms: number, lateMs: number) => void) =>
      startFeedReaders({
        baseUrl: server.url,
        tokens,
        connections: params.readers,
        rate: params.rate,
        durationS,
        onSample,
      });

    if (params.warmupS > 0) {
      target.log(`warming up for ${params.warmupS} s`);
      await readersOf(params.warmupS).done;
      await sleep(200);
    }
    const sampler = await startSampler(server.url, server.pid);
    const schedBefore = threadSched(server.pid);
    const timingBefore = await routeBuckets(server.url, FEED_ROUTE);
    const pace = params.rate === 0 ? 'closed loop' : `${params.rate} requests/s`;
    target.log(`reading feeds with ${params.readers} connections, ${pace}, for ${params.durationS} s`);
    const main = watchSelf();
    const t0 = performance.now();
    // Each page's latency from when it left the sender too (open loop): the due-time latency less the sender's lateness.
    const fromSend: number[] = [];
    const load = await readersOf(params.durationS, (at, ms, lateMs) => {
      fromSend.push(ms - lateMs);
      if (tracing) trace.push(at - t0, ms);
    }).done;
    const bench = main.stop();
    if (tracing)
      writeFileSync(
        tracing,
        JSON.stringify({
          gc: load.generator?.longGc.map((g) => ({ ...g, at: g.at - performance.timeOrigin - t0 })),
          t0Mono: Number(process.hrtime.bigint() / 1000n) - (performance.now() - t0) * 1000,
          trace,
        }),
      );
    const sched = schedPerRequest(server.pid, schedBefore, threadSched(server.pid), load.responses);
    // The sampler's last scrape first: every scrape resets the server's event-loop delay histogram (prom-client), so
    // the route's buckets read first left the sampler only the few ms between the two scrapes, and a 10 s run (no
    // scrape between start and end) reported that idle sliver's lag (0 or ~10 ms) instead of the run's.
    const memory = await sampler.stop();
    const timing = serverSlowerThan(timingBefore, await routeBuckets(server.url, FEED_ROUTE), [2.5, 5, 10, 25]);
    const feed = load.latencies.summary();
    return scenarioResult('feed', params, {
      feed_ms: feedFigure(feed),
      feed_latency_ms: latencyFigure(feed),
      feed_rps: load.rps,
      feed_page_items: first.value.items.length,
      ...serverFigures(memory, { heap: true, requests: load.responses, gc: true }),
      // Per thread, µs a page: CPU, and time runnable but waiting for a core (where a loaded machine's tail hides).
      server_thread_cpu_us_per_req: sched.cpu,
      server_thread_wait_us_per_req: sched.wait,
      // The server's own time a page (its histogram): the share over each bound, to set against feed_latency_ms.
      server_side_ms: timing,
      // The load generator's own delays (open loop): how late requests left, its event loop's delay, its GC.
      ...senderFigures('feed', load, params.rate > 0 ? fromSend : null, bench),
      errors: load.errors,
    });
  });
}

export const feedScenario: ScenarioDefinition<FeedParams> = {
  name: 'feed',
  description: 'Feed page (20) latency and throughput at C concurrent readers',
  options: [
    option('users', 'generated users (each follows 20 who posted 2 statuses)', '10000'),
    option('readers', 'concurrent readers, each a different user', '64'),
    option('duration', 'seconds of measurement', '30'),
    option('warmup', 'seconds of unrecorded load first', '2'),
    option('rate', 'requests/s in total, evenly spaced (0: closed loop, each reader asks again when answered)', '0'),
    option('trace', "write each page's due time and latency, and the sender's pauses, to this JSON file", ''),
  ],
  parse(flags, given) {
    const users = parseWhole(flags.users ?? '', '--users', FEED_GRAPH.followeesEach + 1, 10_000_000);
    return {
      users,
      readers: boundedWhole(flags, given, 'readers', '--readers', 1, Math.min(1000, users)),
      durationS: parseDuration(flags),
      warmupS: parseWhole(flags.warmup ?? '', '--warmup', 0, 600),
      rate: parseWhole(flags.rate ?? '', '--rate', 0, 1_000_000),
      ...(flags.trace ? { trace: resolve(flags.trace) } : {}),
    };
  },
  run: runFeedScenario,
};
