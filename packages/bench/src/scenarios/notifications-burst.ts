import { configFromEnvironment, hashToken, newToken, openStoresChecked, systemClock } from '@tweeter/server/tooling';
import { leanRequest } from '../lean-http.js';
import type { LoadResult, LoadRun } from '../load.js';
import { startPaced } from '../paced.js';
import { startPacedThread } from '../paced-thread.js';

const DAY_MS = 86_400_000;

/** Unread-count reads a second from each of the author's devices (a client polling every 20 ms). */
export const READS_PER_DEVICE_PER_S = 50;

/**
 * Sessions written straight into the data directory (1,000 logins would cost 1,000 password hashes): one token per
 * alias, in order.
 */
export async function writeSessions(dataDir: string, aliases: readonly string[]): Promise<string[]> {
  const opened = await openStoresChecked(configFromEnvironment({ DATA_DIR: dataDir }), systemClock);
  const tokens: string[] = [];
  try {
    const now = systemClock.now();
    for (const alias of aliases) {
      const t = newToken();
      await opened.store.sessions.create({ tokenHash: hashToken(t), alias, createdAt: now, expiresAt: now + DAY_MS });
      tokens.push(t);
    }
  } finally {
    await opened.close();
  }
  return tokens;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * One unread-count read: when it was due (this thread's performance.now() clock), its latency from then, and how
 * late the reads' thread sent it (part of `ms`: the load generator waiting for a core, not the server).
 */
export type TimedRead = { dueAt: number; ms: number; lateMs: number };

/** Time for the reads' thread to start and connect before the first read the measurement counts. */
export const POLL_LEAD_MS = 500;

/**
 * The author's devices polling the unread count, each on its own keep-alive socket with its own session, every read
 * timed from its due time (open loop), until stopped. The reads are sent from a thread of their own
 * (paced-thread.ts): on the bench's main thread they waited behind the burst's own start (its 64 sockets opening,
 * its first sends), up to 18 ms, and that wait was charged to the server. `reads` gets every answered read once
 * the poller is done; the caller counts those due within its window (the thread starts and connects first, so
 * start it POLL_LEAD_MS ahead).
 */
export function pollUnreadCount(
  baseUrl: string,
  deviceTokens: readonly string[],
  reads: TimedRead[],
  realtime = 0,
): LoadRun {
  const requests = deviceTokens.map((t) =>
    leanRequest(baseUrl, { method: 'GET', path: '/api/v1/me/notifications/unread-count', headers: bearer(t) }),
  );
  return startPacedThread({
    baseUrl,
    connections: requests.length,
    rate: READS_PER_DEVICE_PER_S * requests.length,
    requests,
    onSample: (dueAt, ms, lateMs) => reads.push({ dueAt, ms, lateMs }),
    realtime,
    // Its loop delay is not reported (its lateness is), and the monitor's 1 ms timer would wake it 1,000 times a
    // second for 200 reads: in the real-time class, each a preemption of the server.
    watchLoop: false,
  });
}

/**
 * `tokens.length` likes of one status at `rate` a second, one per token, over 64 keep-alive sockets, serialized
 * beforehand (the load generator shares the cores with the server). The sockets are connected before the first like
 * is due, as the other open-loop loads do: opened one per like, the server accepted 64 connections in the burst's
 * first 64 ms (set-up of the load generator's pool, not of the likes). `on.start` runs just before the first like is
 * due, `on.send(n)` as the n-th like is sent.
 */
export function likeBurst(
  baseUrl: string,
  statusId: string,
  tokens: readonly string[],
  rate: number,
  on: { start?: () => void; send?: (n: number) => void } = {},
): Promise<LoadResult> {
  const path = `/api/v1/statuses/${statusId}/reactions/like`;
  const likes = tokens.map((t) => leanRequest(baseUrl, { method: 'PUT', path, headers: bearer(t) }));
  return startPaced({
    baseUrl,
    connections: 64,
    rate,
    durationS: likes.length / rate,
    request: () => {
      throw new Error('the burst sends lean requests');
    },
    lean: (n) => {
      on.send?.(n);
      return likes[n % likes.length] as Buffer;
    },
    preconnect: true,
    ...(on.start ? { beforeStart: on.start } : {}),
  }).done;
}
