import { performance } from 'node:perf_hooks';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import { FlushWatch } from './wal-flush-signal.js';
import type { BetweenGroups } from './writer.js';

/** When the writer finishes a checkpoint itself so that the WAL starts over (see WalRestarter). */
export interface WalRestartPolicy {
  /** Looks at the WAL's counters at most this often (ms): a NOOP checkpoint, a few µs. */
  probeEveryMs: number;
  /** The WAL must hold at least this many frames: a smaller one is not worth the step's two fsyncs. */
  minFrames: number;
  /** Finishes only when the checkpoint thread left at most this many frames to copy (the writer copies them). */
  maxLeftFrames: number;
  /** After a restart, the first commit truncates a WAL larger than this (bytes; SQLite's journal_size_limit). */
  sizeLimitBytes: number;
  /**
   * Under a backlog: once the WAL holds this many frames, the writer finishes the step even while interactive writes
   * wait (a writer that commits every few ms never sees `maxLeftFrames`), as soon as at most `backlogLeftFrames` are
   * left to copy (the copy costs the writer ~10 µs of CPU a frame).
   */
  backlogFrames: number;
  backlogLeftFrames: number;
  /** From this many frames on, whatever is left: the WAL's file must stay under `sizeLimitBytes`. */
  backlogForceFrames: number;
  /** Those backlog steps at most this often (ms): a reader on an old snapshot can keep the WAL from starting over. */
  backlogEveryMs: number;
}

/** What the restarter has done (tests, /metrics). */
export interface WalRestartCounts {
  /** Checkpoint steps the writer ran itself. */
  finishes: number;
  /** Of those, the ones that left the WAL fully copied: the writer's next transaction starts it over. */
  completed: number;
  /** Probes that found the WAL ready but the checkpoint thread flushing the files: the step waited. */
  heldBack: number;
  /** Of the finishes, the ones taken under a backlog (`backlogFrames`). */
  backlog: number;
}

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * Lets the WAL restart while writes continue. The checkpoint thread's PASSIVE checkpoints never catch up with a writer
 * that commits every few milliseconds, and SQLite only starts the WAL over at frame 1 when it is fully copied back
 * (and no reader is on an older snapshot): otherwise it grows for as long as writes go on, every commit appending
 * new file blocks that the kernel zeroes first. So between two groups, once the checkpoint thread has copied all but
 * a little, the writer copies the rest itself (a PASSIVE checkpoint on its own connection, nothing else can write
 * meanwhile): its next transaction then writes from the WAL's start, over blocks that already exist. The price is
 * that step's WAL and database fsyncs on the writer, so it runs only when no interactive write waits and the WAL
 * holds `minFrames`. They find little to write: the checkpoint thread flushes both files after its passes
 * (checkpoint-pass.ts), and the step waits while it does (wal-flush-signal.ts) rather than fsync beside it.
 * Under a backlog (posts arriving all the time, the checkpoint thread's passes ending thousands of frames behind) the
 * moment with no interactive write waiting never comes: once the WAL holds `backlogFrames` the writer takes the step
 * anyway, the frames left included and posts waiting, at most every `backlogEveryMs`, so the WAL's file stops
 * growing (below `sizeLimitBytes`) and its commits write over pages the kernel already holds.
 */
export class WalRestarter implements BetweenGroups {
  readonly counts: WalRestartCounts = { finishes: 0, completed: 0, heldBack: 0, backlog: 0 };
  /** Whether the step now wanted is a backlog one: it runs even if interactive writes arrived meanwhile. */
  urgent = false;
  private readonly probe: Statement;
  private readonly passive: Statement;
  private nextProbe = 0;
  private nextBacklog = 0;
  /** Listens to the checkpoint thread once the WAL first nears a step (most files in tests never grow so far). */
  private watch: FlushWatch | undefined;

  constructor(
    private readonly db: Db,
    private readonly policy: WalRestartPolicy,
  ) {
    // NOOP (SQLite 3.51+) only reads the counters: frames in the WAL and frames copied back.
    this.probe = db.prepare('PRAGMA wal_checkpoint(NOOP)');
    this.passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    db.pragma(`journal_size_limit = ${Math.floor(policy.sizeLimitBytes)}`);
  }

  wanted(interactiveWaiting: boolean): boolean {
    const now = performance.now();
    if (now < this.nextProbe) return false;
    this.nextProbe = now + this.policy.probeEveryMs;
    const row = this.read(this.probe);
    if (!row || row.busy !== 0) return false;
    // Listens to the checkpoint thread from half-way, so that its flush under way is known by the first step.
    if (row.log * 2 >= this.policy.minFrames) this.watch ??= new FlushWatch(this.db.name);
    if (row.log < this.policy.minFrames) return false;
    const left = row.log - row.checkpointed;
    // Nothing left: the next transaction restarts the WAL already.
    if (left <= 0) return false;
    // A backlog: the checkpoint thread's passes end a few thousand frames behind a writer that never pauses, so the
    // WAL would grow by hundreds of MB, each new block allocated and zeroed by the kernel on a commit's write.
    const { backlogFrames, backlogLeftFrames, backlogForceFrames } = this.policy;
    const forced = row.log >= backlogForceFrames;
    const backlog = now >= this.nextBacklog && (forced || (row.log >= backlogFrames && left <= backlogLeftFrames));
    // Otherwise only with no interactive write waiting; nothing copied yet is the checkpoint thread's work.
    const quiet = !interactiveWaiting && row.checkpointed > 0 && left <= this.policy.maxLeftFrames;
    this.urgent = false;
    if (!backlog && !quiet) return false;
    // The checkpoint thread is flushing what it copied (checkpoint-pass.ts): the step's fsyncs would wait for its
    // writeback. Its catch-up pass, next, leaves a shorter tail anyway. A WAL at its size limit does not wait.
    if (this.watch?.flushing && !forced) {
      this.counts.heldBack += 1;
      return false;
    }
    this.urgent = backlog;
    return true;
  }

  /** Stops listening to the checkpoint thread (the writer's connection is closing). */
  close(): void {
    this.watch?.close();
    this.watch = undefined;
  }

  run(): void {
    this.counts.finishes += 1;
    const row = this.read(this.passive);
    if (this.urgent) {
      this.counts.backlog += 1;
      // Busy: the checkpoint thread's pass holds the checkpoint lock (the attempt cost nothing): again at the next probe.
      if (row && row.busy === 0) this.nextBacklog = performance.now() + this.policy.backlogEveryMs;
    }
    if (row && row.busy === 0 && row.log === row.checkpointed) this.counts.completed += 1;
  }

  /** A failed step (an I/O error) is left to the checkpoint thread, which logs its own: the writer goes on. */
  private read(statement: Statement): CheckpointRow | undefined {
    try {
      return statement.get() as CheckpointRow | undefined;
    } catch {
      return undefined;
    }
  }
}
