import {
  configFromEnvironment,
  hashToken,
  newToken,
  openStoresChecked,
  parseWhole,
  systemClock,
  userAlias,
} from '@tweeter/server/tooling';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { ApiClient } from '../api-client.js';
import { leanRequest } from '../lean-http.js';
import { MetricsSampler } from '../metrics-sampler.js';
import { startPaced, type PacedRequest } from '../paced.js';
import { round2, summarize } from '../percentiles.js';
import { machine, type ScenarioResult } from '../result.js';
import { sleep, withServer, type TargetOptions } from '../setup.js';
import { cpuSince, threadCpu, type ThreadCpu } from '../thread-cpu.js';
import { option, type ScenarioDefinition } from './registry.js';

export type NotificationsParams = { likers: number; rate: number; samples: number };

const SETTLE_TIMEOUT_MS = 120_000;
const DAY_MS = 86_400_000;

/**
 * The notification budgets. The author of a status keeps a stream connection on `notifications`:
 * 1. `samples` likes one at a time: from the PUT until the author's `notification` frame (p50 ≤ 100 ms embedded);
 * 2. the other likers like the same status at `rate` a second while the author reads the unread count 50 times a
 *    second (p99 ≤ 5 ms), then the group's count is checked exact once the notify stage has caught up;
 *    (the server's CPU per like over the burst and its notify work, per thread, read from /proc; the HTTP thread's
 *    event-loop delay and GC pauses over the burst, from /metrics scraped before and after it);
 * 3. the notifications page read 100 times a second for 5 s (p99 ≤ 10 ms).
 */
