import { Alias } from '@tweeter/shared';
import { performance } from 'node:perf_hooks';
import { parseWhole, UsageError } from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { feedRowCount } from '../feed-rows.js';
import { startFeedReaders } from '../load.js';
import { round2, Samples, summarize } from '../percentiles.js';
import {
  feedFigure,
  latencyFigure,
  postFigure,
  scenarioResult,
  serverFigures,
  type ScenarioResult,
} from '../result.js';
import { schedPerRequest, threadSched } from '../thread-sched.js';
import { pacedSenderFigures } from '../sender-figures.js';
import { sampleAliases, sleep, startSampler, withServer, type TargetOptions } from '../setup.js';
import { boundedWhole, option, type ScenarioDefinition } from './registry.js';

export type FanoutParams = {
  followers: number;
  posts: number;
  /** Concurrent feed readers during the fan-outs (0: none). */
  readers: number;
  /** Their requests/s in total (open loop); 0: closed loop. */
  readRate: number;
  /** Followers whose feed is checked for each status. */
  verify: number;
  /** Pause after a delivery completes before the next post. */
  spacingMs: number;
  celebrity: string;
  /** `sqlite`: a child server on the embedded shape; `aws-local`: in this process on dynalite and fauxqs. */
  shape: string;
  /** 1: one more follower polls its feed from each 201 until the status is on its first page (visible_ms). */
  watchVisible: number;
};

const POLL_MS = 2;
const POLL_SHARE = 0.02;

/**
 * The celebrity (followed by every generated user) posts `posts` times, one after another; for each status the
 * time from the 201 to delivery `done` is observed by polling GET /statuses/{id}/delivery every 2 ms or 2% of
 * the time elapsed, whichever is longer (so it includes up to one poll interval and round trip), then `verify` followers' feeds are read to check the status is there.
 * Meanwhile `readers` clients read their feeds (`readRate` requests/s in total, or non-stop when 0); reads that
 * started while a fan-out ran are "during", the others "idle".
 */
