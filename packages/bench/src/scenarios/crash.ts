import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  configFromEnvironment,
  inspectEmbeddedFile,
  parseWhole,
  UsageError,
  type EmbeddedDelivery,
} from '@tweeter/server/tooling';
import { round2 } from '../percentiles.js';
import { scenarioResult, type ScenarioResult } from '../result.js';
import { startChildServer, type BenchServer } from '../server.js';
import { populateInto, signInWriters, sleep, writersGraph, type TargetOptions } from '../setup.js';
import {
  followeesEachOption,
  option,
  parseFolloweesEach,
  parseWriters,
  writerOptions,
  type ScenarioDefinition,
} from './registry.js';

export type CrashParams = {
  users: number;
  writers: number;
  followeesEach: number;
  runs: number;
  killAfterS: number;
  deadlineS: number;
};

/** What one kill and restart cost. */
interface RunOutcome {
  acknowledged: number;
  /** Acknowledged posts whose delivery finished after the restart began (the ones the kill caught). */
  late: number;
  /** Acknowledged posts missing, or short of their audience when the deadline passed. */
  lost: number;
  /** Acknowledged posts with more feed rows, or more deliveries counted, than followers. */
  duplicated: number;
  /** Seconds from the restart (the new process spawned) until every acknowledged post reached its whole audience. */
  recoveryS: number;
  /** Seconds from the restart until the new server listened. */
  listeningS: number;
  /** Seconds from when the new server listened until every acknowledged post was delivered (0: all were by then). */
  afterListeningS: number;
}

/**
 * The crash probe: `writers` authors with about `followeesEach` followers post non-stop through the API; after
 * `killAfterS` the server gets SIGKILL (its one process: job threads and the checkpoint thread die with it) and is
 * restarted on the same DATA_DIR, `runs` times. Each run reports the posts acknowledged (201), any lost or
 * duplicated, and the time from the restart until every acknowledged post was in all its followers' feeds
 * (`deliveries.finished_at`, read from the SQLite file beside the server).
 */
export async function runCrashScenario(params: CrashParams, target: TargetOptions): Promise<ScenarioResult> {
  if (target.url !== undefined) throw new UsageError('bench crash kills the server it starts: --url cannot be used');
  const dataDir = target.dataDir ?? mkdtempSync(join(tmpdir(), 'tweeter-bench-'));
  const start = (): Promise<BenchServer> =>
    startChildServer({ dataDir, nodeArgs: target.nodeArgs, env: target.serverEnv });
  try {
    await populateInto(dataDir, { ...writersGraph(params), password: target.password, seed: target.seed }, target.log);
    let server = await start();
    const outcomes: RunOutcome[] = [];
    try {
      // Sessions live in the database, so the tokens outlast every restart.
      const { tokens } = await signInWriters(server.url, params, target, { seedOffset: 5, post: '' });
      for (let run = 1; run <= params.runs; run += 1) {
        const since = Date.now();
        const acknowledged = await postUntilKilled(server, tokens, params.killAfterS * 1000);
        const restartedAt = Date.now();
        server = await start();
        const listeningS = (Date.now() - restartedAt) / 1000;
        const outcome = await awaitDelivered(dataDir, acknowledged, { since, restartedAt, listeningS }, params);
        outcomes.push(outcome);
        target.log(
          `run ${run}: ${outcome.acknowledged} posts acknowledged, ${outcome.late} caught by the kill, ` +
            `${outcome.lost} lost, ${outcome.duplicated} duplicated; all delivered ${outcome.recoveryS} s after the ` +
            `restart (${outcome.afterListeningS} s after it listened, ${outcome.listeningS} s in)`,
        );
      }
    } finally {
      await server.stop();
    }
    return scenarioResult('crash', params, {
      ...Object.fromEntries(outcomes.map((o, i) => [`run_${i + 1}`, { ...o }])),
      posts_acknowledged: outcomes.reduce((sum, o) => sum + o.acknowledged, 0),
      recovery_s_max: Math.max(...outcomes.map((o) => o.recoveryS)),
      lost: outcomes.reduce((sum, o) => sum + o.lost, 0),
      duplicated: outcomes.reduce((sum, o) => sum + o.duplicated, 0),
      errors: outcomes.reduce((sum, o) => sum + o.lost + o.duplicated, 0),
    });
  } finally {
    if (target.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Each writer posts, waits for the answer and posts again; after `killAfterMs` the server is killed. Returns the ids answered 201. */
async function postUntilKilled(server: BenchServer, tokens: readonly string[], killAfterMs: number): Promise<string[]> {
  const acknowledged: string[] = [];
  let killed = false;
  const write = async (token: string, writer: number): Promise<void> => {
    for (let n = 0; !killed; n += 1) {
      try {
        const res = await fetch(`${server.url}/api/v1/statuses`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ post: `crash probe: writer ${writer}, post ${n}` }),
        });
        if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
        else await res.body?.cancel();
      } catch {
        // The kill cuts the requests in flight: unanswered, so not acknowledged (they may or may not exist).
      }
    }
  };
  const writers = tokens.map((token, i) => write(token, i));
  await sleep(killAfterMs);
  killed = true;
  await server.kill();
  await Promise.all(writers);
  return acknowledged;
}

