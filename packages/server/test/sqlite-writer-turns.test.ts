import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { SqliteWriter } from '../src/adapters/sqlite/writer.js';

// What a post sent by message (as the HTTP thread sends it to the job thread) waits behind: a bulk group's answers
// are given one a turn of the event loop, so the post's group runs between two of them, not after all of them.
// Ordering only, no timing: the message is taken in the event loop's poll phase, between two turns.
let dir: string;
let dbs: Db[];
const channels: MessageChannel[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-writer-turns-'));
  dbs = [];
});

afterEach(() => {
  for (const channel of channels.splice(0)) channel.port1.close();
  for (const db of dbs) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function open() {
  const db = openDatabase(join(dir, 'w.db'), { migrate: false });
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  dbs.push(db);
  const insert = db.prepare<[string]>('INSERT INTO t (k) VALUES (?)');
  const writer = new SqliteWriter(db, { maxRequests: 1000, maxMs: 10_000 });
  const order: string[] = [];
  // A "post": an interactive write submitted when a message arrives on the port, as job-thread-entry.ts does.
  const channel = new MessageChannel();
  channels.push(channel);
  const posted: Promise<unknown>[] = [];
  channel.port2.on('message', (k: string) => {
    posted.push(
      writer.submit('interactive', () => {
        order.push(`write ${k}`);
        return insert.run(k);
      }),
    );
  });
  const post = (k: string): void => channel.port1.postMessage(k);
  // A job's write (bulk) and what its answer resumes (its after-write step), recorded in order.
  const job = (k: string, onAnswer: () => void = () => {}): Promise<void> =>
    writer
      .submit('bulk', () => {
        order.push(`write ${k}`);
        return insert.run(k);
      })
      .then(() => {
        order.push(`after ${k}`);
        onAnswer();
      });
  return { writer, order, post, posted, job };
}

describe('SqliteWriter turns', () => {
  it("runs a post sent while a bulk group runs before any of the group's answers resume their jobs", async () => {
    const { writer, order, post, posted, job } = open();
    const jobs = [
      writer.submit('bulk', () => {
        order.push('write a');
        post('p'); // arrives while the group runs: taken in the poll phase right after it
      }),
      job('b'),
    ];
    await Promise.all(jobs);
    await Promise.all(posted);
    await writer.idle();
    expect(order).toEqual(['write a', 'write b', 'write p', 'after b']);
  });

  it("gives a bulk group's answers one a turn: a post sent from one job's after-write step goes before the next job's", async () => {
    const { writer, order, post, posted, job } = open();
    await Promise.all([job('a', () => post('p')), job('b'), job('c')]);
    await Promise.all(posted);
    await writer.idle();
    // Before: every answer of the group in the same turn (after a, after b, after c), then the post.
    expect(order).toEqual(['write a', 'write b', 'write c', 'after a', 'write p', 'after b', 'after c']);
  });

  it("still takes a riding receive in a post's group; the post is answered first, the receive after", async () => {
    const { writer, order } = open();
    const interactive = writer.submit('interactive', () => order.push('write p')).then(() => order.push('after p'));
    const riding = writer
      .submit('bulk', () => order.push('write r'), { rides: true })
      .then(() => order.push('after r'));
    await Promise.all([interactive, riding]);
    expect(writer.counts.groups).toBe(1);
    expect(order).toEqual(['write p', 'write r', 'after p', 'after r']);
  });

  it('idle() waits for the answers not yet given, and close() refuses only after them', async () => {
    const { writer, order, job } = open();
    const all = [job('a'), job('b')];
    await writer.idle();
    expect(order).toEqual(['write a', 'write b', 'after a', 'after b']);
    await Promise.all(all);
    await writer.close();
    await expect(writer.submit('bulk', () => 1)).rejects.toThrow(/closed/);
  });
});
