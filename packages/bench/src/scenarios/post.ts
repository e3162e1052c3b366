import { parseWhole } from '@tweeter/server/tooling';
import { leanRequest } from '../lean-http.js';
import { startLoad } from '../load.js';
import { startPacedThread } from '../paced-thread.js';
import { latencyFigure, postFigure, scenarioResult, serverFigures, type ScenarioResult } from '../result.js';
import { awaitDrained } from '../queue-drain.js';
import { watchSelf } from '../self-watch.js';
import { senderFigures } from '../sender-figures.js';
import { schedPerRequest, threadSched } from '../thread-sched.js';
import { markWritePath, writePathFigures } from '../write-path.js';
import {
  postRequest,
  signInWriters,
  sleep,
  startSampler,
  withServer,
  writersGraph,
  type TargetOptions,
} from '../setup.js';
import {
  followeesEachOption,
  option,
  parseDuration,
  parseFolloweesEach,
  parseWriters,
  writerOptions,
  type ScenarioDefinition,
} from './registry.js';

export type PostParams = {
  users: number;
  writers: number;
  durationS: number;
  /** Seconds of unrecorded posting first (same rate, same writers), so the server's post path is warm; 0: none. */
  warmupS: number;
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

    // Open loop: each writer's post serialized once and sent from a thread of its own (paced-thread.ts), so the
    // bench's own GC and event loop do not make posts late; each latency still runs from the post's due time.
    const lean = tokens.map((token) => leanRequest(server.url, postRequest(token, body)));
    const posting = (durationS: number, onSample?: (at: number, ms: number, lateMs: number) => void) =>
      params.rate === 0
        ? startLoad({ baseUrl: server.url, connections: params.writers, durationS, requests })
        : startPacedThread({
            baseUrl: server.url,
            connections: params.writers,
            rate: params.rate,
            durationS,
            requests: lean,
            onSample,
          });
    const pace = params.rate === 0 ? 'closed loop' : `${params.rate} posts/s`;

    // A cold post path (the job thread's first posts, its JIT, the first fan-out jobs) is start-up, not steady
    // state: its posts are sent unrecorded, and their fan-out drained, before the measured phase.
    let warmup = { posts: 0, errors: 0 };
    if (params.warmupS > 0) {
      target.log(`warming up for ${params.warmupS} s, ${pace}`);
      const run = await posting(params.warmupS).done;
      warmup = { posts: run.responses - run.non2xx, errors: run.errors };
      await awaitDrained(server.url, DRAIN_TIMEOUT_MS);
      await sleep(200);
    }

    const sampler = await startSampler(server.url, server.pid);
    const pathBefore = await markWritePath(server.url);
    const schedBefore = threadSched(server.pid);
    target.log(`posting with ${params.writers} connections, ${pace}, for ${params.durationS} s`);
    const main = watchSelf();
    // Each post's latency from when it left the sender too (open loop): the due-time latency less its lateness.
    const fromSend: number[] = [];
    const load = await posting(params.durationS, (_at, ms, lateMs) => fromSend.push(ms - lateMs)).done;
    const bench = main.stop();
    // The write path's parts while posting (the drain after it is fan-out only).
    const pathAfter = await markWritePath(server.url);
    const sched = schedPerRequest(server.pid, schedBefore, threadSched(server.pid), load.responses);
    const drain = await awaitDrained(server.url, DRAIN_TIMEOUT_MS);
    const memory = await sampler.stop();
    const post = load.latencies.summary();
    return scenarioResult('post', params, {
      post_ms: postFigure(post),
      post_latency_ms: latencyFigure(post),
      post_rps: load.rps,
      fanout_backlog_drain_s: drain.drained ? drain.seconds : -1,
      ...serverFigures(memory, { heap: true, requests: load.responses }),
      ...writePathFigures(pathBefore, pathAfter),
      // The HTTP thread's event-loop delay (monitorEventLoopDelay, a p99 per 250 ms window): a post's wait there.
      event_loop_lag_p99_ms: memory.eventLoopLagMsP99,
      // Per thread (main: HTTP; the job thread, the checkpoint thread, V8's and libuv's), µs a post while posting:
      // CPU, and time runnable but waiting for a core.
      server_thread_cpu_us_per_post: sched.cpu,
      server_thread_wait_us_per_post: sched.wait,
      // The load generator's own delays (open loop): from-send latency, lateness, its event loop and GC.
      ...senderFigures('post', load, params.rate > 0 ? fromSend : null, bench),
      // The warm-up's posts (not in post_ms); an error there counts among the run's errors.
      ...(params.warmupS > 0 ? { warmup_posts: warmup.posts } : {}),
      errors: load.errors + warmup.errors,
    });
  });
}

// A backlog is not an error (delivery is asynchronous by design), but it is reported: -1 when it outlasts this.
const DRAIN_TIMEOUT_MS = 120_000;

export const postScenario: ScenarioDefinition<PostParams> = {
  name: 'post',
  description: 'Posting latency and throughput at C concurrent authors',
  options: [
    ...writerOptions('10000', '50'),
    option('duration', 'seconds of measurement', '30'),
    option('warmup', 'seconds of unrecorded posting first (same rate and writers; its fan-out drained)', '2'),
    followeesEachOption('20'),
    option('rate', 'posts/s in total, evenly spaced (0: closed loop, each writer posts again when answered)', '0'),
  ],
  parse(flags, given) {
    const { users, writers } = parseWriters(flags, given);
    return {
      users,
      writers,
      durationS: parseDuration(flags),
      warmupS: parseWhole(flags.warmup ?? '', '--warmup', 0, 600),
      followeesEach: parseFolloweesEach(flags, given, users),
      rate: parseWhole(flags.rate ?? '', '--rate', 0, 1_000_000),
    };
  },
  run: runPostScenario,
};