/** Waits (up to `deadlineS`) until every acknowledged post's delivery is finished, then checks the feeds. */
async function awaitDelivered(
  dataDir: string,
  acknowledged: readonly string[],
  times: { since: number; restartedAt: number; listeningS: number },
  params: Pick<CrashParams, 'deadlineS'>,
): Promise<RunOutcome> {
  const file = inspectEmbeddedFile(configFromEnvironment({ DATA_DIR: dataDir }));
  try {
    const deadline = times.restartedAt + params.deadlineS * 1000;
    let rows = new Map<string, EmbeddedDelivery>();
    const finished = (id: string): boolean => {
      const row = rows.get(id);
      return row !== undefined && row.finishedAt !== null && row.delivered >= row.audience;
    };
    for (;;) {
      rows = file.deliveriesSince(times.since - 1000);
      if (acknowledged.every(finished) || Date.now() > deadline) break;
      await sleep(20);
    }
    const feedRows = file.feedRowsByStatus();
    let lost = 0;
    let duplicated = 0;
    let late = 0;
    let lastFinish = times.restartedAt;
    for (const id of acknowledged) {
      const row = rows.get(id);
      const followers = file.followersOfAuthor(id);
      const inFeeds = feedRows.get(id) ?? 0;
      if (!row || !finished(id) || inFeeds < followers) lost += 1;
      else if (inFeeds > followers || row.delivered > row.audience) duplicated += 1;
      if (row?.finishedAt != null && row.finishedAt > times.restartedAt) {
        late += 1;
        lastFinish = Math.max(lastFinish, row.finishedAt);
      }
    }
    return {
      acknowledged: acknowledged.length,
      late,
      lost,
      duplicated,
      recoveryS: lost > 0 ? -1 : round2((lastFinish - times.restartedAt) / 1000),
      listeningS: round2(times.listeningS),
      afterListeningS:
        lost > 0 ? -1 : round2(Math.max(0, lastFinish - times.restartedAt - times.listeningS * 1000) / 1000),
    };
  } finally {
    file.close();
  }
}

export const crashScenario: ScenarioDefinition<CrashParams> = {
  name: 'crash',
  description:
    'SIGKILL under posting load, restart on the same DATA_DIR: how long until every acknowledged post is delivered',
  options: [
    ...writerOptions('2000', '20'),
    followeesEachOption('20'),
    option('runs', 'kills and restarts, one after the other on the same DATA_DIR', '5'),
    option('kill-after', 'seconds of posting before each SIGKILL', '3'),
    option('deadline', 'seconds after a restart to wait for every acknowledged post before counting it lost', '300'),
  ],
  parse(flags, given) {
    const { users, writers } = parseWriters(flags, given);
    return {
      users,
      writers,
      followeesEach: parseFolloweesEach(flags, given, users),
      runs: parseWhole(flags.runs ?? '', '--runs', 1, 100),
      killAfterS: parseWhole(flags.killAfter ?? '', '--kill-after', 1, 3600),
      deadlineS: parseWhole(flags.deadline ?? '', '--deadline', 1, 3600),
    };
  },
  run: runCrashScenario,
};
