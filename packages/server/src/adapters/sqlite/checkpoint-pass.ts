import { closeSync, fdatasyncSync, openSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/** What the checkpoint thread's ticks did (tests). */
export interface CheckpointPassCounts {
  /** PASSIVE checkpoints run (a tick's first and its catch-up). */
  passes: number;
  /** Files flushed by the thread itself (the database file and the WAL, each counted). */
  syncs: number;
}

/**
 * When a tick passes: by the frames waiting, not every tick. A pass copies each page once however many frames of it
 * wait (the newest), and a page a busy writer dirties in every group (the newest page of a feed, of the author index,
 * of the queue's tables) was copied again by every pass: at ~2,000 posts/s a pass every 200 ms copied 7.9 pages a
 * post of 12.5 frames. Fewer, larger passes copy (and flush) it fewer times.
 */
export interface CheckpointCadence {
  /** A pass once this many frames wait to be copied. */
  passFrames: number;
  /**
   * A pass at every tick that finds frames once the WAL holds this many (`WalRestartPolicy.minFrames`): the writer
   * starts the WAL over only right after a pass left it a short tail (wal-restart.ts), so near that size the passes
   * come often and stay small.
   */
  windowFrames: number;
  /** And at least this often (ms) while any frame waits: a WAL that grows slowly is copied back all the same. */
  maxWaitMs: number;
  /**
   * Between passes, the WAL alone is flushed this often (ms) while frames wait: a pass syncs it first, and with
   * `synchronous = NORMAL` that sync bounds what a power loss or an OS crash can take (the commits since), so the
   * bound stays what a pass every 200 ms gave. The WAL's frames are written back once either way.
   */
  walSyncEveryMs: number;
}

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * One tick of the checkpoint thread: a PASSIVE checkpoint and, when it copied frames, the flushes that keep the
 * writer's own step (wal-restart.ts) short. SQLite fsyncs the database file only when a checkpoint copied the whole
 * WAL (`walCheckpoint`), which a PASSIVE pass never does while commits go on: every page copied since the last
 * restart stayed dirty in the page cache until the writer's step fsynced the file (5-17 ms on the job thread, a
 * post waiting behind it). So after a pass that copied frames this thread flushes the database file and the WAL
 * itself (fdatasync on descriptors of its own: a flush writes the file's dirty pages whoever wrote them), then runs
 * a second pass that copies what arrived meanwhile (its own WAL fsync finds a few ms of frames) and flushes the
 * database again. The writer's step then finds a short WAL tail to copy and little to flush. An extra flush never
 * weakens durability: SQLite still does every fsync it did before.
 */
export class CheckpointPasses {
  readonly counts: CheckpointPassCounts = { passes: 0, syncs: 0 };
  private readonly noop: Statement;
  private readonly passive: Statement;
  private readonly files: SyncedFile[];
  private readonly announce: (on: boolean) => void;
  /** The WAL's counters as the last NOOP read them. */
  private before: CheckpointRow | undefined;
  /** None: a pass at every tick that finds frames (tests that drive the passes themselves). */
  private readonly cadence: CheckpointCadence | undefined;
  private readonly now: () => number;
  /** performance.now() at the last pass (-Infinity: none yet). */
  private lastPassAt = -Infinity;
  /** performance.now() at the last flush of the WAL, by a pass or alone. */
  private lastWalSyncAt = -Infinity;

  constructor(
    db: Db,
    file: string,
    options: {
      /** Flushes a file (fdatasync; tests count it). */
      sync?: (fd: number) => void;
      /** Told before a tick's first pass that has frames to copy (true) and after its last flush (false). */
      flushing?: (on: boolean) => void;
      cadence?: CheckpointCadence;
      /** The clock the cadence reads (tests). */
      now?: () => number;
    } = {},
  ) {
    this.cadence = options.cadence;
    this.now = options.now ?? (() => performance.now());
    const sync = options.sync ?? fdatasyncSync;
    this.announce = options.flushing ?? (() => {});
    this.noop = db.prepare('PRAGMA wal_checkpoint(NOOP)');
    this.passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    const counted = (fd: number): void => {
      sync(fd);
      this.counts.syncs += 1;
    };
    this.files = [new SyncedFile(file, counted), new SyncedFile(`${file}-wal`, counted)];
  }

  /** Throws what SQLite or a flush threw (the worker reports it); the next tick starts afresh. */
  run(): void {
    if (!this.hasFramesToCopy()) return;
    if (!this.due()) {
      this.syncWalAlone();
      return;
    }
    this.lastPassAt = this.now();
    this.lastWalSyncAt = this.lastPassAt;
    // The writer holds its own step back meanwhile (wal-flush-signal.ts): it would fsync the files this flushes.
    this.announce(true);
    try {
      if (!this.copiedFrames()) return;
      const [db, wal] = this.files;
      db?.sync();
      wal?.sync();
      // The catch-up pass: frames committed during the first pass and the flushes (a few hundred at 200 posts/s).
      if (this.hasFramesToCopy() && this.copiedFrames()) db?.sync();
    } finally {
      this.announce(false);
    }
  }

  close(): void {
    for (const file of this.files) file.close();
  }

  /** Reads the WAL's counters (a NOOP checkpoint, a few µs): frames in it that are not copied back yet. */
  private hasFramesToCopy(): boolean {
    this.before = this.noop.get() as CheckpointRow | undefined;
    return this.before !== undefined && this.before.log !== this.before.checkpointed;
  }

  /** Flushes the WAL between passes, every `walSyncEveryMs` (CheckpointCadence). */
  private syncWalAlone(): void {
    const { cadence } = this;
    const now = this.now();
    if (!cadence || now - this.lastWalSyncAt < cadence.walSyncEveryMs) return;
    this.lastWalSyncAt = now;
    this.announce(true);
    try {
      this.files[1]?.sync();
    } finally {
      this.announce(false);
    }
  }

  /** Whether the frames waiting (read by `hasFramesToCopy`) are worth a pass now (CheckpointCadence). */
  private due(): boolean {
    const { cadence, before } = this;
    if (!cadence || !before) return true;
    if (before.log - before.checkpointed >= cadence.passFrames || before.log >= cadence.windowFrames) return true;
    return this.now() - this.lastPassAt >= cadence.maxWaitMs;
  }

  /** Runs a PASSIVE pass; true when it moved the WAL's copied mark (or the WAL started over meanwhile). */
  private copiedFrames(): boolean {
    const before = this.before;
    if (!before) return false;
    this.counts.passes += 1;
    const after = this.passive.get() as CheckpointRow | undefined;
    if (!after) return false;
    if (after.log < before.log) return after.checkpointed > 0; // the WAL started over between the two reads
    return after.checkpointed > before.checkpointed;
  }
}

/**
 * A descriptor of its own on one of the database's files, opened at its first flush. SQLite deletes the WAL only when
 * the file's last connection closes, and the checkpoint thread's connection is open for as long as this is used.
 */
class SyncedFile {
  private fd: number | null = null;

  constructor(
    private readonly path: string,
    private readonly flush: (fd: number) => void,
  ) {}

  sync(): void {
    const fd = this.open();
    if (fd !== null) this.flush(fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): number | null {
    if (this.fd !== null) return this.fd;
    try {
      this.fd = openSync(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return this.fd;
  }
}
