import { parseWhole, userAlias } from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { feedRowCount } from '../feed-rows.js';
import { MetricsSampler } from '../metrics-sampler.js';
import { round2, summarize } from '../percentiles.js';
import { machine, type ScenarioResult } from '../result.js';
import { sleep, withServer, type TargetOptions } from '../setup.js';
import { option, type ScenarioDefinition } from './registry.js';

export type RepostParams = { followers: number; reposts: number; verify: number };

const POLL_MS = 2;
const POLL_SHARE = 0.02;

/**
 * The celebrity (followed by every generated user, each of whom posted one status) reposts `reposts` of those
 * statuses one after another. For each, the time from the 200 until every follower's feed holds it: the feed rows
 * counted on the database (a repost reaches each follower once, none of whom has the status itself), polled every
 * 2 ms or 2% of the time so far. After each, the celebrity posts, timed the same way (the budget is "as a post").
 * Then `verify` followers' first page is checked to show the repost with `repostedBy`, under that post.
 */
export async function runRepostScenario(params: RepostParams, target: TargetOptions): Promise<ScenarioResult> {
  const plan = {
    users: params.followers,
    celebrity: 'celebrity',
    followers: params.followers,
    followeesEach: 0,
    statusesEach: 1,
  };
  return withServer(target, plan, async (server) => {
    const api = new ApiClient(server.url);
    const celebrity = await api.login('celebrity', target.password);
    const verifiers = await api.loginAll(
      Array.from({ length: params.verify }, (_, i) =>
        userAlias(1 + Math.floor((i * params.followers) / params.verify)),
      ),
      target.password,
    );
    const sampler = new MetricsSampler(server.url, 1000, { pid: server.pid });
    sampler.start();
    const repostMs: number[] = [];
    const everyFeedMs: number[] = [];
    // A post by the same account timed the same way, for the budget's "as a post" (same machine, same method).
    const postEveryFeedMs: number[] = [];
    /** Polls the feed row count until it grew by every follower since `before`; the time from `started`, or null. */
    const untilEveryFeed = async (before: number, started: number): Promise<number | null> => {
      const deadline = started + 60_000 + params.followers / 10;
      while (performance.now() < deadline) {
        if ((await feedRowCount(server)).rows - before >= params.followers) return performance.now() - started;
        await sleep(Math.max(POLL_MS, (performance.now() - started) * POLL_SHARE));
      }
      return null;
    };
    let errors = 0;
    let missing = 0;
    for (let n = 1; n <= params.reposts; n++) {
      const author = userAlias(1 + Math.floor(((n - 1) * params.followers) / params.reposts));
      const story = await api.story(celebrity, author, 1);
      const id = story.value.items[0]?.id;
      if (id === undefined) throw new Error(`setup: @${author} has no status to repost`);
      const before = (await feedRowCount(server)).rows;
      target.log(`repost ${n} of ${params.reposts} (a status of @${author}) to ${params.followers} followers`);
      const started = performance.now();
      try {
        repostMs.push((await api.repost(celebrity, id)).ms);
      } catch (err) {
        target.log(`repost failed: ${(err as Error).message}`);
        errors += 1;
        continue;
      }
      const ms = await untilEveryFeed(before, started);
      if (ms === null) errors += 1;
      else everyFeedMs.push(ms);
      const postBefore = (await feedRowCount(server)).rows;
      const postStarted = performance.now();
      await api.post(celebrity, `A post beside repost ${n}`);
      const postAll = await untilEveryFeed(postBefore, postStarted);
      if (postAll === null) errors += 1;
      else postEveryFeedMs.push(postAll);
      for (const token of verifiers) {
        // The post went in after the repost: the repost is second on the page.
        const first = (await api.feed(token, 20)).value.items[1] as {
          id: string;
          repostedBy?: { alias: string } | null;
        };
        if (first?.id !== id || first.repostedBy?.alias !== 'celebrity') missing += 1;
      }
    }
    const memory = await sampler.stop();
    const every = summarize(everyFeedMs);
    return {
      scenario: 'repost',
      params: { ...params },
      machine: machine(),
      results: {
        repost_request_ms_p50: round2(summarize(repostMs).p50),
        repost_every_feed_ms: { p50: every.p50, p95: every.p95, p99: every.p99 },
        repost_every_feed_ms_max: round2(Math.max(0, ...everyFeedMs)),
        post_every_feed_ms_p50: round2(summarize(postEveryFeedMs).p50),
        verified_missing: missing,
        rss_mb_peak: memory.rssMbPeak,
        errors,
      },
    };
  });
}

export const repostScenario: ScenarioDefinition<RepostParams> = {
  name: 'repost',
  description: 'A celebrity reposts; time until every follower feed has the repost (budget: p50 150 ms at 10,000)',
  options: [
    option('followers', 'followers of the reposting celebrity', '10000'),
    option('reposts', 'statuses reposted, one after another', '5'),
    option('verify', 'followers whose first feed page is checked for each repost', '5'),
  ],
  parse(flags) {
    const followers = parseWhole(flags.followers ?? '', '--followers', 1, 1_000_000);
    return {
      followers,
      reposts: parseWhole(flags.reposts ?? '', '--reposts', 1, Math.min(1000, followers)),
      verify: parseWhole(flags.verify ?? '', '--verify', 0, Math.min(100, followers)),
    };
  },
  run: runRepostScenario,
};
