import {
  configFromEnvironment,
  openStoresChecked,
  parseWhole,
  personName,
  seededRandom,
  systemClock,
  userAlias,
} from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { Samples } from '../percentiles.js';
import { latencyFigure, machine, type ScenarioResult } from '../result.js';
import { withServer, type TargetOptions } from '../setup.js';
import { option, type ScenarioDefinition } from './registry.js';
import { searchPopulation } from './search-statuses.js';
import { closedLoopSearch, openLoopSearch, type SearchAsk } from './search-load.js';
import { schedPerRequest, threadSched } from '../thread-sched.js';
import { summarize } from '../percentiles.js';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export type SearchPeopleParams = {
  users: number;
  statusesEach: number;
  /** Distinct prefixes each phase cycles through. */
  queries: number;
  /** Searches/s offered in the open-loop phase (the budget's figure); 0 skips it. */
  rate: number;
  durationS: number;
  /** Sockets of the open loop; connections of the closed loop. */
  connections: number;
  /** Seconds of the closed-loop phase (searches/s at saturation); 0 skips it. */
  closedDurationS: number;
  /** Seconds of unrecorded open loop at `rate` before the measured one, over prefixes of their own. */
  warmupS: number;
  /** A file for each open-loop search's due time, latency and lateness, with the prefixes asked in order (--trace). */
  trace?: string;
};
export type SuggestionsParams = {
  users: number;
  statusesEach: number;
  following: number;
  followeesEach: number;
  requests: number;
};

/** The prefixes people type: 1 to 4 letters of a generated name or of an alias, lower or upper case. */
export function peoplePrefixes(users: number, count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const i = 1 + Math.floor(random() * users);
    const name = personName(i);
    const pick = random();
    const source = pick < 0.4 ? name.firstName : pick < 0.8 ? name.lastName : userAlias(i);
    const length = 1 + Math.floor(random() * 4);
    out.push(source === userAlias(i) ? source.slice(0, 5 + length) : source.slice(0, length));
  }
  return out;
}

/**
 * `users` generated users with realistic names (the population indexes them as the index.user job would). One signed-in
 * user's people searches of 1 to 4 letters of a first name, a last name, or an alias prefix: at `rate`/s in an open
 * loop (the budget: p99 ≤ 5 ms at that rate), then as fast as `connections` closed-loop connections get answers
 * (capacity). Server CPU per search from /metrics in both.
 */
