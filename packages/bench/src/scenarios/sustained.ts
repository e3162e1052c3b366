import { performance } from 'node:perf_hooks';
import type { ApiClient } from '../api-client.js';
import { feedRowCount } from '../feed-rows.js';
import { leanRequest } from '../lean-http.js';
import { startLeanLoad } from '../load.js';
import { round2 } from '../percentiles.js';
import { awaitDrained, type WatchedDelivery } from '../queue-drain.js';
import { latencyFigure, postFigure, scenarioResult, serverFigures, type ScenarioResult } from '../result.js';
import { postRequest, signInWriters, startSampler, withServer, writersGraph, type TargetOptions } from '../setup.js';
import { schedPerRequest, threadSched } from '../thread-sched.js';
import { markWritePath, writePathFigures } from '../write-path.js';
import { postScenario } from './post.js';
import { option, type ScenarioDefinition } from './registry.js';

export type SustainedParams = {
  users: number;
  writers: number;
  durationS: number;
  followeesEach: number;
};

/** What a sustained run counted, before it becomes figures. */
export interface SustainedCounts {
  /** Posts answered 201. */
  accepted: number;
  /** Seconds of posting. */
  postingS: number;
  /** Seconds from the last post until the queue was empty and the watched deliveries done (or the wait gave up). */
  drainS: number;
  /** Feed rows written from the first post until the end of the drain. */
  rowsWritten: number;
}

/**
 * Intake against fan-out: posts accepted per second while posting, and feed rows written per second over the
 * whole run (posting and the drain after it). When fan-out keeps pace, the drain is near 0 and the rows/s is
 * intake x followers; when it does not, the drain grows and the rows/s shows what the workers really manage.
 */
export function sustainedFigures(c: SustainedCounts): Record<string, number> {
  const total = c.postingS + c.drainS;
  return {
    posts_per_s: c.postingS > 0 ? round2(c.accepted / c.postingS) : 0,
    fanout_rows: c.rowsWritten,
    fanout_rows_per_s: total > 0 ? Math.round(c.rowsWritten / total) : 0,
    fanout_rows_per_post: c.accepted > 0 ? round2(c.rowsWritten / c.accepted) : 0,
    fanout_posts_per_s: total > 0 ? round2(c.accepted / total) : 0,
    drain_s: round2(c.drainS),
  };
}

// A backlog this long means the workers are far behind (or stuck): the run reports it and counts an error.
const drainTimeoutMs = (durationS: number): number => Math.max(120_000, durationS * 20_000);

/**
 * `writers` authors (about `followeesEach` followers each, the bench's default graph) post as fast as they are
 * answered for `durationS` seconds; then the bench waits until the queue is empty and each writer's last status
 * is delivered. Feed rows are counted on the server's database before and after.
 */
export async function runSustainedScenario(params: SustainedParams, target: TargetOptions): Promise<ScenarioResult> {
  return withServer(target, writersGraph(params), async (server) => {
    const { api, writers, tokens, body } = await signInWriters(server.url, params, target, {
      seedOffset: 4,
      post: 'Sustained benchmark status with a link https://example.com/bench',
    });

    const before = await feedRowCount(server);
    const sampler = await startSampler(server.url, server.pid);
    const pathBefore = await markWritePath(server.url);
    const schedBefore = threadSched(server.pid);
    target.log(`posting with ${params.writers} writers, closed loop, for ${params.durationS} s`);
    // Each writer's post serialized once and sent over a lean keep-alive socket (load.ts `startLeanLoad`): autocannon
    // cost the load generator ~50 µs of CPU a post on the two cores the server runs on.
    const load = await startLeanLoad({
      baseUrl: server.url,
      durationS: params.durationS,
      requests: tokens.map((token) => leanRequest(server.url, postRequest(token, body))),
    }).done;
    const lastPostAt = performance.now();
    const watched = await lastStatuses(api, writers, tokens);
    target.log(`${load.latencies.count} posts accepted; waiting for the fan-out backlog to drain`);
    const watch = { api, deliveries: watched };
    const drain = await awaitDrained(server.url, drainTimeoutMs(params.durationS), watch, lastPostAt);
    // The writer's groups and commits over the whole run (posting and drain): how many, how long.
    const pathAfter = await markWritePath(server.url);
    const sched = schedPerRequest(server.pid, schedBefore, threadSched(server.pid), load.latencies.count);
    const memory = await sampler.stop();
    const after = await feedRowCount(server);
    if (!drain.drained) target.log(`backlog not drained after ${drain.seconds} s: ${drain.unfinished} unfinished`);
    const post = load.latencies.summary();
    return scenarioResult('sustained', params, {
      post_ms: postFigure(post),
      post_latency_ms: latencyFigure(post),
      ...sustainedFigures({
        accepted: load.latencies.count,
        postingS: load.seconds,
        drainS: drain.seconds,
        rowsWritten: after.rows - before.rows,
      }),
      feed_rows_counted_from: after.source,
      deliveries_checked: watched.length,
      ...writePathFigures(pathBefore, pathAfter),
      ...serverFigures(memory, { heap: true, requests: load.latencies.count }),
      // Per thread (main: HTTP; node: the job thread with the checkpoint thread), µs a post over posting and drain:
      // the job thread's figure is what fan-out, the queue and every write cost a post.
      server_thread_cpu_us_per_post: sched.cpu,
      server_thread_wait_us_per_post: sched.wait,
      errors: load.errors + (drain.drained ? 0 : drain.unfinished),
    });
  });
}

/** Each writer's newest status: the last of its posts to be fanned out, so the one to watch. */
async function lastStatuses(
  api: ApiClient,
  writers: readonly string[],
  tokens: readonly string[],
): Promise<WatchedDelivery[]> {
  const newest = await Promise.all(
    writers.map(async (alias, i) => {
      const token = tokens[i] ?? '';
      const id = (await api.story(token, alias, 1)).value.items[0]?.id;
      return id === undefined ? [] : [{ token, id }];
    }),
  );
  return newest.flat();
}

export const sustainedScenario: ScenarioDefinition<SustainedParams> = {
  name: 'sustained',
  description: 'Posting at full speed for D seconds: posts/s accepted, feed rows/s fanned out, backlog drain time',
  options: [
    option('users', 'generated users', '10000'),
    option('writers', 'concurrent posters, each a different author, posting again as soon as answered', '50'),
    option('duration', 'seconds of posting', '10'),
    option('followees-each', 'follows per user, so each author has about this many followers', '20'),
  ],
  // The post scenario's options less --rate (always closed loop here), checked the same way.
  parse(flags, given) {
    const {
      rate: _closedLoop,
      warmupS: _noWarmup,
      ...params
    } = postScenario.parse({ ...flags, rate: '0', warmup: '0' }, given);
    return params;
  },
  run: runSustainedScenario,
};
