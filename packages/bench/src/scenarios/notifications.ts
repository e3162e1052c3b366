import { parseWhole, userAlias } from '@tweeter/server/tooling';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { ApiClient } from '../api-client.js';
import { MetricsSampler } from '../metrics-sampler.js';
import { startPaced } from '../paced.js';
import { round2, summarize } from '../percentiles.js';
import { machine, type ScenarioResult } from '../result.js';
import { sleep, withServer, type TargetOptions } from '../setup.js';
import { cpuSince, threadCpu, type ThreadCpu } from '../thread-cpu.js';
import { schedPerRequest, threadSched } from '../thread-sched.js';
import { setRealtime } from '../realtime.js';
import { likeBurst, pollUnreadCount, POLL_LEAD_MS, writeSessions, type TimedRead } from './notifications-burst.js';
import { option, type ScenarioDefinition } from './registry.js';

export type NotificationsParams = {
  likers: number;
  rate: number;
  samples: number;
  warmup: number;
  devices: number;
  /** 1: the warm-up made by the burst's own likers (their sessions cached when it starts), not by other accounts. */
  warmSessions: number;
  /**
   * Senders in the real-time class over the burst where allowed (realtime.ts): 1 the unread reads' thread (it sends on
   * time and reads answers as they arrive, as a device of its own would), 2 the likes' sender too; 0 (default) none:
   * neither lowered the unread p99 in quiet runs (docs/benchmarks.md, `s14-unread`).
   */
  senderRt: number;
};

const SETTLE_TIMEOUT_MS = 120_000;

/**
 * The notification budgets. The author of a status keeps a stream connection on `notifications`:
 * 1. `samples` likes one at a time: from the PUT until the author's `notification` frame (p50 ≤ 100 ms embedded);
 * 2. a warm-up burst, not measured: `warmup` other accounts like another status at `rate` a second while the
 *    author's devices poll the unread count (a server in production has served likes before: their path is
 *    compiled); then the other likers like the author's status at `rate` a second while the author's `devices`
 *    (each its own session and socket, sent from a thread of their own) read the unread count 50 times a second each
 *    (p99 ≤ 5 ms, over the reads due in the burst), then the group's
 *    count is checked exact once the notify stage has caught up (the server's CPU per like over the burst and its
 *    notify work, per thread, read from /proc; the HTTP thread's event-loop delay and GC pauses over the burst, from
 *    /metrics scraped before and after it); `--warmup 0 --devices 1` is the measurement before the warm-up;
 *    `--warm-sessions 1` has the burst's own likers make the warm-up, so the burst's token checks hit the server's
 *    session cache (a returning user's like) instead of reading 950 sessions new to the server (the budget's case);
 * 3. the notifications page read 100 times a second for 5 s (p99 ≤ 10 ms).
 */
