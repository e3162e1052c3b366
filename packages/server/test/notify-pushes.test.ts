import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { loadConfig } from '../src/config/config.js';
import { Visibility } from '../src/domain/visibility.js';
import { NOTIFY_EVENT_JOB, type NotifyEventPayload } from '../src/domain/notification-groups.js';
import type { JobProcessor } from '../src/jobs/processor.js';
import { systemClock } from '../src/ports/clock.js';
import type { Job } from '../src/ports/job-queue.js';
import type { Store } from '../src/ports/store.js';
import { createReadModel } from '../src/wiring/read-model.js';
import { notificationProcessors } from '../src/wiring/notification-jobs.js';
import { user } from './contract/store-fixtures.js';
import { RecordingRealtime } from './support/social.js';

// The notify stage's live pushes over a real SQLite file, through the wired processor and presenter: within the push
// window, many batches of likes on one status send one `notification` and one `notifications.unread` with the group
// and the count as they stand when sent; with no window (Lambda) every batch pushes.

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-notify-pushes-'));
  store = createSqliteStore(openDatabase(join(dir, 'tweeter.db')), { clock: systemClock, signal: new ReadySignal() });
  await store.users.createMany(['ann', ...likers(12)].map((a) => user(a)));
  await store.statuses.create(
    { id: 'S1', author: 'ann', post: 'popular', segments: [], createdAt: systemClock.now() },
    { audience: 0 },
  );
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function likers(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `liker${i}`);
}

function notifyStage(realtime: RecordingRealtime, pushWindowMs: number): JobProcessor {
  const config = loadConfig({});
  const { hydrator } = createReadModel(config, store, systemClock);
  const visibility = new Visibility({ relations: store.relations });
  const processors = notificationProcessors(config, {
    store,
    hydrator,
    visibility,
    realtime,
    clock: systemClock,
    batchSize: 100,
    pushWindowMs,
  });
  const notify = processors.find((p) => p.jobs.includes(NOTIFY_EVENT_JOB));
  if (!notify?.performBatch) throw new Error('no notify stage');
  return notify;
}

let jobIds = 0;
function like(actor: string, active = true): Job {
  const payload: NotifyEventPayload = {
    type: 'reaction',
    actorId: actor,
    recipientId: 'ann',
    statusId: 'S1',
    reactionKind: 'like',
    at: systemClock.now() + jobIds,
    active,
  };
  jobIds += 1;
  return { id: String(jobIds), name: NOTIFY_EVENT_JOB, payload, attempts: 1, enqueuedAt: 0, receipt: 'r' };
}

const counts = (realtime: RecordingRealtime) => ({
  groups: realtime.ofType('notification').map((e) => (e.event.data as { actorCount: number }).actorCount),
  unread: realtime.ofType('notifications.unread').map((e) => (e.event.data as { count: number }).count),
});

describe('notify stage: live pushes', () => {
  it('within the window, many batches push the group and the count once, as they stand when sent', async () => {
    const realtime = new RecordingRealtime();
    // A long window, so that the batches below fall within it even on a loaded machine.
    const notify = notifyStage(realtime, 1_000);
    const run = (jobs: Job[]) => notify.performBatch?.(jobs);
    // The first batch after a quiet spell is pushed at once (a single like is not delayed).
    await run([like('liker0')]);
    expect(counts(realtime)).toEqual({ groups: [1], unread: [1] });
    // Eleven more batches within the window: nothing more is sent until it ends, then the group of 12 once.
    for (const actor of likers(12).slice(1)) await run([like(actor)]);
    expect(counts(realtime)).toEqual({ groups: [1], unread: [1] });
    await expect.poll(() => counts(realtime), { timeout: 5_000 }).toEqual({ groups: [1, 12], unread: [1, 1] });
    const last = realtime.ofType('notification').at(-1);
    expect(last?.to).toEqual(['ann']);
    expect(last?.event).toMatchObject({ channel: 'notifications', data: { type: 'reaction', status: { id: 'S1' } } });
    // Every like undone within one window: the count goes to 0 and no group frame is sent for a group now gone.
    for (const actor of likers(12)) await run([like(actor, false)]);
    await expect.poll(() => counts(realtime).unread.at(-1), { timeout: 5_000 }).toBe(0);
    expect(counts(realtime).groups).toEqual([1, 12]);
    expect(await store.notifications.unreadCount('ann', 0)).toBe(0);
  });

  it('with no window (Lambda), each batch pushes its group and the count', async () => {
    const realtime = new RecordingRealtime();
    const notify = notifyStage(realtime, 0);
    for (const actor of likers(3)) await notify.performBatch?.([like(actor)]);
    expect(counts(realtime)).toEqual({ groups: [1, 2, 3], unread: [1, 1, 1] });
  });

  it('builds nothing for a recipient who is not connected (Realtime.reaches), and pushes once they are', async () => {
    const connected = new Set<string>();
    const realtime = new (class extends RecordingRealtime {
      reaches(aliases: readonly string[]): boolean {
        return aliases.some((a) => connected.has(a));
      }
    })();
    const notify = notifyStage(realtime, 0);
    await notify.performBatch?.([like('liker0')]);
    expect(counts(realtime)).toEqual({ groups: [], unread: [] });
    connected.add('ann');
    await notify.performBatch?.([like('liker1')]);
    expect(counts(realtime)).toEqual({ groups: [2], unread: [1] }); // one group of two likers: one unread
  });
});
