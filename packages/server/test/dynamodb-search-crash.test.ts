import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseSegments, statusTags, statusTerms } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { indexUserJob } from '../src/domain/people-terms.js';
import { newId } from '../src/domain/ids.js';
import type { JobQueue, JobRequest } from '../src/ports/job-queue.js';
import { hourOf, type IndexedStatus } from '../src/ports/status-search.js';
import { useDynamoStores } from './support/dynamo-store.js';

// Crashes of the DynamoDB search writes, made as a dying process leaves them: the items it wrote before dying are
// written here as they would be, then the redelivered job (or the outbox sweeper) runs for real.

const stores = useDynamoStores();
const HOUR = 3_600_000;
const T0 = Math.floor(1_780_000_000_000 / HOUR) * HOUR;
const LATER = Date.now() + HOUR;

function indexed(statusId: string, author: string, post: string, createdAt: number): IndexedStatus {
  const segments = parseSegments(post);
  return { statusId, author, createdAt, terms: statusTerms(segments), tags: statusTags(segments) };
}

describe('DynamoDB search after a crash', () => {
  it('a status whose marker was written but not its counters is counted when the job is redelivered', async () => {
    const t = await stores.create();
    const s = indexed(newId(T0 + 5), 'ann', 'ship it #Rust #go', T0 + 5);
    // The crashed try: the marker with both tags owed; for #rust the author's latest use had already moved to this
    // hour (by this status, from two hours before), its counters not yet added.
    const put = (Item: Record<string, unknown>) => t.doc.send(new PutCommand({ TableName: t.tables.main, Item }));
    await put({ pk: `SDOC#${s.statusId}`, sk: 'SDOC', author: 'ann', terms: [...s.terms], owe: new Set(s.tags) });
    await put({ pk: 'TRENDS#' + String(hourOf(T0) - 2), sk: 'TAG#rust', tag: 'rust', statuses: 1, accounts: 1 });
    await put({
      pk: 'TAGUSE#rust',
      sk: 'USER#ann',
      lastHour: hourOf(T0),
      movedBy: s.statusId,
      movedFrom: hourOf(T0) - 2,
    });
    const window = { from: hourOf(T0) - 3, to: hourOf(T0) };
    expect(await t.store.search.trends(window, 10)).toEqual([{ tag: 'rust', statuses: 1, accounts: 1 }]);

    await t.store.search.index(s); // the redelivered job
    expect(await t.store.search.trends({ from: hourOf(T0), to: hourOf(T0) }, 10)).toEqual([
      { tag: 'go', statuses: 1, accounts: 1 },
      { tag: 'rust', statuses: 1, accounts: 1 },
    ]);
    // The account moved out of the older hour: over the window it counts once.
    expect(await t.store.search.trends(window, 10)).toEqual([
      { tag: 'rust', statuses: 2, accounts: 1 },
      { tag: 'go', statuses: 1, accounts: 1 },
    ]);
    // Once counted, a further delivery counts nothing.
    await t.store.search.index(s);
    expect(await t.store.search.trends(window, 10)).toEqual([
      { tag: 'rust', statuses: 2, accounts: 1 },
      { tag: 'go', statuses: 1, accounts: 1 },
    ]);
    expect((await t.store.search.search(['#rust'], { limit: 10, scan: 100 })).hits.map((h) => h.statusId)).toEqual([
      s.statusId,
    ]);
  });

  it('a sign-up whose index.user was never sent is indexed once the outbox sweeper runs', async () => {
    let down = false;
    const t = await stores.create({
      outboxQueue: (queue) => {
        const wrapped: JobQueue = Object.create(queue) as JobQueue;
        wrapped.enqueue = (jobs: readonly JobRequest[]) =>
          down ? Promise.reject(new Error('the process died here')) : queue.enqueue(jobs);
        return wrapped;
      },
    });
    const zoe = {
      alias: 'zoe',
      firstName: 'Zoë',
      lastName: 'Ørsted',
      passwordHash: 'h',
      imageKey: null,
      createdAt: 1,
      followerCount: 0,
      followeeCount: 0,
    };
    down = true;
    await expect(t.store.users.create(zoe, { outbox: [indexUserJob('zoe')] })).rejects.toThrow('died');
    await expect(
      t.store.users.updateProfile('zoe', { lastName: 'Orsted' }, { outbox: [indexUserJob('zoe')] }),
    ).rejects.toThrow('died');
    down = false;
    expect(await t.store.users.get('zoe')).toMatchObject({ firstName: 'Zoë', lastName: 'Orsted' });
    expect(await t.queue.receive({ max: 10, visibilityMs: 60_000 })).toEqual([]);
    expect(await t.store.resendPending(LATER, 10)).toBe(1); // one item, its latest outbox
    const jobs = await t.queue.receive({ max: 10, visibilityMs: 60_000 });
    expect(jobs.map((j) => [j.name, j.payload])).toEqual([['index.user', { alias: 'zoe' }]]);
    // The marker is cleared once sent: nothing is pending any more.
    expect(await t.store.resendPending(LATER, 10)).toBe(0);
    expect(await t.store.users.get('zoe')).toMatchObject({ alias: 'zoe' });
  });
});
