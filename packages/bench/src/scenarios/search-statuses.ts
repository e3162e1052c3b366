import {
  configFromEnvironment,
  embeddedSearchIndexSize,
  parseWhole,
  sampleDistinct,
  seededRandom,
  userAlias,
} from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { latencyFigure, machine, type ScenarioResult } from '../result.js';
import { sleep, withServer, type TargetOptions } from '../setup.js';
import { option, type ScenarioDefinition } from './registry.js';
import { runPostScenario } from './post.js';
import { distinctSearchQueries } from './search-queries.js';
import { closedLoopSearch, openLoopSearch, type SearchAsk, type SearchPhase } from './search-load.js';

export type SearchStatusesParams = {
  users: number;
  statusesEach: number;
  /** Sockets of the open-loop phase and connections of the closed-loop (capacity) phase. */
  readers: number;
  /** Searches/s offered in the open-loop phase (the budget's figure); 0 skips it. */
  rate: number;
  durationS: number;
  /** Seconds of the closed-loop phase (searches/s at saturation); 0 skips it. */
  closedDurationS: number;
  /** Seconds of each posting run of the before/after pair (0: no pair). */
  postDurationS: number;
  writers: number;
  /** Distinct queries the measured phase cycles through (each connection from its own offset). */
  queries: number;
};

// What a populated writer posts in the pair: words of the same vocabulary with two hashtags (indexed, counted).
const PAIR_POST = 'Morning coffee by the river, then the museum and the library #coffee #weekend';

/**
 * The budgets' population (100,000 users, 10 statuses each: 1,000,000), shared with search-people so that one cached
 * file serves both: every user follows 5 others.
 */
export function searchPopulation(params: { users: number; statusesEach: number }) {
  return {
    users: params.users,
    celebrity: 'celebrity',
    followers: 0,
    followeesEach: 5,
    statusesEach: params.statusesEach,
  };
}

/**
 * Status search on a populated store: distinct two-word searches over the population's vocabulary (page of 20; the
 * share of first pages served from the 1 s shared read and the server CPU per search reported) at `readers` connections, the index size, and
 * the posting cost pair (the `post` scenario with SEARCH_INDEX=off, on, off, on, CPU averaged per side: latency and server CPU per post, the
 * index.status jobs' work included, since the CPU is sampled until the queue drains).
 */
