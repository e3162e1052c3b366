import { parseWhole, sampleDistinct, seededRandom, userAlias } from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { startFeedReaders } from '../load.js';
import { MetricsSampler } from '../metrics-sampler.js';
import { round2 } from '../percentiles.js';
import { machine, type ScenarioResult } from '../result.js';
import { sleep, withServer, type TargetOptions } from '../setup.js';
import { FEED_GRAPH } from './feed.js';
import { boundedWhole, option, type ScenarioDefinition } from './registry.js';

export type FeedMixParams = {
  users: number;
  readers: number;
  durationS: number;
  /** Percent of what reaches feeds that is reposts (populate --reposts). */
  repostPercent: number;
  /** Percent of what reaches feeds that is quotes (statuses that quote one: populate --quotes). */
  quotePercent: number;
  /** Requests/s in total (open loop), the same for both graphs so their latencies compare. */
  rate: number;
};

type Mix = { repostShare: number; quoteShare: number };

/**
 * The population's shares for a mix of feed entries: reposts are a share of what reaches feeds (populate's
 * repostShare), quotes a share of statuses (quoteShare). A repost shows a status, which is a quote as often as any
 * status is, so the quote share of statuses is the quote share of the page (measured: 0.28 of the items with 0.29).
 */
export function mixShares(repostPercent: number, quotePercent: number): Mix {
  return { repostShare: repostPercent / 100, quoteShare: quotePercent / 100 };
}

/** One graph's feed reads: p50/p99 of a first page (20) and how many of its items were reposts and quotes. */
async function readFeeds(
  params: FeedMixParams,
  target: TargetOptions,
  { repostShare, quoteShare }: Mix,
): Promise<{
  p50: number;
  p99: number;
  rps: number;
  reposts: number;
  quotes: number;
  items: number;
  errors: number;
  rss: number;
}> {
  const plan = {
    users: params.users,
    celebrity: 'celebrity',
    followers: 0,
    ...FEED_GRAPH,
    ...(repostShare > 0 ? { repostShare } : {}),
    ...(quoteShare > 0 ? { quoteShare } : {}),
  };
  return withServer(target, plan, async (server) => {
    const api = new ApiClient(server.url);
    const readers = sampleDistinct(seededRandom(target.seed + 2), params.users, params.readers, 0).map(userAlias);
    const tokens = await api.loginAll(readers, target.password);
    let reposts = 0;
    let quotes = 0;
    let items = 0;
    for (const token of tokens.slice(0, 20)) {
      const page = (await api.feed(token, 20)).value.items as { repostedBy?: unknown; quote?: unknown }[];
      items += page.length;
      reposts += page.filter((i) => i.repostedBy !== null && i.repostedBy !== undefined).length;
      quotes += page.filter((i) => i.quote !== null && i.quote !== undefined).length;
    }
    const run = (durationS: number) =>
      startFeedReaders({ baseUrl: server.url, tokens, connections: params.readers, rate: params.rate, durationS });
    await run(2).done; // warm-up, unrecorded
    await sleep(200);
    const mix = `${Math.round(repostShare * 100)}% reposts, ${Math.round(quoteShare * 100)}% of statuses quotes`;
    target.log(`reading feeds (${mix}) for ${params.durationS} s`);
    const sampler = new MetricsSampler(server.url);
    sampler.start();
    const load = await run(params.durationS).done;
    const memory = await sampler.stop();
    const s = load.latencies.summary();
    return {
      p50: s.p50,
      p99: s.p99,
      rps: load.rps,
      reposts,
      quotes,
      items,
      errors: load.errors,
      rss: memory.rssMbPeak,
    };
  });
}

/**
 * The same feed reads (first page of 20, `rate` requests/s) on two graphs built alike (FEED_GRAPH): one of plain
 * statuses, one where `repostPercent` of what reached feeds is reposts and `quotePercent` is quotes. The budget: the mixed page's p99 at most 1.2x the plain page's.
 */
export async function runFeedMixScenario(params: FeedMixParams, target: TargetOptions): Promise<ScenarioResult> {
  const plain = await readFeeds(params, target, { repostShare: 0, quoteShare: 0 });
  const mixed = await readFeeds(params, target, mixShares(params.repostPercent, params.quotePercent));
  return {
    scenario: 'feed-mix',
    params: { ...params },
    machine: machine(),
    results: {
      plain_feed_ms: { p50: plain.p50, p99: plain.p99 },
      mix_feed_ms: { p50: mixed.p50, p99: mixed.p99 },
      mix_over_plain_p99: round2(mixed.p99 / Math.max(0.01, plain.p99)),
      mix_page_repost_share: round2(mixed.reposts / Math.max(1, mixed.items)),
      mix_page_quote_share: round2(mixed.quotes / Math.max(1, mixed.items)),
      plain_rps: plain.rps,
      mix_rps: mixed.rps,
      rss_mb_peak: Math.max(plain.rss, mixed.rss),
      errors: plain.errors + mixed.errors,
    },
  };
}

export const feedMixScenario: ScenarioDefinition<FeedMixParams> = {
  name: 'feed-mix',
  description: 'Feed page p99 with reposts (and quotes) mixed in, against plain statuses (budget: at most 1.2x)',
  options: [
    option('users', 'generated users (each follows 20 who posted 2 statuses)', '2000'),
    option('readers', 'concurrent readers, each a different user', '32'),
    option('duration', 'seconds of measurement, per graph', '15'),
    option('repost-percent', 'percent of what reaches feeds that is reposts', '30'),
    option('quote-percent', 'percent of what reaches feeds that is quotes', '20'),
    option('rate', 'feed requests/s in total, evenly spaced (the same on both graphs)', '200'),
  ],
  parse(flags, given) {
    const users = parseWhole(flags.users ?? '', '--users', FEED_GRAPH.followeesEach + 1, 10_000_000);
    const repostPercent = parseWhole(flags.repostPercent ?? '', '--repost-percent', 0, 90);
    const quotePercent = parseWhole(flags.quotePercent ?? '', '--quote-percent', 0, 90);
    return {
      users,
      readers: boundedWhole(flags, given, 'readers', '--readers', 1, Math.min(1000, users)),
      durationS: parseWhole(flags.duration ?? '', '--duration', 1, 3600),
      repostPercent,
      quotePercent,
      rate: parseWhole(flags.rate ?? '', '--rate', 1, 1_000_000),
    };
  },
  run: runFeedMixScenario,
};
