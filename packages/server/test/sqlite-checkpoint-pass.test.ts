import { fdatasyncSync, fstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointPasses } from '../src/adapters/sqlite/checkpoint-pass.js';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';

// The checkpoint thread's tick (checkpoint-pass.ts) over real files: a PASSIVE pass that cannot copy the whole WAL
// (a reader on an older snapshot holds it back, as commits arriving during the pass do) leaves SQLite's database
// fsync to whoever finishes the WAL later (the writer's restart step); the tick flushes the database file and the
// WAL itself. Its flushes are the real fdatasync, told apart by the file they reach.
let dir: string;
let open: Db[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-ckpt-pass-'));
  open = [];
});

afterEach(() => {
  for (const db of open) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

interface CheckpointRow {
  log: number;
  checkpointed: number;
}

/** The file with a table to fill: the writer's, the checkpoint thread's and a reader's connections to it. */
function openFiles() {
  const file = join(dir, 'tweeter.db');
  const writer = openDatabase(file, { migrate: false, automaticCheckpoints: false });
  writer.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB)');
  const checkpointer = openDatabase(file, { migrate: false, automaticCheckpoints: false });
  const reader = openDatabase(file, { readonly: true });
  open.push(writer, checkpointer, reader);
  const insert = writer.prepare('INSERT INTO filler (body) VALUES (randomblob(3000))');
  return { file, writer, checkpointer, reader, insert };
}

function setUp() {
  const { file, writer, checkpointer, reader, insert } = openFiles();
  const write = (rows: number) => writer.transaction(() => Array.from({ length: rows }, () => insert.run()))();
  const flushed: string[] = [];
  const announced: boolean[] = [];
  const inode = (path: string) => statSync(path).ino;
  const passes = new CheckpointPasses(checkpointer, file, {
    sync: (fd) => {
      const ino = fstatSync(fd).ino;
      flushed.push(ino === inode(file) ? 'db' : ino === inode(`${file}-wal`) ? 'wal' : 'other');
      fdatasyncSync(fd);
    },
    flushing: (on) => announced.push(on),
  });
  const counters = () => (checkpointer.pragma('wal_checkpoint(NOOP)') as CheckpointRow[])[0];
  /** A tick while a reader's snapshot (left open) keeps its pass from copying the WAL's second half. */
  const tickBehindReader = () => {
    write(50);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM filler').get();
    write(50);
    passes.run();
  };
  return { writer, reader, write, passes, flushed, announced, counters, tickBehindReader };
}

describe('the checkpoint thread flushes what its passes copied', () => {
  it('flushes the database file and the WAL after a pass that copied part of the WAL', () => {
    const { reader, passes, flushed, announced, counters, tickBehindReader } = setUp();
    // A read started half-way: no pass may copy the frames written after it.
    tickBehindReader();
    const row = counters();
    expect(row?.checkpointed).toBeGreaterThan(0);
    expect(row?.checkpointed).toBeLessThan(row?.log ?? 0); // SQLite's own database fsync did not run
    expect(flushed).toEqual(['db', 'wal']);
    // The catch-up pass ran too, and copied nothing past the reader's snapshot: no second flush.
    expect(passes.counts).toEqual({ passes: 2, syncs: 2 });
    // The writer was told to hold its own step back for the tick's flushes, and then that they were done.
    expect(announced).toEqual([true, false]);
    reader.exec('COMMIT');
  });

  it('flushes again after the catch-up pass copies what arrived meanwhile, and does nothing with nothing new', () => {
    const { reader, write, passes, flushed, announced, counters, tickBehindReader } = setUp();
    tickBehindReader();
    reader.exec('COMMIT');
    flushed.length = 0;

    // The reader is gone: this tick's first pass copies the rest, whole.
    write(20);
    passes.run();
    const row = counters();
    expect(row?.checkpointed).toBe(row?.log);
    expect(flushed).toEqual(['db', 'wal']);

    // Nothing written since: no pass and no flush.
    passes.run();
    expect(flushed).toEqual(['db', 'wal']);
    expect(passes.counts).toEqual({ passes: 3, syncs: 4 });
    expect(announced).toEqual([true, false, true, false]);
  });
});

describe('the checkpoint thread passes by the frames waiting (CheckpointCadence)', () => {
  function setUpCadence() {
    const { file, checkpointer, reader, insert } = openFiles();
    // One row a transaction: each commit writes the table's newest page (and the root) again, as a writer's groups do.
    const write = (rows: number) => {
      for (let i = 0; i < rows; i++) insert.run();
    };
    const clock = { ms: 0 };
    const flushed: string[] = [];
    const passes = new CheckpointPasses(checkpointer, file, {
      sync: (fd) => flushed.push(fstatSync(fd).ino === statSync(file).ino ? 'db' : 'wal'),
      cadence: { passFrames: 200, windowFrames: 1_000, maxWaitMs: 1_000, walSyncEveryMs: 200 },
      now: () => clock.ms,
    });
    const counters = () => (checkpointer.pragma('wal_checkpoint(NOOP)') as CheckpointRow[])[0];
    const waiting = () => (counters()?.log ?? 0) - (counters()?.checkpointed ?? 0);
    return { write, passes, clock, counters, waiting, reader, flushed };
  }

  it('waits for passFrames frames or maxWaitMs before a pass, then copies what waited in one', () => {
    const { write, passes, clock, waiting, flushed } = setUpCadence();
    passes.run(); // the first tick with frames (the table's creation) passes: no pass yet
    expect(passes.counts.passes).toBe(1);
    expect(flushed).toEqual(['db', 'wal']);
    write(20);
    const few = waiting();
    expect(few).toBeGreaterThan(0);
    expect(few).toBeLessThan(200);
    clock.ms = 100;
    passes.run();
    expect(flushed).toEqual(['db', 'wal']);
    // No pass yet, but the WAL is flushed every walSyncEveryMs (what a power loss can take), and only the WAL.
    clock.ms = 500;
    passes.run();
    expect(passes.counts.passes).toBe(1);
    expect(waiting()).toBe(few);
    expect(flushed).toEqual(['db', 'wal', 'wal']);
    // Enough frames: a pass at once, whatever the time.
    write(100);
    expect(waiting()).toBeGreaterThanOrEqual(200);
    clock.ms = 600;
    passes.run();
    expect(passes.counts.passes).toBe(2);
    expect(waiting()).toBe(0);
    // A few frames, and then a second: they are copied all the same.
    write(5);
    clock.ms = 1_500;
    passes.run();
    expect(passes.counts.passes).toBe(2);
    clock.ms = 1_600;
    passes.run();
    expect(passes.counts.passes).toBe(3);
    expect(waiting()).toBe(0);
  });

  it('passes at every tick that finds frames once the WAL holds windowFrames', () => {
    const { write, passes, clock, counters, reader } = setUpCadence();
    write(600);
    expect(counters()?.log).toBeGreaterThanOrEqual(1_000);
    // A reader on the newest snapshot keeps the WAL from starting over (and what follows it from being copied).
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM filler').get();
    passes.run();
    expect(passes.counts.passes).toBe(1);
    // A few frames a tick, far below passFrames and within maxWaitMs: a pass each tick all the same.
    for (let tick = 1; tick <= 3; tick++) {
      write(2);
      clock.ms += 50;
      passes.run();
      expect(passes.counts.passes).toBe(1 + tick);
    }
    reader.exec('COMMIT');
  });
});
