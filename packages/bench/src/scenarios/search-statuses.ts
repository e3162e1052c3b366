import {
  configFromEnvironment,
  embeddedSearchIndexSize,
  parseWhole,
  sampleDistinct,
  seededRandom,
  userAlias,
} from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { authed, startLoad } from '../load.js';
import { latencyFigure, machine, type ScenarioResult } from '../result.js';
import { sleep, withServer, type TargetOptions } from '../setup.js';
import { option, type ScenarioDefinition } from './registry.js';
import { runPostScenario } from './post.js';
import { distinctSearchQueries, scrapeSearchCounters } from './search-queries.js';

export type SearchStatusesParams = {
  users: number;
  statusesEach: number;
  readers: number;
  durationS: number;
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
 * the posting cost pair (the `post` scenario with SEARCH_INDEX=off, then on: latency and server CPU per post, the
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
      // Each connection walks the list from its own offset: a query comes back only after the whole list, so the
      // shared first page serves a repeat only when the run is long or fast enough to repeat within its second.
      const requestsOf = (list: readonly string[]) => (i: number) => {
        const from = Math.floor((i * list.length) / params.readers);
        return list.map((_, k) =>
          authed(tokens[(i + k) % tokens.length] ?? '', {
            method: 'GET',
            path: `/api/v1/search/statuses?q=${encodeURIComponent(list[(from + k) % list.length] ?? '')}&limit=20`,
          }),
        );
      };
      // The warm-up asks other words than the measured phase (its reads are not shared with it).
      const all = distinctSearchQueries(params.queries + 500, target.seed + 11);
      const warm = all.slice(params.queries);
      const queries = all.slice(0, params.queries);
      target.log('warming up for 2 s');
      await startLoad({ baseUrl: server.url, connections: params.readers, durationS: 2, requests: requestsOf(warm) })
        .done;
      await sleep(1_200); // past the share's second: nothing of the warm-up is served from it
      const before = await scrapeSearchCounters(server.url);
      target.log(
        `searching ${queries.length} distinct queries with ${params.readers} connections for ${params.durationS} s`,
      );
      const load = await startLoad({
        baseUrl: server.url,
        connections: params.readers,
        durationS: params.durationS,
        requests: requestsOf(queries),
      }).done;
      const after = await scrapeSearchCounters(server.url);
      const firstPages = after.shared + after.read - before.shared - before.read;
      const share = {
        shared_first_page_pct:
          firstPages > 0 ? Math.round(((after.shared - before.shared) / firstPages) * 1000) / 10 : -1,
        asked_per_query: Math.round((load.responses / queries.length) * 10) / 10,
        server_cpu_us_per_search:
          load.responses > 0 ? Math.round(((after.cpuSeconds - before.cpuSeconds) * 1e6) / load.responses) : -1,
      };
      return { latency: load.latencies.summary(), rps: load.rps, errors: load.errors, size, share };
    },
    undefined,
    { cache: true },
  );

  const pair: Record<string, number> = {};
  let pairErrors = 0;
  if (params.postDurationS > 0) {
    for (const index of ['off', 'on'] as const) {
      target.log(`posting pair: SEARCH_INDEX=${index}`);
      const run = await runPostScenario(
        { users: 2_000, writers: params.writers, durationS: params.postDurationS, followeesEach: 20, rate: 0 },
        { ...target, serverEnv: { ...target.serverEnv, SEARCH_INDEX: index } },
        { post: PAIR_POST },
      );
      const post = run.results.post_ms;
      pair[`post_p50_ms_index_${index}`] = post?.p50 ?? -1;
      pair[`post_p99_ms_index_${index}`] = post?.p99 ?? -1;
      pair[`server_cpu_us_per_post_index_${index}`] = Number(run.results.server_cpu_us_per_req ?? -1);
      pair[`post_rps_index_${index}`] = Number(run.results.post_rps ?? -1);
      pairErrors += run.results.errors;
    }
    const off = pair.server_cpu_us_per_post_index_off ?? 0;
    pair.post_cpu_ratio_on_off =
      off > 0 ? Math.round(((pair.server_cpu_us_per_post_index_on ?? 0) / off) * 100) / 100 : -1;
  }

  return {
    scenario: 'search-statuses',
    params: { ...params },
    machine: machine(),
    results: {
      search_ms: { p50: search.latency.p50, p95: search.latency.p95, p99: search.latency.p99 },
      search_latency_ms: latencyFigure(search.latency),
      search_rps: search.rps,
      distinct_queries: params.queries,
      ...search.share,
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
    option('readers', 'concurrent searchers', '16'),
    option('duration', 'seconds of search measurement', '20'),
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
      durationS: parseWhole(flags.duration ?? '', '--duration', 1, 3600),
      postDurationS: parseWhole(flags.postDuration ?? '', '--post-duration', 0, 3600),
      writers: parseWhole(flags.writers ?? '', '--writers', 1, 1_000),
      queries: parseWhole(flags.queries ?? '', '--queries', 1, 20_000),
    };
  },
  run: runSearchStatusesScenario,
};