export async function runSearchPeopleScenario(
  params: SearchPeopleParams,
  target: TargetOptions,
): Promise<ScenarioResult> {
  // The search-statuses population: one cached file serves both scenarios.
  const plan = searchPopulation(params);
  return withServer(
    target,
    plan,
    async (server) => {
      const api = new ApiClient(server.url);
      const token = await api.login(userAlias(1), target.password);
      const list = peoplePrefixes(params.users, params.queries * 2, target.seed);
      const asksOf = (qs: readonly string[]): SearchAsk[] =>
        qs.map((q) => ({ token, path: `/api/v1/search/users?q=${encodeURIComponent(q)}&limit=20` }));
      // Warm-up: the first requests pay for compilation and cold pages, not the index.
      let found = 0;
      for (const q of list.slice(0, 50)) found += (await api.searchPeople(token, q)).value.items.length;
      const figures: Record<string, ScenarioResult['results'][string]> = {
        results_per_query: Math.round((found / 50) * 10) / 10,
      };
      let errors = 0;
      if (params.rate > 0 && params.warmupS > 0) {
        // As the feed's warm-up: the server's one-time work (its snapshot of the most followed accounts, read on the
        // first query, and the young-generation scavenges that carry it to the old generation) is done before the
        // measured second, on prefixes of its own (the measured ones' ranked lists are still to make).
        target.log(`warming up: ${params.warmupS} s at ${params.rate}/s`);
        const warm = await openLoopSearch({
          baseUrl: server.url,
          asks: asksOf(peoplePrefixes(params.users, params.queries, target.seed + 3)),
          rate: params.rate,
          connections: params.connections,
          durationS: params.warmupS,
        });
        errors += warm.load.errors;
      }
      if (params.rate > 0) {
        target.log(`searching people at ${params.rate}/s (open loop) for ${params.durationS} s`);
        const measured = list.slice(0, params.queries);
        const schedBefore = threadSched(server.pid);
        // Each search's latency from when it left the sender too: the due-time latency less the sender's lateness.
        const fromSend: number[] = [];
        const trace: number[] = [];
        const t0 = performance.now();
        const open = await openLoopSearch({
          baseUrl: server.url,
          asks: asksOf(measured),
          rate: params.rate,
          connections: params.connections,
          durationS: params.durationS,
          onSample: (at, ms, lateMs) => {
            fromSend.push(ms - lateMs);
            if (params.trace) trace.push(at - t0, ms, lateMs);
          },
        });
        const sched = schedPerRequest(server.pid, schedBefore, threadSched(server.pid), open.load.responses);
        if (params.trace)
          writeFileSync(
            params.trace,
            JSON.stringify({
              t0Wall: Date.now() - (performance.now() - t0),
              interval: 1000 / params.rate,
              measured,
              trace,
            }),
          );
        const l = open.load.latencies.summary();
        figures.search_people_ms = { p50: l.p50, p95: l.p95, p99: l.p99, max: l.max };
        figures.search_people_latency_ms = latencyFigure(l);
        figures.search_people_from_send_ms = latencyFigure(summarize(fromSend));
        // The load generator's own delays: how late requests left its thread.
        if (open.load.sendLate) figures.bench_send_late_ms = latencyFigure(open.load.sendLate.summary());
        // Per thread, µs a search: CPU, and time runnable but waiting for a core (where a loaded machine's tail hides).
        figures.server_thread_cpu_us_per_search = sched.cpu;
        figures.server_thread_wait_us_per_search = sched.wait;
        figures.server_thread_runs_per_search = sched.runs;
        figures.search_people_rate = params.rate;
        figures.search_people_answered_rps = open.load.rps;
        figures.server_cpu_us_per_search = open.cpuUsPerRequest;
        errors += open.load.errors;
      }
      if (params.closedDurationS > 0) {
        target.log(`capacity: ${params.connections} connections, closed loop, for ${params.closedDurationS} s`);
        const schedBefore = threadSched(server.pid);
        const closed = await closedLoopSearch({
          baseUrl: server.url,
          asks: asksOf(list.slice(params.queries)),
          connections: params.connections,
          durationS: params.closedDurationS,
        });
        const sched = schedPerRequest(server.pid, schedBefore, threadSched(server.pid), closed.load.responses);
        figures.capacity_server_thread_cpu_us_per_search = sched.cpu;
        figures.capacity_server_thread_runs_per_search = sched.runs;
        const l = closed.load.latencies.summary();
        figures.capacity_search_people_rps = closed.load.rps;
        figures.capacity_search_people_ms = { p50: l.p50, p95: l.p95, p99: l.p99 };
        figures.capacity_server_cpu_us_per_search = closed.cpuUsPerRequest;
        errors += closed.load.errors;
      }
      return {
        scenario: 'search-people',
        params: { ...params },
        machine: machine(),
        results: { ...figures, errors },
      };
    },
    undefined,
    { cache: true },
  );
}

/**
 * `users` generated users each following `followees-each` others; user 1 follows `following` of them (added after
 * the plan). User 1 asks GET /me/suggestions `requests` times, one at a time; measured per request (the budget:
 * p99 ≤ 30 ms for someone following 1,000).
 */
