import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointPasses } from '../src/adapters/sqlite/checkpoint-pass.js';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { FlushAnnouncer } from '../src/adapters/sqlite/wal-flush-signal.js';
import { WalRestarter, type WalRestartPolicy } from '../src/adapters/sqlite/wal-restart.js';
import { SqliteWriter } from '../src/adapters/sqlite/writer.js';
import { eventually } from './support/test-app.js';

// The WAL starting over while writes go on (wal-restart.ts), over real files: a checkpoint connection that never
// catches up with the writer (a reader on an older snapshot holds its copy back, as writes arriving during the
// checkpoint thread's pass do), with and without the writer finishing the last step itself.
let dir: string;
let open: Db[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-wal-restart-'));
  open = [];
});

afterEach(() => {
  for (const db of open) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

// The backlog step (at backlogFrames) kept out of the tests of the idle one.
const noBacklog = {
  backlogFrames: Number.POSITIVE_INFINITY,
  backlogLeftFrames: 0,
  backlogForceFrames: Number.POSITIVE_INFINITY,
  backlogEveryMs: 0,
};

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

async function writeWhileCheckpointing(name: string, restart: boolean, flushing = false) {
  const file = join(dir, `${name}.db`);
  const db = openDatabase(file, { migrate: false, automaticCheckpoints: false });
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB)');
  const checkpointer = openDatabase(file, { migrate: false, automaticCheckpoints: false });
  const reader = openDatabase(file, { readonly: true });
  open.push(db, checkpointer, reader);
  const restarter = restart
    ? new WalRestarter(db, {
        ...noBacklog,
        probeEveryMs: 0,
        minFrames: 50,
        maxLeftFrames: 10_000,
        sizeLimitBytes: 256 * 1024,
      })
    : undefined;
  const writer = new SqliteWriter(db, { maxRequests: 1000, maxMs: 10_000 }, undefined, restarter);
  // The checkpoint thread's tick as it runs (checkpoint-pass.ts: a pass, its flushes and a catch-up pass), or a bare pass.
  const passes = flushing ? new CheckpointPasses(checkpointer, file) : undefined;
  const insert = db.prepare('INSERT INTO filler (body) VALUES (randomblob(3000))');
  const frames: number[] = [];
  for (let cycle = 0; cycle < 12; cycle++) {
    // A read that started before this cycle's writes: the checkpoint cannot copy past its snapshot.
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM filler').get();
    await Promise.all(
      Array.from({ length: 4 }, () =>
        writer.submit('bulk', () => {
          for (let i = 0; i < 10; i++) insert.run();
        }),
      ),
    );
    if (passes) passes.run();
    else checkpointer.pragma('wal_checkpoint(PASSIVE)');
    reader.exec('COMMIT');
    // The writer's next group (and the step between groups) comes after the checkpoint thread's pass.
    await writer.submit('bulk', () => insert.run());
    await writer.idle();
    const [row] = checkpointer.pragma('wal_checkpoint(NOOP)') as CheckpointRow[];
    frames.push(row?.log ?? -1);
  }
  const walBytes = statSync(`${file}-wal`).size;
  passes?.close();
  restarter?.close();
  return { frames, walBytes, restarter, passes };
}

describe('the WAL restarts while the writer writes', () => {
  it('grows without end when the checkpoints never catch up, and starts over when the writer finishes them', async () => {
    const growing = await writeWhileCheckpointing('growing', false);
    // Every cycle appends: the WAL never starts over.
    for (let i = 1; i < growing.frames.length; i++)
      expect(growing.frames[i]).toBeGreaterThan(growing.frames[i - 1] ?? 0);

    const restarting = await writeWhileCheckpointing('restarting', true);
    const restarts = restarting.frames.filter((n, i) => i > 0 && n < (restarting.frames[i - 1] ?? 0)).length;
    expect(restarts).toBeGreaterThan(2);
    expect(restarting.restarter?.counts.completed).toBeGreaterThan(2);
    expect(Math.max(...restarting.frames)).toBeLessThan(Math.max(...growing.frames) / 2);
    // journal_size_limit cut the file back at a restart: it holds a few cycles' frames, not all of them.
    expect(restarting.walBytes).toBeLessThan(growing.walBytes / 2);
  });

  it('starts over as often when the checkpoint thread flushes what it copied', async () => {
    const growing = await writeWhileCheckpointing('growing', false);
    const restarting = await writeWhileCheckpointing('flushed', true, true);
    const restarts = restarting.frames.filter((n, i) => i > 0 && n < (restarting.frames[i - 1] ?? 0)).length;
    expect(restarts).toBeGreaterThan(2);
    expect(restarting.restarter?.counts.completed).toBeGreaterThan(2);
    expect(Math.max(...restarting.frames)).toBeLessThan(Math.max(...growing.frames) / 2);
    // Every cycle's pass copied frames up to the reader's snapshot and flushed both files.
    expect(restarting.passes?.counts.syncs).toBeGreaterThanOrEqual(2 * 12);
  });

  it('leaves the WAL to the checkpoint thread while it holds fewer than minFrames', async () => {
    const file = join(dir, 'small.db');
    const db = openDatabase(file, { migrate: false, automaticCheckpoints: false });
    open.push(db);
    db.exec('CREATE TABLE t (k INTEGER)');
    const restarter = new WalRestarter(db, {
      probeEveryMs: 0,
      minFrames: 1_000_000,
      maxLeftFrames: 1_000_000,
      sizeLimitBytes: 1 << 20,
      ...noBacklog,
    });
    const writer = new SqliteWriter(db, { maxRequests: 1000, maxMs: 10_000 }, undefined, restarter);
    for (let i = 0; i < 20; i++) await writer.submit('bulk', () => db.prepare('INSERT INTO t VALUES (1)').run());
    await writer.idle();
    expect(restarter.counts.finishes).toBe(0);
    const [row] = db.pragma('wal_checkpoint(NOOP)') as CheckpointRow[];
    expect(row?.checkpointed).toBe(0);
  });

  it('holds its step back while the checkpoint thread says it is flushing the files', async () => {
    const file = join(dir, 'held.db');
    const db = openDatabase(file, { migrate: false, automaticCheckpoints: false });
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB)');
    const checkpointer = openDatabase(file, { migrate: false, automaticCheckpoints: false });
    const reader = openDatabase(file, { readonly: true });
    open.push(db, checkpointer, reader);
    const insert = db.prepare('INSERT INTO filler (body) VALUES (randomblob(3000))');
    for (let i = 0; i < 30; i++) insert.run();
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM filler').get();
    for (let i = 0; i < 30; i++) insert.run();
    // The checkpoint thread copied up to the reader's snapshot: a short tail is left, the step is due.
    checkpointer.pragma('wal_checkpoint(PASSIVE)');
    reader.exec('COMMIT');
    const restarter = new WalRestarter(db, {
      probeEveryMs: 0,
      minFrames: 50,
      maxLeftFrames: 10_000,
      sizeLimitBytes: 1 << 20,
      ...noBacklog,
    });
    const announcer = new FlushAnnouncer(file);
    try {
      expect(restarter.wanted(false)).toBe(true);
      announcer.flushing(true);
      await eventually(async () => !restarter.wanted(false));
      expect(restarter.counts.heldBack).toBeGreaterThan(0);
      announcer.flushing(false);
      await eventually(async () => restarter.wanted(false));
    } finally {
      announcer.close();
      restarter.close();
    }
  });

  it('under a backlog, starts the WAL over while interactive writes wait and the checkpoint thread is behind', async () => {
    type Backlog = Pick<
      WalRestartPolicy,
      'backlogFrames' | 'backlogLeftFrames' | 'backlogForceFrames' | 'backlogEveryMs'
    >;
    const run = async (name: string, backlog: Backlog) => {
      const file = join(dir, `${name}.db`);
      const db = openDatabase(file, { migrate: false, automaticCheckpoints: false });
      open.push(db);
      db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB)');
      // No checkpoint thread at all (every frame is left to copy), and the idle step never wanted (it needs at most
      // 0 frames left): only the backlog step can restart the WAL.
      const restarter = new WalRestarter(db, {
        probeEveryMs: 0,
        minFrames: 50,
        maxLeftFrames: 0,
        sizeLimitBytes: 256 * 1024,
        ...backlog,
      });
      // One request a group: every group ends with interactive writes still waiting.
      const writer = new SqliteWriter(db, { maxRequests: 1, maxMs: 10_000 }, undefined, restarter);
      const insert = db.prepare('INSERT INTO filler (body) VALUES (randomblob(3000))');
      const frames: number[] = [];
      const watch = db.prepare('PRAGMA wal_checkpoint(NOOP)');
      await Promise.all(
        Array.from({ length: 400 }, () =>
          writer
            .submit('interactive', () => insert.run())
            // Answered after its group's COMMIT, before the next group begins: the WAL's frames then.
            .then(() => frames.push((watch.get() as CheckpointRow).log)),
        ),
      );
      await writer.idle();
      const restarts = frames.filter((n, i) => i > 0 && n < (frames[i - 1] ?? 0)).length;
      return { restarts, frames, counts: restarter.counts };
    };
    const never = Number.POSITIVE_INFINITY;

    const growing = await run('no-backlog-step', { ...noBacklog, backlogLeftFrames: never });
    expect(growing.restarts).toBe(0);
    expect(growing.counts.finishes).toBe(0);

    // Past backlogFrames, but more left than backlogLeftFrames, and never the forcing size: it waits.
    const waiting = await run('backlog-left', {
      backlogFrames: 100,
      backlogLeftFrames: 10,
      backlogForceFrames: never,
      backlogEveryMs: 0,
    });
    expect(waiting.restarts).toBe(0);

    // Past backlogFrames with any number left.
    const restarting = await run('backlog-step', {
      backlogFrames: 100,
      backlogLeftFrames: never,
      backlogForceFrames: never,
      backlogEveryMs: 0,
    });
    expect(restarting.counts.backlog).toBeGreaterThan(2);
    expect(restarting.restarts).toBeGreaterThan(2);
    expect(restarting.counts.completed).toBe(restarting.counts.backlog);
    // Each cycle ends soon after backlogFrames (one insert adds a frame or two).
    expect(Math.max(...restarting.frames)).toBeLessThan(110);

    // Past the forcing size, whatever is left.
    const forced = await run('backlog-force', {
      backlogFrames: 100,
      backlogLeftFrames: 10,
      backlogForceFrames: 150,
      backlogEveryMs: 0,
    });
    expect(forced.restarts).toBeGreaterThan(2);
    expect(Math.max(...forced.frames)).toBeLessThan(160);

    // Bounded: one backlog step in a long interval, whatever the WAL's size.
    const bounded = await run('backlog-bounded', {
      backlogFrames: 100,
      backlogLeftFrames: never,
      backlogForceFrames: 150,
      backlogEveryMs: 60_000,
    });
    expect(bounded.counts.backlog).toBe(1);
    expect(bounded.restarts).toBe(1);
  });
});