export async function runNotificationsScenario(
  params: NotificationsParams,
  target: TargetOptions,
): Promise<ScenarioResult> {
  const { likers: likerCount, warmup, devices } = params;
  // user 1 is the author; 2 .. likers+1 like the author's status; the next `warmup` like user 2's status first.
  const plan = {
    users: likerCount + warmup + 1,
    celebrity: 'celebrity',
    followers: 0,
    followeesEach: 0,
    statusesEach: 1,
  };
  const tokens = { likers: [] as string[], warmup: [] as string[], devices: [] as string[] };
  return withServer(
    target,
    plan,
    async (server) => {
      const api = new ApiClient(server.url);
      const author = userAlias(1);
      const token = await api.login(author, target.password);
      const statusId = (await api.story(token, author, 1)).value.items[0]?.id;
      if (!statusId) throw new Error(`setup: @${author} has no status`);
      const likers = tokens.likers;
      if (likers.length < likerCount)
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
      const deviceTokens = devices === 1 ? [token] : tokens.devices;

      // 2a. The warm-up: other accounts like another status, the author's devices polling; nothing of it is reported
      // but its errors.
      if (warmup > 0) {
        const other = (await api.story(token, userAlias(2), 1)).value.items[0]?.id;
        if (!other) throw new Error(`setup: @${userAlias(2)} has no status`);
        // The burst's likers themselves with --warm-sessions (their sessions stay cached for SESSION_CACHE_TTL_MS).
        const warmTokens = params.warmSessions === 1 ? likers.slice(params.samples) : tokens.warmup;
        target.log(`warm-up: ${warmTokens.length} likes of another status at ${params.rate}/s`);
        const polling = pollUnreadCount(server.url, deviceTokens, []);
        await sleep(POLL_LEAD_MS);
        const warm = await likeBurst(server.url, other, warmTokens, params.rate);
        polling.stop();
        const polled = await polling.done;
        errors += warm.errors + polled.errors;
        await sleep(500); // its notify work and live pushes done
      }

      // 2b. The burst, with unread-count reads beside it.
      const rest = likers.slice(params.samples);
      target.log(
        `${rest.length} likes at ${params.rate}/s while ${devices} devices of the author read the unread count`,
      );
      const reads: TimedRead[] = [];
      const readCount = pollUnreadCount(server.url, deviceTokens, reads, params.senderRt >= 1 ? 2 : 0);
      await sleep(POLL_LEAD_MS);
      const framesBefore = frames.length + unreadFrames;
      // The HTTP thread's event-loop delay and GC pauses over the burst: what an unread-count read can wait behind.
      // One scrape before (prom-client resets its delay histogram) and one after: none during the burst.
      const loop = new MetricsSampler(server.url, 3_600_000);
      await loop.resetPeak();
      const cpuBefore = threadCpu(server.pid);
      // Per thread of the server and of this load generator: CPU and run-queue wait over the burst.
      const schedBefore = { server: threadSched(server.pid), bench: threadSched(process.pid) };
      // The HTTP thread's CPU a like over the burst's second half too (read when the middle like is sent).
      const middle = Math.floor(rest.length / 2);
      let cpuMid: ThreadCpu | null = null;
      let benchBefore = process.cpuUsage();
      let burstStart = performance.now();
      // In the real-time class only for the burst (this thread runs the rest of the scenario too).
      const likesRealtime = params.senderRt === 2 && setRealtime(process.pid, 1);
      const burstResult = await likeBurst(server.url, statusId, rest, params.rate, {
        // From the first like's due time (the burst's sockets are connected before it).
        start: () => {
          benchBefore = process.cpuUsage();
          burstStart = performance.now();
        },
        send: (n) => {
          if (n === middle) cpuMid = threadCpu(server.pid);
        },
      }).catch((err: unknown) => {
        if (likesRealtime) setRealtime(process.pid, 0);
        throw err;
      });
      const cpuBurstEnd = threadCpu(server.pid);
      const schedAfter = { server: threadSched(server.pid), bench: threadSched(process.pid) };
      const burstEnd = performance.now();
      // The burst's window on CLOCK_MONOTONIC (process.hrtime's clock, perf's -k CLOCK_MONOTONIC): for
      // scripts/sched-turns.py --window, which reads a perf recording of the run.
      const monoEndS = Number(process.hrtime.bigint()) / 1e9 - (performance.now() - burstEnd) / 1e3;
      target.log(
        `burst window on CLOCK_MONOTONIC: ${(monoEndS - (burstEnd - burstStart) / 1e3).toFixed(6)} ${monoEndS.toFixed(6)} s`,
      );
      const benchCpu = process.cpuUsage(benchBefore);
      // Back to the normal class once the burst's figures are read (chrt is a child process: a few ms).
      if (likesRealtime) setRealtime(process.pid, 0);
      readCount.stop();
      const countResult = await readCount.done;
      const loopHealth = await loop.stop();
      // The reads due during the burst (the poller ran from POLL_LEAD_MS before it).
      const inBurst = reads.filter((r) => r.dueAt >= burstStart && r.dueAt <= burstEnd);
      // The slowest reads, each with its due time on CLOCK_MONOTONIC (to be set against a perf recording of the
      // server's threads, scripts/sched-turns.py) and its split: how late the reads' thread sent it, then the rest.
      for (const r of [...inBurst].sort((a, b) => b.ms - a.ms).slice(0, 5)) {
        const dueMonoS = monoEndS - (burstEnd - r.dueAt) / 1e3;
        target.log(
          `slow read: due ${dueMonoS.toFixed(6)} s (+${(r.dueAt - burstStart).toFixed(1)} ms), ${r.ms.toFixed(2)} ms: ` +
            `sent ${r.lateMs.toFixed(2)} ms late, ${(r.ms - r.lateMs).toFixed(2)} ms from send`,
        );
      }
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
      const serverSched = schedPerRequest(server.pid, schedBefore.server, schedAfter.server, rest.length);
      const benchSched = schedPerRequest(process.pid, schedBefore.bench, schedAfter.bench, rest.length);
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
      const count = summarize(inBurst.map((r) => r.ms));
      // The same reads timed from when they left the reads' thread: what the server and the network took.
      const fromSend = summarize(inBurst.map((r) => r.ms - r.lateMs));
      const list = page.latencies.summary();
      return {
        scenario: 'notifications',
        params: { ...params },
        machine: machine(),
        results: {
          like_to_frame_p50_ms: like.p50,
          like_to_frame_p99_ms: like.p99,
          burst_likes_per_s: round2(burstResult.rps),
          unread_count_p50_ms: count.p50,
          unread_count_p99_ms: count.p99,
          unread_count_max_ms: count.max,
          unread_count_reads: count.count,
          unread_count_from_send_p99_ms: fromSend.p99,
          unread_count_from_send_max_ms: fromSend.max,
          unread_send_late_max_ms: countResult.sendLate?.summary().max ?? 0,
          unread_send_late_p99_ms: countResult.sendLate?.summary().p99 ?? 0,
          unread_send_late_p50_ms: countResult.sendLate?.summary().p50 ?? 0,
          // 1: the reads' thread / the likes' sender ran in the real-time class as asked (--sender-rt); 0: it was
          // not asked or could not be.
          unread_sender_realtime: countResult.realtime === true ? 1 : 0,
          likes_sender_realtime: likesRealtime ? 1 : 0,
          // How late the likes left the bench (sent minus due): a late sender bunches them into the server's turns.
          burst_send_late_p99_ms: burstResult.sendLate?.summary().p99 ?? 0,
          burst_send_late_max_ms: burstResult.sendLate?.summary().max ?? 0,
          burst_event_loop_lag_max_ms: loopHealth.eventLoopLagMsMax,
          burst_event_loop_lag_p99_ms: loopHealth.eventLoopLagMsP99.max,
          burst_gc_ms_per_s: loopHealth.gc.msPerSecond,
          burst_gc_pauses_over_10ms: loopHealth.gc.pausesOver10ms,
          // The machine's load over the burst, in % of one core: the server, this load generator, everything else.
          burst_cpu_pct_server: loopHealth.cpuPct.server,
          burst_cpu_pct_bench: loopHealth.cpuPct.bench,
          burst_cpu_pct_other: loopHealth.cpuPct.other,
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
          // Per thread over the burst, µs a like: CPU, time runnable but waiting for a core, and wake-ups (runs).
          server_thread_cpu_us_per_like: serverSched.cpu,
          server_thread_wait_us_per_like: serverSched.wait,
          bench_thread_cpu_us_per_like: benchSched.cpu,
          bench_thread_wait_us_per_like: benchSched.wait,
          bench_thread_runs_per_like: benchSched.runs,
          page_p99_ms: list.p99,
          page_p50_ms: list.p50,
          errors,
        },
      };
    },
    // A session per liker (and per device of the author beyond its first) written straight into the file.
    async (dataDir) => {
      const aliases = (from: number, n: number) => Array.from({ length: n }, (_, i) => userAlias(from + i));
      tokens.likers = await writeSessions(dataDir, aliases(2, likerCount));
      tokens.warmup = await writeSessions(dataDir, aliases(likerCount + 2, warmup));
      tokens.devices = await writeSessions(
        dataDir,
        Array.from({ length: devices }, () => userAlias(1)),
      );
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
    option('warmup', 'likes of another status by other accounts before the burst, not measured (0: none)', '1000'),
    option('devices', "the author's devices polling the unread count, 50 reads a second each", '4'),
    option('warm-sessions', "1: the burst's likers make the warm-up (their sessions cached), not other accounts", '0'),
    option(
      'sender-rt',
      "real-time class where allowed: 1 the unread reads' thread, 2 the likes' sender too, 0 none",
      '0',
    ),
  ],
  parse(flags) {
    const likers = parseWhole(flags.likers ?? '', '--likers', 2, 100_000);
    return {
      likers,
      rate: parseWhole(flags.rate ?? '', '--rate', 1, 10_000),
      samples: parseWhole(flags.samples ?? '', '--samples', 1, likers - 1),
      warmup: parseWhole(flags.warmup ?? '', '--warmup', 0, 100_000),
      devices: parseWhole(flags.devices ?? '', '--devices', 1, 64),
      warmSessions: parseWhole(flags.warmSessions ?? '', '--warm-sessions', 0, 1),
      senderRt: parseWhole(flags.senderRt ?? '', '--sender-rt', 0, 2),
    };
  },
  run: runNotificationsScenario,
};
