import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { systemClock } from '../src/ports/clock.js';
import type { StatusRecord, Store } from '../src/ports/store.js';
import { faultOnce, startsWith } from './support/dynamo-fault.js';
import { useDynamoStores } from './support/dynamo-store.js';

// A crash between a reply's status write and its place in its thread, on the real stores: the second write fails
// through a fault injected into the adapter's own database connection, as a process dying there would leave it.

const T0 = 1_780_000_000_000;
const LATER = Date.now() + 3_600_000; // past the outbox grace: the sweeper takes every pending write
const root: StatusRecord = { id: 'S1', author: 'ann', post: 'a question', segments: [], createdAt: T0 };
const reply: StatusRecord = {
  id: 'R1',
  author: 'bob',
  post: 'an answer',
  segments: [],
  createdAt: T0 + 1,
  inReplyToId: 'S1',
  inReplyToAuthor: 'ann',
};

/** What the thread read sees of S1: the places under it, and which of them have their status. */
async function thread(store: Store): Promise<{ places: string[]; statuses: string[]; count: number }> {
  const places = (await store.comments.list('S1', { limit: 10 })).map((c) => c.id);
  const found = await store.statuses.getMany(places);
  const count = (await store.comments.counts(['S1'])).get('S1') ?? 0;
  return { places, statuses: places.filter((id) => found.has(id)), count };
}

describe('SQLite: a reply and its place are one transaction', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('a fault writing the place writes nothing; the retried post puts the reply in its thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tweeter-reply-crash-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'tweeter.db'));
    const store = createSqliteStore(db, { clock: systemClock, signal: new ReadySignal() });
    await store.statuses.create(root, { audience: 0 });
    // The fault: the thread record's insert fails, after the status, its delivery and its jobs were written.
    db.exec(`CREATE TEMP TRIGGER crash BEFORE INSERT ON comments
             BEGIN SELECT RAISE(ABORT, 'the process died here'); END`);
    const jobs = [{ name: 'fanout.plan', payload: { statusId: 'R1', author: 'bob' } }];
    await expect(store.statuses.create(reply, { audience: 0, idempotencyKey: 'k', outbox: jobs })).rejects.toThrow(
      'died here',
    );
    expect(await store.statuses.get('R1')).toBeNull();
    expect(await store.deliveries.get('R1')).toBeNull();
    expect(db.prepare("SELECT count(*) AS n FROM jobs WHERE payload LIKE '%R1%'").get()).toEqual({ n: 0 });
    expect(await thread(store)).toEqual({ places: [], statuses: [], count: 0 });

    db.exec('DROP TRIGGER crash');
    expect(await store.statuses.create(reply, { audience: 0, idempotencyKey: 'k', outbox: jobs })).toEqual({
      status: reply,
      created: true,
    });
    expect(await thread(store)).toEqual({ places: ['R1'], statuses: ['R1'], count: 1 });
    await store.close();
    db.close();
  });
});

describe('DynamoDB: a reply carries its place in its outbox marker', () => {
  const stores = useDynamoStores();

  it('dies before the place is written: the reply is in no thread, then in its thread after the sweep', async () => {
    const t = await stores.create();
    await t.store.statuses.create(root, { audience: 0 });
    faultOnce(t.doc, (c) => c instanceof PutCommand && startsWith(c.input.Item?.pk, 'COMMENTS#'));
    await expect(t.store.statuses.create(reply, { audience: 0 })).rejects.toThrow('died here');
    // The status is there, its place is not: the thread shows nothing of it (no half state), its marker is pending.
    expect(await t.store.statuses.get('R1')).toEqual(reply);
    expect(await thread(t.store)).toEqual({ places: [], statuses: [], count: 0 });

    expect(await t.store.resendPending(LATER, 10)).toBe(1);
    expect(await thread(t.store)).toEqual({ places: ['R1'], statuses: ['R1'], count: 1 });
    // It also asks for a re-count of the parent (a count the dead writer may have left off), and finishes once.
    const sent = await t.queue.receive({ max: 10, visibilityMs: 60_000 });
    expect(sent.map((j) => [j.name, j.payload])).toContainEqual(['counts.reconcile', { target: 'status', id: 'S1' }]);
    expect(await t.store.resendPending(LATER, 10)).toBe(0);
    expect(await thread(t.store)).toEqual({ places: ['R1'], statuses: ['R1'], count: 1 });
  });

  it('dies between the place and its count: the sweep keeps one place and the re-count makes the count right', async () => {
    const t = await stores.create();
    await t.store.statuses.create(root, { audience: 0 });
    faultOnce(t.doc, (c) => c instanceof UpdateCommand && startsWith(c.input.Key?.pk, 'COMMENTCOUNT#'));
    await expect(t.store.statuses.create(reply, { audience: 0 })).rejects.toThrow('died here');
    expect(await thread(t.store)).toEqual({ places: ['R1'], statuses: ['R1'], count: 0 });

    expect(await t.store.resendPending(LATER, 10)).toBe(1);
    const sent = await t.queue.receive({ max: 10, visibilityMs: 60_000 });
    expect(sent.map((j) => [j.name, j.payload])).toContainEqual(['counts.reconcile', { target: 'status', id: 'S1' }]);
    expect(await t.store.comments.recount('S1')).toBe(1); // what the counts.reconcile job does
    expect(await thread(t.store)).toEqual({ places: ['R1'], statuses: ['R1'], count: 1 });
  });

  it('a reply whose parent was deleted before its place is taken back by its writer, and places nothing', async () => {
    const t = await stores.create();
    await t.store.statuses.create(root, { audience: 0 });
    await t.store.statuses.delete('S1');
    expect(await t.store.statuses.create(reply, { audience: 0 })).toEqual({
      status: reply,
      created: true,
      parentGone: true,
    });
    expect(await thread(t.store)).toEqual({ places: [], statuses: [], count: 0 });
    expect(await t.store.resendPending(LATER, 10)).toBe(0); // both writers finished: nothing left to sweep
    expect(await thread(t.store)).toEqual({ places: [], statuses: [], count: 0 });
  });
});
