import { userAlias, sampleDistinct, seededRandom, parseWhole } from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { authed, startLoad } from '../load.js';
import { MetricsSampler } from '../metrics-sampler.js';
import { startPaced } from '../paced.js';
import { latencyFigure, machine, postFigure, type ScenarioResult } from '../result.js';
import { awaitDrained } from '../queue-drain.js';
import { withServer, type TargetOptions } from '../setup.js';
import { boundedWhole, option, type ScenarioDefinition } from './registry.js';

export type PostParams = {
  users: number;
  writers: number;
  durationS: number;
  followeesEach: number;
  /** Posts/s offered in total (open loop); 0: closed loop, each writer posts again when answered. */
  rate: number;
};

/**
 * `writers` clients, each a different author with about `followeesEach` followers, post non-stop. Afterwards the
 * time for the workers to finish the fan-out backlog is measured (how far behind the writers delivery fell).
 */
export async function runPostScenario(
  params: PostParams,
  target: TargetOptions,
  options: { post?: string } = {},
): Promise<ScenarioResult> {
  return withServer(target, writersGraph(params), async (server) => {
    const { tokens, requests, body } = await signInWriters(server.url, params, target, {
      seedOffset: 3,
      post: options.post ?? 'Benchmark status for @user_000001 with a link https://example.com/bench',
    });

    const sampler = new MetricsSampler(server.url);
    sampler.start();
    await sampler.resetPeak();
    const pace = params.rate === 0 ? 'closed loop' : `${params.rate} posts/s`;
    target.log(`posting with ${params.writers} connections, ${pace}, for ${params.durationS} s`);
    const load = await (
      params.rate === 0
        ? startLoad({ baseUrl: server.url, connections: params.writers, durationS: params.durationS, requests })
        : startPaced({
            baseUrl: server.url,
            connections: params.writers,
            rate: params.rate,
            durationS: params.durationS,
            request: (n) => ({
              method: 'POST',
              path: '/api/v1/statuses',
              headers: {
                authorization: `Bearer ${tokens[n % tokens.length] ?? ''}`,
                'content-type': 'application/json',
              },
              body: JSON.stringify(body),
            }),
          })
    ).done;
    const drain = await awaitDrained(server.url, DRAIN_TIMEOUT_MS);
    const memory = await sampler.stop();
    const post = load.latencies.summary();
    return {
      scenario: 'post',
      params: { ...params },
      machine: machine(),
      results: {
        post_ms: postFigure(post),
        post_latency_ms: latencyFigure(post),
        post_rps: load.rps,
        fanout_backlog_drain_s: drain.drained ? drain.seconds : -1,
        rss_mb_peak: memory.rssMbPeak,
        heap_mb_peak: memory.heapMbPeak,
        cpu_pct: memory.cpuPct,
        event_loop_lag_ms_max: memory.eventLoopLagMsMax,
        server_cpu_us_per_req: Math.round((memory.serverCpuSeconds * 1e6) / Math.max(1, load.responses)),
        errors: load.errors,
      },
    };
  });
}

// A backlog is not an error (delivery is asynchronous by design), but it is reported: -1 when it outlasts this.
const DRAIN_TIMEOUT_MS = 120_000;

export const postScenario: ScenarioDefinition<PostParams> = {
  name: 'post',
  description: 'Posting latency and throughput at C concurrent authors',
  options: [
    option('users', 'generated users', '10000'),
    option('writers', 'concurrent posters, each a different author', '50'),
    option('duration', 'seconds of measurement', '30'),
    option('followees-each', 'follows per user, so each author has about this many followers', '20'),
    option('rate', 'posts/s in total, evenly spaced (0: closed loop, each writer posts again when answered)', '0'),
  ],
  parse(flags, given) {
    const users = parseWhole(flags.users ?? '', '--users', 2, 10_000_000);
    return {
      users,
      writers: boundedWhole(flags, given, 'writers', '--writers', 1, Math.min(1000, users)),
      durationS: parseWhole(flags.duration ?? '', '--duration', 1, 3600),
      followeesEach: boundedWhole(flags, given, 'followeesEach', '--followees-each', 0, users - 1),
      rate: parseWhole(flags.rate ?? '', '--rate', 0, 1_000_000),
    };
  },
  run: runPostScenario,
};

/** The bench's default graph for posting scenarios: `users` authors with about `followeesEach` followers each. */
export function writersGraph(params: { users: number; followeesEach: number }) {
  return {
    users: params.users,
    celebrity: 'celebrity',
    followers: 0,
    followeesEach: params.followeesEach,
    statusesEach: 0,
  };
}

/** Signs in `writers` sampled authors; `requests(i)` is writer i's post of `post`. */
export async function signInWriters(
  url: string,
  params: { users: number; writers: number },
  target: TargetOptions,
  options: { seedOffset: number; post: string },
) {
  const api = new ApiClient(url);
  const writers = sampleDistinct(seededRandom(target.seed + options.seedOffset), params.users, params.writers, 0).map(
    userAlias,
  );
  target.log(`signing in ${writers.length} writers`);
  const tokens = await api.loginAll(writers, target.password);
  const body = { post: options.post };
  const requests = (i: number) => [authed(tokens[i] ?? '', { method: 'POST', path: '/api/v1/statuses', json: body })];
  return { api, writers, tokens, requests, body };
}
