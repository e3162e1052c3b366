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

// A crash between a quote's status write and its edge in the quoted status's list, on the real stores: the second
// write fails through a fault injected into the adapter's own database connection, as a process dying there would.

const T0 = 1_780_000_000_000;
const LATER = Date.now() + 3_600_000; // past the outbox grace: the sweeper takes every pending write
const quotedStatus: StatusRecord = { id: 'S1', author: 'ann', post: 'a claim', segments: [], createdAt: T0 };
const quote: StatusRecord = {
  id: 'Q1',
  author: 'bob',
  post: 'so true',
  segments: [],
  createdAt: T0 + 1,
  quoteOfId: 'S1',
};

/** What the quotes read of S1 sees: the quoting statuses listed, and S1's quote count. */
async function quotesOf(store: Store): Promise<{ quotes: string[]; count: number }> {
  const quotes = (await store.quotes.list('S1', { limit: 10 })).map((q) => q.id);
  return { quotes, count: (await store.quotes.counts(['S1'])).get('S1') ?? 0 };
}

describe('SQLite: a quote and its edge are one transaction', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('a fault writing the edge writes nothing; the retried post lists and counts the quote once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tweeter-quote-crash-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'tweeter.db'));
    const store = createSqliteStore(db, { clock: systemClock, signal: new ReadySignal() });
    await store.statuses.create(quotedStatus, { audience: 0 });
    // The fault: the edge's insert fails, after the status, its delivery and its jobs were written.
    db.exec(`CREATE TEMP TRIGGER crash BEFORE INSERT ON quotes
             BEGIN SELECT RAISE(ABORT, 'the process died here'); END`);
    const jobs = [{ name: 'fanout.plan', payload: { statusId: 'Q1', author: 'bob' } }];
    await expect(store.statuses.create(quote, { audience: 0, idempotencyKey: 'k', outbox: jobs })).rejects.toThrow(
      'died here',
    );
    expect(await store.statuses.get('Q1')).toBeNull();
    expect(db.prepare("SELECT count(*) AS n FROM jobs WHERE payload LIKE '%Q1%'").get()).toEqual({ n: 0 });
    expect(await quotesOf(store)).toEqual({ quotes: [], count: 0 });

    db.exec('DROP TRIGGER crash');
    const retried = { audience: 0, idempotencyKey: 'k', outbox: jobs };
    expect(await store.statuses.create(quote, retried)).toEqual({ status: quote, created: true });
    expect(await quotesOf(store)).toEqual({ quotes: ['Q1'], count: 1 });
    // A second retry with the key writes nothing: still counted once.
    expect(await store.statuses.create(quote, retried)).toEqual({ status: quote, created: false });
    expect(await quotesOf(store)).toEqual({ quotes: ['Q1'], count: 1 });
    await store.close();
    db.close();
  });
});

describe('DynamoDB: a quote carries its edge in its outbox marker', () => {
  const stores = useDynamoStores();

  it('dies before the edge is written: the quote is in no list, then listed and counted once after the sweep', async () => {
    const t = await stores.create();
    await t.store.statuses.create(quotedStatus, { audience: 0 });
    faultOnce(t.doc, (c) => c instanceof PutCommand && startsWith(c.input.Item?.pk, 'QUOTES#'));
    await expect(t.store.statuses.create(quote, { audience: 0 })).rejects.toThrow('died here');
    expect(await t.store.statuses.get('Q1')).toEqual(quote);
    expect(await quotesOf(t.store)).toEqual({ quotes: [], count: 0 });

    expect(await t.store.resendPending(LATER, 10)).toBe(1);
    expect(await quotesOf(t.store)).toEqual({ quotes: ['Q1'], count: 1 });
    // It asks for a re-count of the quoted status (a count the dead writer may have left off), and finishes once.
    const sent = await t.queue.receive({ max: 10, visibilityMs: 60_000 });
    expect(sent.map((j) => [j.name, j.payload])).toContainEqual(['counts.reconcile', { target: 'status', id: 'S1' }]);
    expect(await t.store.resendPending(LATER, 10)).toBe(0);
    expect(await quotesOf(t.store)).toEqual({ quotes: ['Q1'], count: 1 });
  });

  it('dies between the edge and its count: the sweep keeps one edge and the re-count makes the count right', async () => {
    const t = await stores.create();
    await t.store.statuses.create(quotedStatus, { audience: 0 });
    faultOnce(t.doc, (c) => c instanceof UpdateCommand && startsWith(c.input.Key?.pk, 'QUOTECOUNT#'));
    await expect(t.store.statuses.create(quote, { audience: 0 })).rejects.toThrow('died here');
    expect(await quotesOf(t.store)).toEqual({ quotes: ['Q1'], count: 0 });

    expect(await t.store.resendPending(LATER, 10)).toBe(1);
    // The sweep's edge write finds the edge there, so it adds nothing: the count stays off until the re-count.
    expect(await quotesOf(t.store)).toEqual({ quotes: ['Q1'], count: 0 });
    const sent = await t.queue.receive({ max: 10, visibilityMs: 60_000 });
    expect(sent.map((j) => [j.name, j.payload])).toContainEqual(['counts.reconcile', { target: 'status', id: 'S1' }]);
    expect(await t.store.quotes.recount('S1')).toBe(1); // what the counts.reconcile job does for a status
    expect(await quotesOf(t.store)).toEqual({ quotes: ['Q1'], count: 1 });
  });

  it('the writer that lives writes the edge itself, counted once, and leaves nothing to sweep', async () => {
    const t = await stores.create();
    await t.store.statuses.create(quotedStatus, { audience: 0 });
    expect(await t.store.statuses.create(quote, { audience: 0 })).toEqual({ status: quote, created: true });
    expect(await quotesOf(t.store)).toEqual({ quotes: ['Q1'], count: 1 });
    expect(await t.store.resendPending(LATER, 10)).toBe(0);
    expect(await quotesOf(t.store)).toEqual({ quotes: ['Q1'], count: 1 });
  });
});