export async function runNotificationsScenario(
  params: NotificationsParams,
  target: TargetOptions,
): Promise<ScenarioResult> {
  const plan = { users: params.likers + 1, celebrity: 'celebrity', followers: 0, followeesEach: 0, statusesEach: 1 };
  const likers: string[] = [];
  return withServer(
    target,
    plan,
    async (server) => {
      const api = new ApiClient(server.url);
      const author = userAlias(1);
      const token = await api.login(author, target.password);
      const statusId = (await api.story(token, author, 1)).value.items[0]?.id;
      if (!statusId) throw new Error(`setup: @${author} has no status`);
      if (likers.length < params.likers)
        throw new Error('setup: the likers need --data-dir or no --url (their sessions are written there)');
      const auth = (t: string) => ({ authorization: `Bearer ${t}` });
      const likePath = `/api/v1/statuses/${statusId}/reactions/like`;

      // 1. One like at a time until the author's frame.
      const frames: { at: number; count: number }[] = [];
      let unreadFrames = 0;
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/v1/stream?token=${token}`);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', channel: 'notifications', id: 1 })));
        ws.on('message', (raw: Buffer) => {
          const frame = JSON.parse(raw.toString()) as { type: string; data?: { actorCount?: number } };
          if (frame.type === 'ack') resolve();
          if (frame.type === 'notification') frames.push({ at: performance.now(), count: frame.data?.actorCount ?? 0 });
          if (frame.type === 'notifications.unread') unreadFrames++;
        });
        ws.once('error', reject);
      });
      const toFrame: number[] = [];
      let errors = 0;
      for (let i = 0; i < params.samples; i++) {
        const seen = frames.length;
        const started = performance.now();
        const res = await fetch(`${server.url}${likePath}`, { method: 'PUT', headers: auth(likers[i] as string) });
        if (!res.ok) errors++;
        while (frames.length === seen && performance.now() - started < 5_000) await sleep(1);
        const frame = frames[seen];
        if (frame) toFrame.push(frame.at - started);
        else errors++;
      }

      // 2. The burst, with unread-count reads beside it.
      const rest = likers.slice(params.samples);
      target.log(`${rest.length} likes at ${params.rate}/s while the author reads the unread count`);
      // Built beforehand: the load generator shares the cores with the server, so its own cost per like is kept low
      // (and reported: bench_cpu_ms_per_like).
      const countRead: PacedRequest = {
        method: 'GET',
        path: '/api/v1/me/notifications/unread-count',
        headers: auth(token),
      };
      const likes = rest.map((t) => leanRequest(server.url, { method: 'PUT', path: likePath, headers: auth(t) }));
      const readCount = startPaced({ baseUrl: server.url, connections: 4, rate: 50, request: () => countRead });
      const framesBefore = frames.length + unreadFrames;
      // The HTTP thread's event-loop delay and GC pauses over the burst: what an unread-count read can wait behind.
      // One scrape before (prom-client resets its delay histogram) and one after: none during the burst.
      const loop = new MetricsSampler(server.url, 3_600_000);
      await loop.resetPeak();
      const cpuBefore = threadCpu(server.pid);
      // The HTTP thread's CPU a like over the burst's second half too (read when the middle like is sent): a fresh
      // process's first likes also pay for compiling their path (JIT), which a server running for a while did before.
      const middle = Math.floor(rest.length / 2);
      let cpuMid: ThreadCpu | null = null;
      const benchBefore = process.cpuUsage();
      const burst = startPaced({
        baseUrl: server.url,
        connections: 64,
        rate: params.rate,
        durationS: rest.length / params.rate,
        request: () => {
          throw new Error('the burst sends lean requests');
        },
        lean: (n) => {
          if (n === middle) cpuMid = threadCpu(server.pid);
          return likes[n % likes.length] as Buffer;
        },
      });
      const burstResult = await burst.done;
      const cpuBurstEnd = threadCpu(server.pid);
      const benchCpu = process.cpuUsage(benchBefore);
      readCount.stop();
      const countResult = await readCount.done;
      const loopHealth = await loop.stop();
      errors += burstResult.errors + countResult.errors;

      // The group's count once the notify stage has caught up: exact means every liker, once.
      const started = performance.now();
      let actorCount = -1;
      while (performance.now() - started < SETTLE_TIMEOUT_MS) {
        const res = await fetch(`${server.url}/api/v1/me/notifications?types=reaction`, { headers: auth(token) });
        const page = (await res.json()) as { items: { actorCount: number }[] };
        actorCount = page.items[0]?.actorCount ?? 0;
        if (actorCount >= params.likers) break;
        await sleep(50);
      }
      const settleMs = performance.now() - started;
      // The author's live frames over the burst (each a read, a serialization and a socket write on the server).
      const burstFrames = frames.length + unreadFrames - framesBefore;
      // The server's CPU for the burst, its notify work included (until settled): per like, and on which thread.
      const cpu = cpuSince(cpuBefore, threadCpu(server.pid));
      const perLike = (ms: number) => round2(ms / rest.length);
      const mainMs = cpu.threads.find(([k]) => k.startsWith(`${server.pid} `))?.[1] ?? 0;
      const mainOf = (c: ThreadCpu | null): number =>
        [...(c ?? [])].find(([k]) => k.startsWith(`${server.pid} `))?.[1] ?? 0;
      const secondHalfMainMs = cpuMid === null ? 0 : mainOf(cpuBurstEnd) - mainOf(cpuMid);
      for (const [thread, ms] of cpu.threads) target.log(`  cpu ${thread}: ${perLike(ms)} ms per like`);
      ws.close();

      // 3. The notifications page.
      const page = await startPaced({
        baseUrl: server.url,
        connections: 4,
        rate: 100,
        durationS: 5,
        request: () => ({ method: 'GET', path: '/api/v1/me/notifications', headers: auth(token) }),
      }).done;
      errors += page.errors;

      const like = summarize(toFrame);
      const count = countResult.latencies.summary();
      const list = page.latencies.summary();
      return {
        scenario: 'notifications',
        params: { ...params },
        machine: machine(),
        results: {
          like_to_frame_p50_ms: like.p50,
          like_to_frame_p99_ms: like.p99,
          burst_likes_per_s: round2(burstResult.rps),
          unread_count_p99_ms: count.p99,
          unread_count_reads: count.count,
          burst_event_loop_lag_max_ms: loopHealth.eventLoopLagMsMax,
          burst_event_loop_lag_p99_ms: loopHealth.eventLoopLagMsP99.max,
          burst_gc_ms_per_s: loopHealth.gc.msPerSecond,
          burst_gc_pauses_over_10ms: loopHealth.gc.pausesOver10ms,
          group_actor_count: actorCount,
          group_count_exact: actorCount === params.likers ? 1 : 0,
          notify_settle_ms: Math.round(settleMs),
          author_frames_in_burst: burstFrames,
          cpu_ms_per_like: perLike(cpu.total),
          cpu_ms_per_like_main_thread: perLike(mainMs),
          cpu_ms_per_like_other_threads: perLike(cpu.total - mainMs),
          cpu_ms_per_like_main_thread_second_half: round2(secondHalfMainMs / (rest.length - middle)),
          // The load generator's own CPU over the burst (its likes and the unread-count reads beside them).
          bench_cpu_ms_per_like: perLike((benchCpu.user + benchCpu.system) / 1000),
          page_p99_ms: list.p99,
          page_p50_ms: list.p50,
          errors,
        },
      };
    },
    // A session per liker written straight into the file: 1,000 logins would cost 1,000 password hashes.
    async (dataDir) => {
      const opened = await openStoresChecked(configFromEnvironment({ DATA_DIR: dataDir }), systemClock);
      try {
        const now = systemClock.now();
        for (let i = 0; i < params.likers; i++) {
          const t = newToken();
          const session = { tokenHash: hashToken(t), alias: userAlias(i + 2), createdAt: now, expiresAt: now + DAY_MS };
          await opened.store.sessions.create(session);
          likers.push(t);
        }
      } finally {
        await opened.close();
      }
    },
  );
}

export const notificationsScenario: ScenarioDefinition<NotificationsParams> = {
  name: 'notifications',
  description:
    'A like until the author’s notification frame; N likes a second on one status: exact count, unread p99; page p99',
  options: [
    option('likers', 'accounts that like the one status', '1000'),
    option('rate', 'likes per second in the burst', '1000'),
    option('samples', 'likes timed one at a time until the frame (taken from the likers)', '50'),
  ],
  parse(flags) {
    const likers = parseWhole(flags.likers ?? '', '--likers', 2, 100_000);
    return {
      likers,
      rate: parseWhole(flags.rate ?? '', '--rate', 1, 10_000),
      samples: parseWhole(flags.samples ?? '', '--samples', 1, likers - 1),
    };
  },
  run: runNotificationsScenario,
};