export async function runSuggestionsScenario(
  params: SuggestionsParams,
  target: TargetOptions,
): Promise<ScenarioResult> {
  const plan = {
    users: params.users,
    celebrity: 'celebrity',
    followers: 0,
    followeesEach: params.followeesEach,
    statusesEach: params.statusesEach,
  };
  const me = userAlias(1);
  const followMany = async (dataDir: string): Promise<void> => {
    const opened = await openStoresChecked(configFromEnvironment({ DATA_DIR: dataDir }), systemClock);
    try {
      const edges = Array.from({ length: params.following }, (_, k) => ({ follower: me, followee: userAlias(k + 2) }));
      await opened.store.follows.addMany(edges, Date.now());
    } finally {
      await opened.close();
    }
  };
  return withServer(
    target,
    plan,
    async (server) => {
      const api = new ApiClient(server.url);
      const token = await api.login(me, target.password);
      for (let k = 0; k < 20; k++) await api.suggestions(token);
      const samples = new Samples();
      let errors = 0;
      let listed = 0;
      for (let k = 0; k < params.requests; k++) {
        try {
          const res = await api.suggestions(token);
          samples.push(res.ms);
          listed = res.value.items.length;
        } catch {
          errors++;
        }
      }
      const s = samples.summary();
      return {
        scenario: 'suggestions',
        params: { ...params },
        machine: machine(),
        results: { suggestions_ms: { p50: s.p50, p95: s.p95, p99: s.p99, max: s.max }, listed, errors },
      };
    },
    followMany,
    { cache: true },
  );
}

export const searchPeopleScenario: ScenarioDefinition<SearchPeopleParams> = {
  name: 'search-people',
  description: 'People search by prefix of a name or alias (1 to 4 letters): latency per request',
  options: [
    option('users', 'generated users, with realistic names (the budget: 100000)', '100000'),
    option('statuses-each', 'statuses per user (the search-statuses population: 10)', '10'),
    option('queries', 'distinct prefixes each phase cycles through (after 50 to warm up)', '2000'),
    option('rate', 'searches/s offered, evenly spaced (open loop: the budget figure; 0: skip)', '500'),
    option('duration', 'seconds of the open-loop measurement', '20'),
    option('connections', 'sockets of the open loop; connections of the closed loop (capacity)', '16'),
    option('closed-duration', 'seconds of the closed-loop capacity run (0: skip)', '10'),
    option('warmup', 'seconds of unrecorded open loop at --rate first, on prefixes of its own (0: none)', '2'),
    option(
      'trace',
      "write each open-loop search's due time, latency and lateness, and the prefixes, to this JSON file",
      '',
    ),
  ],
  parse(flags) {
    return {
      users: parseWhole(flags.users ?? '', '--users', 10, 10_000_000),
      statusesEach: parseWhole(flags.statusesEach ?? '', '--statuses-each', 0, 1_000),
      queries: parseWhole(flags.queries ?? '', '--queries', 1, 1_000_000),
      rate: parseWhole(flags.rate ?? '', '--rate', 0, 100_000),
      durationS: parseWhole(flags.duration ?? '', '--duration', 1, 3600),
      connections: parseWhole(flags.connections ?? '', '--connections', 1, 1_000),
      closedDurationS: parseWhole(flags.closedDuration ?? '', '--closed-duration', 0, 3600),
      warmupS: parseWhole(flags.warmup ?? '', '--warmup', 0, 600),
      ...(flags.trace ? { trace: resolve(flags.trace) } : {}),
    };
  },
  run: runSearchPeopleScenario,
};

export const suggestionsScenario: ScenarioDefinition<SuggestionsParams> = {
  name: 'suggestions',
  description: 'Who to follow for a user following N accounts: latency per request',
  options: [
    option('users', 'generated users (the budget: 100000)', '100000'),
    option('statuses-each', 'statuses per user (suggestions read only the latest: 1 keeps the file small)', '1'),
    option('following', 'accounts the measured user follows', '1000'),
    option('followees-each', 'random follows of every generated user', '50'),
    option('requests', 'requests measured (after 20 to warm up)', '300'),
  ],
  parse(flags) {
    const users = parseWhole(flags.users ?? '', '--users', 10, 10_000_000);
    return {
      users,
      statusesEach: parseWhole(flags.statusesEach ?? '', '--statuses-each', 0, 1_000),
      following: parseWhole(flags.following ?? '', '--following', 1, users - 1),
      followeesEach: parseWhole(flags.followeesEach ?? '', '--followees-each', 0, Math.min(1000, users - 1)),
      requests: parseWhole(flags.requests ?? '', '--requests', 1, 100_000),
    };
  },
  run: runSuggestionsScenario,
};