export async function runFanoutScenario(params: FanoutParams, target: TargetOptions): Promise<ScenarioResult> {
  if (params.shape === 'aws-local') {
    const { runAwsLocalFanout } = await import('../aws-local-fanout.js');
    return runAwsLocalFanout(params, target);
  }
  const plan = {
    users: params.followers,
    celebrity: params.celebrity,
    followers: params.followers,
    followeesEach: 0,
    statusesEach: 0,
  };
  return withServer(target, plan, async (server) => {
    const api = new ApiClient(server.url);
    const sampleSize = Math.min(params.followers, Math.max(params.readers, params.verify) + params.watchVisible);
    const sample = sampleAliases(target.seed + 1, params.followers, sampleSize);
    target.log(`signing in @${params.celebrity} and ${sample.length} followers`);
    const celebrity = await api.login(params.celebrity, target.password);
    const tokens = await api.loginAll(sample, target.password);
    const verifiers = tokens.slice(0, params.verify);
    const watcher = params.watchVisible === 1 ? (tokens.at(-1) ?? null) : null;
    const rowsBefore = await feedRowCount(server);

    const sampler = await startSampler(server.url, server.pid);
    const schedBefore = threadSched(server.pid);

    // Fan-out windows on the performance.now() clock; the last one is open (end = Infinity) while delivering.
    const windows: { start: number; end: number }[] = [];
    const during = new Samples();
    const idle = new Samples();
    const inWindow = (t: number): boolean => windows.some((w) => t >= w.start && t <= w.end);
    const readers =
      params.readers > 0
        ? startFeedReaders({
            baseUrl: server.url,
            tokens: tokens.slice(0, params.readers),
            connections: params.readers,
            rate: params.readRate,
            onSample: (startedAt, ms) => (inWindow(startedAt) ? during : idle).push(ms),
          })
        : null;
    if (readers) await sleep(500); // readers connected and warm before the first post

    const postMs: number[] = [];
    const fanoutMs: number[] = [];
    const visibleMs: number[] = [];
    let errors = 0;
    let missing = 0;
    let checked = 0;
    for (let n = 1; n <= params.posts; n++) {
      target.log(`post ${n} of ${params.posts} to ${params.followers} followers`);
      let id: string;
      try {
        const posted = await api.post(celebrity, `Fan-out ${n} to everyone, see https://example.com/bench/${n}`);
        id = posted.value.id;
        postMs.push(posted.ms);
      } catch (err) {
        target.log(`post failed: ${(err as Error).message}`);
        errors += 1;
        continue;
      }
      const window = { start: performance.now(), end: Infinity };
      windows.push(window);
      const [delivered, visible] = await Promise.all([
        awaitDelivery(api, celebrity, id, params.followers).then((d) => ({ ...d, at: performance.now() })),
        watcher ? awaitVisible(api, watcher, id, params.followers) : null,
      ]);
      window.end = delivered.at;
      if (visible !== null) {
        if (visible.ms === null) errors += 1;
        else visibleMs.push(visible.ms);
        errors += visible.errors;
      }
      errors += delivered.errors;
      if (delivered.done) fanoutMs.push(window.end - window.start);
      else target.log(`status ${id} not delivered within the time limit`);
      for (const token of verifiers) {
        checked += 1;
        try {
          const feed = await api.feed(token, 20);
          if (!feed.value.items.some((s) => s.id === id)) missing += 1;
        } catch {
          errors += 1;
        }
      }
      await sleep(params.spacingMs);
    }

    readers?.stop();
    const load = readers ? await readers.done : null;
    const sched = schedPerRequest(server.pid, schedBefore, threadSched(server.pid), params.posts);
    const memory = await sampler.stop();
    const rowsAfter = await feedRowCount(server);
    const fanout = summarize(fanoutMs);
    const visible = summarize(visibleMs);
    const duringSummary = during.summary();
    return scenarioResult('fanout', params, {
      post_ms: postFigure(summarize(postMs)),
      fanout_ms: { p50: fanout.p50, p99: fanout.p99, max: fanout.max },
      ...(load
        ? {
            feed_ms: feedFigure(duringSummary),
            feed_during_fanout_ms: latencyFigure(duringSummary),
            feed_idle_ms: latencyFigure(idle.summary()),
            feed_rps: load.rps,
            // The load generator's own delay (its paced thread): how late reads left, its loop's delay, its GC.
            ...pacedSenderFigures(load),
          }
        : {}),
      fanout_each_ms: Object.fromEntries(fanoutMs.map((ms, i) => [`post${i + 1}`, round2(ms)])),
      deliveries_per_s: fanout.p50 > 0 ? Math.round(params.followers / (fanout.p50 / 1000)) : 0,
      feed_rows_per_post: postMs.length > 0 ? round2((rowsAfter.rows - rowsBefore.rows) / postMs.length) : 0,
      feed_rows_counted_from: rowsAfter.source,
      ...(watcher ? { visible_ms: { p50: visible.p50, max: visible.max, count: visible.count } } : {}),
      feeds_checked: checked,
      feeds_missing: missing,
      ...serverFigures(memory, { rssEnd: true, heap: true, gc: true }),
      // Per thread, ms a post (its fan-out and the reads meanwhile): CPU, and time runnable but waiting for a core.
      server_thread_cpu_ms_per_post: perMs(sched.cpu),
      server_thread_wait_ms_per_post: perMs(sched.wait),
      errors: errors + missing + (load?.errors ?? 0),
    });
  });
}

/**
 * Polls one follower's first feed page until it holds status `id`: the time a reader waits to see a post, from
 * just after its 201 (including up to one poll interval and round trip). `ms` is null if it never shows up.
 */
