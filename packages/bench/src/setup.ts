import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  configFromEnvironment,
  UsageError,
  userAlias,
  type PopulationPlan,
  populateStore,
  sampleDistinct,
  seededRandom,
} from '@tweeter/server/tooling';
import { ApiClient } from './api-client.js';
import { authed } from './load.js';
import { MetricsSampler } from './metrics-sampler.js';
import type { PacedRequest } from './paced.js';
import { attachServer, startChildServer, type BenchServer } from './server.js';
import { populateFromCache } from './population-cache.js';

/** Options every scenario takes. */
export interface TargetOptions {
  /** An already running server; otherwise the scenario starts its own child server. */
  url?: string;
  /** That server's DATA_DIR (population is written there), or the child's DATA_DIR instead of a temporary one. */
  dataDir?: string;
  password: string;
  seed: number;
  /** Extra node flags for the child server, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** A file the child server's stdout and stderr are appended to (e.g. with --node-args --trace-gc-nvp). */
  serverOut?: string;
  /** Settings for the child server only (the report's runs set e.g. FANOUT_PULL_THRESHOLD this way). */
  serverEnv?: Readonly<Record<string, string>>;
  log(line: string): void;
}

/**
 * Populates `plan` through the store (in this process, before the server starts), starts the server, runs `body`,
 * and stops the server and deletes its temporary DATA_DIR afterwards, whatever happens.
 */
export async function withServer<T>(
  target: TargetOptions,
  plan: Omit<PopulationPlan, 'password' | 'seed'>,
  body: (server: BenchServer) => Promise<T>,
  /** More data written into the DATA_DIR after the plan, before the server starts (skipped with --url alone). */
  extra?: (dataDir: string) => Promise<void>,
  /**
   * cache: a temporary DATA_DIR starts as a copy of the plan's populated file kept in the OS temp dir
   * (population-cache.ts), built on the first run only. For the large populations of the search budgets.
   */
  options: { cache?: boolean } = {},
): Promise<T> {
  const full: PopulationPlan = { ...plan, password: target.password, seed: target.seed };
  // Checked before populating anything: an unreachable --url is a usage error with nothing written.
  const attached = target.url === undefined ? null : await attachServer(target.url, target.dataDir ?? null);
  const temporary = target.dataDir === undefined && attached === null;
  const dataDir = target.dataDir ?? (attached ? null : mkdtempSync(join(tmpdir(), 'tweeter-bench-')));
  try {
    if (dataDir === null) {
      target.log('skipping population: --url without --data-dir; the graph must exist (see `tweeter populate`)');
      if (attached) await requireGraph(attached.url, full);
    } else {
      if (temporary && options.cache) await populateFromCache(dataDir, full, target.log, populateInto);
      else await populateInto(dataDir, full, target.log);
      await extra?.(dataDir);
    }
    const server =
      attached ??
      (await startChildServer({
        dataDir: dataDir as string,
        nodeArgs: target.nodeArgs,
        env: target.serverEnv,
        out: target.serverOut,
      }));
    try {
      return await body(server);
    } finally {
      await server.stop();
    }
  } finally {
    if (temporary && dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A server we only know by URL must hold the graph already: its last generated user signs in. */
async function requireGraph(url: string, plan: PopulationPlan): Promise<void> {
  const last = userAlias(plan.users);
  try {
    await new ApiClient(url).login(last, plan.password);
  } catch {
    throw new UsageError(
      `--url ${url}: cannot sign in as @${last}, so the server lacks this scenario's users: ` +
        'run `tweeter populate` with the same sizes on its DATA_DIR, pass --data-dir, or give the right --password',
    );
  }
}

/** Populates `plan` into the SQLite file of `dataDir` (before a server runs there). */
export async function populateInto(dataDir: string, plan: PopulationPlan, log: (line: string) => void): Promise<void> {
  const summary = await populateStore(configFromEnvironment({ DATA_DIR: dataDir }), plan);
  log(
    `populated ${dataDir}: +${summary.usersAdded} users, +${summary.followsAdded} follows, ` +
      `+${summary.statusesAdded} statuses in ${summary.seconds.toFixed(1)} s`,
  );
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The server followed from now on (its memory from /proc when `pid` is known, its /metrics as Prometheus would scrape
 * it), the peaks of the set-up (population, logins with scrypt) forgotten.
 */
export async function startSampler(url: string, pid: number | null = null): Promise<MetricsSampler> {
  const sampler = new MetricsSampler(url, 1000, { pid });
  sampler.start();
  await sampler.resetPeak();
  return sampler;
}

/** `count` distinct generated users of the first `users`, the same for the same seed (offset per scenario role). */
export function sampleAliases(seed: number, users: number, count: number): string[] {
  return sampleDistinct(seededRandom(seed), users, count, 0).map(userAlias);
}

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
  const writers = sampleAliases(target.seed + options.seedOffset, params.users, params.writers);
  target.log(`signing in ${writers.length} writers`);
  const tokens = await api.loginAll(writers, target.password);
  const body = { post: options.post };
  const requests = (i: number) => [authed(tokens[i] ?? '', { method: 'POST', path: '/api/v1/statuses', json: body })];
  return { api, writers, tokens, requests, body };
}

/** POST /api/v1/statuses of `body` as `token`, for paced (open-loop) posting. */
export function postRequest(token: string, body: { post: string }): PacedRequest {
  return {
    method: 'POST',
    path: '/api/v1/statuses',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}
