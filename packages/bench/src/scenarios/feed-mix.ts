import { parseWhole, sampleDistinct, seededRandom, userAlias } from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { startFeedReaders } from '../load.js';
import { round2, Samples } from '../percentiles.js';
import { machine, type ScenarioResult } from '../result.js';
import { sleep, startSampler, withServer, type TargetOptions } from '../setup.js';
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
  /** Alternated pairs of phases (plain then mixed, mixed then plain, ...) that `durationS` is split into. */
  cycles: number;
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

/** One graph's server and readers, and how many of a sample of first pages' items were reposts and quotes. */
interface Graph {
  url: string;
  /** The server's process (its memory is read from /proc). */
  pid: number | null;
  tokens: string[];
  reposts: number;
  quotes: number;
  items: number;
}

/** One kind's phases pooled: every latency sample, errors, pages answered, seconds and server CPU seconds. */
class Kind {
  readonly latencies = new Samples();
  errors = 0;
  pages = 0;
  seconds = 0;
  serverCpuSeconds = 0;
  rss = 0;
}

function planOf(users: number, { repostShare, quoteShare }: Mix) {
  return {
    users,
    celebrity: 'celebrity',
    followers: 0,
    ...FEED_GRAPH,
    ...(repostShare > 0 ? { repostShare } : {}),
    ...(quoteShare > 0 ? { quoteShare } : {}),
  };
}

// Signs the readers in and counts the reposts and quotes on 20 of their first pages.
async function graphOf(
  { url, pid }: { url: string; pid: number | null },
  params: FeedMixParams,
  target: TargetOptions,
): Promise<Graph> {
  const api = new ApiClient(url);
  const readers = sampleDistinct(seededRandom(target.seed + 2), params.users, params.readers, 0).map(userAlias);
  const tokens = await api.loginAll(readers, target.password);
  const graph = { url, pid, tokens, reposts: 0, quotes: 0, items: 0 };
  for (const token of tokens.slice(0, 20)) {
    const page = (await api.feed(token, 20)).value.items as { repostedBy?: unknown; quote?: unknown }[];
    graph.items += page.length;
    graph.reposts += page.filter((i) => i.repostedBy !== null && i.repostedBy !== undefined).length;
    graph.quotes += page.filter((i) => i.quote !== null && i.quote !== undefined).length;
  }
  return graph;
}

// One phase: `seconds` of reads of one graph at the scenario's rate, pooled into `into`.
async function readPhase(graph: Graph, params: FeedMixParams, seconds: number, into: Kind): Promise<void> {
  const sampler = await startSampler(graph.url, graph.pid);
  const load = await startFeedReaders({
    baseUrl: graph.url,
    tokens: graph.tokens,
    connections: params.readers,
    rate: params.rate,
    durationS: seconds,
    onSample: (_at, ms) => into.latencies.push(ms),
  }).done;
  const memory = await sampler.stop();
  into.errors += load.errors;
  into.pages += load.responses - load.non2xx;
  into.seconds += load.seconds;
  into.serverCpuSeconds += memory.serverCpuSeconds;
  into.rss = Math.max(into.rss, memory.rssMbPeak);
}

/**
 * The same feed reads (first page of 20, `rate` requests/s) on two graphs built alike (FEED_GRAPH): one of plain
 * statuses, one where `repostPercent` of what reached feeds is reposts and `quotePercent` is quotes. The budget: the
 * mixed page's p99 at most 1.2x the plain page's. Both servers run at once and are read in alternated phases
 * (plain-mixed, mixed-plain, ... over `cycles`), each kind's samples pooled, so a drift of the machine falls on both
 * alike; the server CPU per page of each kind is the figure that does not depend on what else runs.
 */
export async function runFeedMixScenario(params: FeedMixParams, target: TargetOptions): Promise<ScenarioResult> {
  const mix = mixShares(params.repostPercent, params.quotePercent);
  return withServer(target, planOf(params.users, { repostShare: 0, quoteShare: 0 }), async (plainServer) =>
    withServer(target, planOf(params.users, mix), async (mixServer) => {
      const plainGraph = await graphOf(plainServer, params, target);
      const mixGraph = await graphOf(mixServer, params, target);
      for (const graph of [plainGraph, mixGraph]) {
        // warm-up, unrecorded
        await startFeedReaders({
          baseUrl: graph.url,
          tokens: graph.tokens,
          connections: params.readers,
          rate: params.rate,
          durationS: 2,
        }).done;
      }
      await sleep(200);
      const plain = new Kind();
      const mixed = new Kind();
      const perPhase = params.durationS / params.cycles;
      const shares = `${Math.round(mix.repostShare * 100)}% reposts, ${Math.round(mix.quoteShare * 100)}% quotes`;
      for (let cycle = 0; cycle < params.cycles; cycle++) {
        const order = cycle % 2 === 0 ? (['plain', 'mixed'] as const) : (['mixed', 'plain'] as const);
        for (const kind of order) {
          target.log(`phase ${cycle + 1}.${kind} (${kind === 'mixed' ? shares : 'plain'}): ${perPhase} s`);
          if (kind === 'plain') await readPhase(plainGraph, params, perPhase, plain);
          else await readPhase(mixGraph, params, perPhase, mixed);
        }
      }
      const p = plain.latencies.summary();
      const m = mixed.latencies.summary();
      // Server CPU per page answered, in ms: the cost of a page whatever else competes for the cores.
      const cpuPerPage = (k: Kind) => round2((k.serverCpuSeconds * 1000) / Math.max(1, k.pages));
      return {
        scenario: 'feed-mix',
        params: { ...params },
        machine: machine(),
        results: {
          plain_feed_ms: { p50: p.p50, p99: p.p99, count: p.count },
          mix_feed_ms: { p50: m.p50, p99: m.p99, count: m.count },
          mix_over_plain_p99: round2(m.p99 / Math.max(0.01, p.p99)),
          plain_server_cpu_ms_per_page: cpuPerPage(plain),
          mix_server_cpu_ms_per_page: cpuPerPage(mixed),
          mix_over_plain_cpu: round2(cpuPerPage(mixed) / Math.max(0.001, cpuPerPage(plain))),
          mix_page_repost_share: round2(mixGraph.reposts / Math.max(1, mixGraph.items)),
          mix_page_quote_share: round2(mixGraph.quotes / Math.max(1, mixGraph.items)),
          plain_rps: round2(plain.pages / Math.max(0.001, plain.seconds)),
          mix_rps: round2(mixed.pages / Math.max(0.001, mixed.seconds)),
          rss_mb_peak: Math.max(plain.rss, mixed.rss),
          errors: plain.errors + mixed.errors,
        },
      };
    }),
  );
}

export const feedMixScenario: ScenarioDefinition<FeedMixParams> = {
  name: 'feed-mix',
  description: 'Feed page p99 with reposts (and quotes) mixed in, against plain statuses (budget: at most 1.2x)',
  options: [
    option('users', 'generated users (each follows 20 who posted 2 statuses)', '2000'),
    option('readers', 'concurrent readers, each a different user', '32'),
    option('duration', 'seconds of measurement per graph, over all its phases', '30'),
    option('cycles', 'alternated pairs of phases (plain/mixed) the measurement is split into', '6'),
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
      cycles: parseWhole(flags.cycles ?? '', '--cycles', 1, 100),
    };
  },
  run: runFeedMixScenario,
};