async function awaitVisible(
  api: ApiClient,
  token: string,
  id: string,
  audience: number,
): Promise<{ ms: number | null; errors: number }> {
  const started = performance.now();
  const deadline = started + 60_000 + audience / 10;
  let errors = 0;
  while (performance.now() < deadline) {
    try {
      const feed = await api.feed(token, 20);
      if (feed.value.items.some((s) => s.id === id)) return { ms: round2(performance.now() - started), errors };
    } catch {
      errors += 1;
    }
    await sleep(Math.max(POLL_MS, (performance.now() - started) * POLL_SHARE));
  }
  return { ms: null, errors };
}

/** Polls the delivery until done; gives up after a generous limit (a stuck fan-out is an error, not a hang). */
async function awaitDelivery(
  api: ApiClient,
  token: string,
  id: string,
  audience: number,
): Promise<{ done: boolean; errors: number }> {
  const started = performance.now();
  const deadline = started + 60_000 + audience / 10;
  let errors = 0;
  while (performance.now() < deadline) {
    try {
      const d = await api.delivery(token, id);
      if (d.value.state === 'done') return { done: true, errors };
    } catch {
      errors += 1;
    }
    // Every 2 ms, or 2% of the time so far: precise enough, without the polls becoming the server's main load.
    await sleep(Math.max(POLL_MS, (performance.now() - started) * POLL_SHARE));
  }
  return { done: false, errors: errors + 1 };
}

export const fanoutScenario: ScenarioDefinition<FanoutParams> = {
  name: 'fanout',
  description: 'A celebrity posts; time until every follower feed has it, with feed readers meanwhile',
  options: [
    option('followers', 'followers of the celebrity', '10000'),
    option('posts', 'statuses posted, one after another', '5'),
    option('readers', 'clients reading feeds during the fan-outs (0: none)', '16'),
    option('read-rate', 'their feed requests/s in total, evenly spaced (0: closed loop)', '400'),
    option('verify', 'followers whose feed is checked for each status', '20'),
    option('spacing-ms', 'pause after each delivery', '200'),
    option('celebrity', 'the author', 'celebrity'),
    option(
      'shape',
      'sqlite (a child server), or aws-local (dynalite + fauxqs in this process, one post, next to the course way)',
      'sqlite',
    ),
    option(
      'watch-visible',
      '1: a follower polls its feed after each post; visible_ms is when the status shows (0: off)',
      '0',
    ),
  ],
  parse(flags, given) {
    const followers = parseWhole(flags.followers ?? '', '--followers', 1, 10_000_000);
    const celebrity = Alias.safeParse(flags.celebrity ?? '');
    if (!celebrity.success) throw new UsageError(`--celebrity: ${celebrity.error.issues[0]?.message ?? 'invalid'}`);
    return {
      followers,
      posts: parseWhole(flags.posts ?? '', '--posts', 1, 1000),
      readers: boundedWhole(flags, given, 'readers', '--readers', 0, Math.min(1000, followers)),
      readRate: parseWhole(flags.readRate ?? '', '--read-rate', 0, 1_000_000),
      verify: Math.min(followers, parseWhole(flags.verify ?? '', '--verify', 0, 1000)),
      spacingMs: parseWhole(flags.spacingMs ?? '', '--spacing-ms', 0, 60_000),
      celebrity: celebrity.data,
      shape: shapeFlag(flags.shape ?? 'sqlite', flags.url),
      watchVisible: parseWhole(flags.watchVisible ?? '0', '--watch-visible', 0, 1),
    };
  },
  run: runFanoutScenario,
};

function shapeFlag(shape: string, url: string | undefined): string {
  if (shape !== 'sqlite' && shape !== 'aws-local') throw new UsageError('--shape must be sqlite or aws-local');
  if (shape === 'aws-local' && url !== undefined)
    throw new UsageError('--shape aws-local runs its own emulators: drop --url');
  return shape;
}

/** µs figures as ms. */
function perMs(us: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(us).map(([k, v]) => [k, round2(v / 1000)]));
}