export async function runSearchStatusesScenario(
  params: SearchStatusesParams,
  target: TargetOptions,
): Promise<ScenarioResult> {
  const plan = searchPopulation(params);
  const search = await withServer(
    target,
    plan,
    async (server) => {
      const api = new ApiClient(server.url);
      const readers = sampleDistinct(seededRandom(target.seed + 7), params.users, params.readers, 0).map(userAlias);
      target.log(`signing in ${readers.length} readers`);
      const tokens = await api.loginAll(readers, target.password);
      const size = server.dataDir ? embeddedSearchIndexSize(configFromEnvironment({ DATA_DIR: server.dataDir })) : null;
      const asksOf = (list: readonly string[]): SearchAsk[] =>
        list.map((q, k) => ({
          token: tokens[k % tokens.length] ?? '',
          path: `/api/v1/search/statuses?q=${encodeURIComponent(q)}&limit=20`,
        }));
      // The warm-up asks other words than the measured phases (its reads are not shared with them), and each phase
      // its own part of the list: a query comes back within the shared first page's second only if the run repeats it.
      const all = distinctSearchQueries(params.queries * 2 + 500, target.seed + 11);
      const warm = asksOf(all.slice(params.queries * 2));
      const paced = asksOf(all.slice(0, params.queries));
      const closed = asksOf(all.slice(params.queries, params.queries * 2));
      const connections = params.readers;
      target.log('warming up for 2 s');
      await closedLoopSearch({ baseUrl: server.url, asks: warm, connections, durationS: 2 });
      await sleep(1_200); // past the share's second: nothing of the warm-up is served from it
      const open =
        params.rate > 0
          ? await (async () => {
              target.log(`searching at ${params.rate}/s (open loop, ${connections} sockets) for ${params.durationS} s`);
              return openLoopSearch({
                baseUrl: server.url,
                asks: paced,
                rate: params.rate,
                connections,
                durationS: params.durationS,
              });
            })()
          : null;
      await sleep(1_200);
      target.log(`capacity: ${connections} connections, closed loop, for ${params.closedDurationS} s`);
      const capacity =
        params.closedDurationS > 0
          ? await closedLoopSearch({
              baseUrl: server.url,
              asks: closed,
              connections,
              durationS: params.closedDurationS,
            })
          : null;
      const shareOf = (phase: SearchPhase): number => {
        const firstPages = phase.after.shared + phase.after.read - phase.before.shared - phase.before.read;
        const shared = phase.after.shared - phase.before.shared;
        return firstPages > 0 ? Math.round((shared / firstPages) * 1000) / 10 : -1;
      };
      const figures: Record<string, ScenarioResult['results'][string]> = {};
      if (open) {
        const l = open.load.latencies.summary();
        figures.search_ms = { p50: l.p50, p95: l.p95, p99: l.p99 };
        figures.search_latency_ms = latencyFigure(l);
        figures.search_rate = params.rate;
        figures.search_answered_rps = open.load.rps;
        figures.server_cpu_us_per_search = open.cpuUsPerRequest;
        figures.shared_first_page_pct = shareOf(open);
        figures.asked_per_query = Math.round((open.load.responses / paced.length) * 10) / 10;
      }
      if (capacity) {
        const l = capacity.load.latencies.summary();
        figures.capacity_search_rps = capacity.load.rps;
        figures.capacity_search_ms = { p50: l.p50, p95: l.p95, p99: l.p99 };
        figures.capacity_server_cpu_us_per_search = capacity.cpuUsPerRequest;
        figures.capacity_shared_first_page_pct = shareOf(capacity);
      }
      const errors = (open?.load.errors ?? 0) + (capacity?.load.errors ?? 0);
      return { figures, errors, size };
    },
    undefined,
    { cache: true },
  );

  // The pair runs off, on, off, on (each on a fresh server) and compares the sums: one pair in a row read the
  // machine's drift as much as the index (0.80x to 1.22x on the same code across quiet runs).
  const pair: Record<string, number> = {};
  const cpu = { off: [] as number[], on: [] as number[] };
  let pairErrors = 0;
  if (params.postDurationS > 0) {
    for (const index of ['off', 'on', 'off', 'on'] as const) {
      target.log(`posting pair: SEARCH_INDEX=${index}`);
      const run = await runPostScenario(
        {
          users: 2_000,
          writers: params.writers,
          durationS: params.postDurationS,
          warmupS: 0,
          followeesEach: 20,
          rate: 0,
        },
        { ...target, serverEnv: { ...target.serverEnv, SEARCH_INDEX: index } },
        { post: PAIR_POST },
      );
      const post = run.results.post_ms;
      const round = cpu[index].length + 1;
      pair[`post_p50_ms_index_${index}_${round}`] = post?.p50 ?? -1;
      pair[`post_p99_ms_index_${index}_${round}`] = post?.p99 ?? -1;
      pair[`post_rps_index_${index}_${round}`] = Number(run.results.post_rps ?? -1);
      cpu[index].push(Number(run.results.server_cpu_us_per_req ?? -1));
      pairErrors += run.results.errors;
    }
    const mean = (values: number[]): number => Math.round(values.reduce((a, b) => a + b, 0) / values.length);
    pair.server_cpu_us_per_post_index_off = mean(cpu.off);
    pair.server_cpu_us_per_post_index_on = mean(cpu.on);
    const off = pair.server_cpu_us_per_post_index_off;
    pair.post_cpu_ratio_on_off = off > 0 ? Math.round((pair.server_cpu_us_per_post_index_on / off) * 100) / 100 : -1;
  }

  return {
    scenario: 'search-statuses',
    params: { ...params },
    machine: machine(),
    results: {
      ...search.figures,
      distinct_queries: params.queries,
      index_statuses: search.size?.statuses ?? -1,
      index_mb: search.size ? Math.round((search.size.bytes / 1_048_576) * 10) / 10 : -1,
      file_mb: search.size ? Math.round((search.size.fileBytes / 1_048_576) * 10) / 10 : -1,
      ...pair,
      errors: search.errors + pairErrors,
    },
  };
}

export const searchStatusesScenario: ScenarioDefinition<SearchStatusesParams> = {
  name: 'search-statuses',
  description: 'Two-word status search latency on a populated store, index size, and the posting cost pair',
  options: [
    option('users', 'generated users (the budget: 100000)', '100000'),
    option('statuses-each', 'statuses per user (the budget: 10, so 1,000,000 statuses)', '10'),
    option('readers', 'sockets of the open loop; connections of the closed loop (capacity)', '16'),
    option('rate', 'searches/s offered, evenly spaced (open loop: the budget figure; 0: skip)', '200'),
    option('duration', 'seconds of the open-loop measurement', '20'),
    option('closed-duration', 'seconds of the closed-loop capacity run (0: skip)', '10'),
    option('post-duration', 'seconds of each posting run of the SEARCH_INDEX off/on pair (0: skip the pair)', '15'),
    option('writers', 'concurrent posters in the pair', '20'),
    option(
      'queries',
      'distinct two-word queries the search phase cycles through (each asked a few times at most)',
      '5000',
    ),
  ],
  parse(flags) {
    return {
      users: parseWhole(flags.users ?? '', '--users', 20, 10_000_000),
      statusesEach: parseWhole(flags.statusesEach ?? '', '--statuses-each', 1, 1_000),
      readers: parseWhole(flags.readers ?? '', '--readers', 1, 1_000),
      rate: parseWhole(flags.rate ?? '', '--rate', 0, 100_000),
      durationS: parseWhole(flags.duration ?? '', '--duration', 1, 3600),
      closedDurationS: parseWhole(flags.closedDuration ?? '', '--closed-duration', 0, 3600),
      postDurationS: parseWhole(flags.postDuration ?? '', '--post-duration', 0, 3600),
      writers: parseWhole(flags.writers ?? '', '--writers', 1, 1_000),
      queries: parseWhole(flags.queries ?? '', '--queries', 1, 20_000),
    };
  },
  run: runSearchStatusesScenario,
};
