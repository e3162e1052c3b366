import type { Config } from '../../config/config.js';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import type { CheckpointCadence } from './checkpoint-pass.js';
import { openDatabase, type Db } from './database.js';
import { createSqliteJobQueue, type SqliteJobQueue } from './job-queue.js';
import { ReadySignal } from './jobs-table.js';
import { RemoteWrites } from './remote-writes.js';
import { createSqliteStore } from './store.js';
import { routeWrites } from './write-routing.js';
import { WalRestarter, type WalRestartPolicy } from './wal-restart.js';
import { SqliteWriter, type GroupCommitLimits, type WriterObserver } from './writer.js';

/**
 * One transaction takes what arrived while the previous one ran, up to this many requests or this long: long enough
 * to share the commit (and the pages it writes) among many fan-out pages, short enough that a post waiting behind
 * it is answered within a few milliseconds. Bulk work alone (a fan-out backlog, no post waiting) may go on to 50 ms.
 * The gap before a bulk-only group (`bulkGapMs`) is off: at 200 posts/s a 2 ms gap cut the bulk transactions 3.3x
 * (44,796 -> 13,582 in 30 s) and the server's CPU a post 16%, but under a backlog the job threads' steps are round
 * trips, so each one waited for the gap: the sustained bench's fan-out fell from ~29,500 to ~22,700 feed rows/s and
 * its drain grew from 2-3.5 s to 12-13 s (docs/benchmarks.md). It stays as a limit for a writer with many
 * independent bulk producers.
 */
export const GROUP_COMMIT: GroupCommitLimits = {
  maxRequests: 1000,
  maxMs: 4,
  maxBulkMs: 50,
  bulkGapMs: 0,
  // A post waits behind a bulk group for ~1 ms plus one bulk request (a chunk of fan-outs), not for `maxMs`.
  bulkYieldMs: 1,
  // Likes arriving under 2 ms apart commit in pairs: each like alone wrote ~11 pages (its rows, the counter, the
  // notification group's row and its three indexes), a second one in the same COMMIT ~3 more (issue 22, `s18-unread`).
  gatherMs: 2,
  gatherRequests: 2,
};

/**
 * The writer finishes the checkpoint thread's work once the WAL holds 128 MiB and at most 2 MiB is left to copy, so the
 * WAL starts over every few seconds at a steady load instead of growing by hundreds of MB (see wal-restart.ts). Each
 * step holds the writer 2-7 ms now that the checkpoint thread flushes the files after its passes (8-15 ms before: the
 * step's database fsync wrote every page copied since the last restart), and a post that arrives meanwhile waits for
 * it; at 200 posts/s a step comes about every 3 s. Under a backlog (posts always waiting) the writer steps anyway past
 * 136 MiB with at most 8 MiB left, and past 152 MiB whatever is left, at most once a second, so the file stays under
 * its 160 MiB limit. The price: up to ~150 MiB of WAL on disk, and a crash's recovery reads it (206 ms at 128 MiB
 * against 71 ms at 32, page cache warm; docs/benchmarks.md, issue 19 `s10-post`, `s11-turns`, `s15-walsync` and
 * `s15-sustained`).
 */
export const WAL_RESTART: WalRestartPolicy = {
  probeEveryMs: 10,
  minFrames: 32_768,
  maxLeftFrames: 512,
  sizeLimitBytes: 160 * 1024 * 1024,
  backlogFrames: 34_816,
  backlogLeftFrames: 2_048,
  backlogForceFrames: 38_912,
  backlogEveryMs: 1000,
};

/**
 * The checkpoint thread passes once 48 MiB of frames wait (at least every second), and at every tick (50 ms) that
 * finds frames once the WAL nears the writer's restart size: a pass copies a page once however many of its frames
 * wait, and a pass every 200 ms copied the pages every group dirties (feeds' newest pages, the author index, the
 * queue) five times a second. Between passes the WAL alone is flushed every 200 ms, as the passes did (what a power
 * loss can take; docs/benchmarks.md, issue 19 `s16-sustained`).
 */
export const CHECKPOINT_CADENCE: CheckpointCadence = {
  passFrames: 12_288,
  windowFrames: WAL_RESTART.minFrames,
  maxWaitMs: 1000,
  walSyncEveryMs: 200,
};

export interface SqliteOpenOptions {
  automaticCheckpoints?: boolean;
  leaseOwner?: string;
  releaseEarlierLeases?: boolean;
  /**
   * 'here' (default): this connection is the file's one writer, every write goes through its SqliteWriter.
   * 'elsewhere': another thread owns the writer (a job thread); this side reads on a read-only connection and sends
   * its writes through the returned RemoteWrites.
   */
  writes?: 'here' | 'elsewhere';
  /** Told where each write's time went (its wait, its group, the COMMIT), when this connection is the writer. */
  observeWrites?: WriterObserver;
}

export interface OpenedSqlite {
  store: Store;
  queue: SqliteJobQueue;
  db: Db;
  releasedLeases: number;
  /** The writer, when this connection is it. */
  writer: SqliteWriter | null;
  /** The way to the writer, when another thread owns it. */
  remote: RemoteWrites | null;
}

/** The embedded shape: store and queue in one SQLite file under DATA_DIR (only the wiring sees the Db). */
export function openSqlite(config: Config, clock: Clock, options: SqliteOpenOptions = {}): OpenedSqlite {
  const retry = {
    maxAttempts: config.jobs.maxAttempts,
    backoffBaseMs: config.jobs.backoffBaseMs,
    maxBackoffMs: config.jobs.backoffMaxMs,
  };
  const open = (db: Db, takeOver: boolean) => {
    const signal = new ReadySignal();
    const store = createSqliteStore(db, { clock, signal });
    const queue = createSqliteJobQueue(db, { clock, signal, retry, owner: options.leaseOwner });
    // Taking over leases: whoever held them before has exited (see OpenOptions.leaseOwner and releaseEarlierLeases).
    let releasedLeases = 0;
    if (!takeOver) return { store, queue, releasedLeases };
    if (options.releaseEarlierLeases) releasedLeases = queue.releaseLeases();
    else if (options.leaseOwner !== undefined) releasedLeases = queue.releaseLeases({ owner: options.leaseOwner });
    return { store, queue, releasedLeases };
  };

  if (options.writes === 'elsewhere') {
    // Migrate and take the leases over before the writer's thread exists, then keep only a read connection.
    const setup = openDatabase(config.databaseFile, { automaticCheckpoints: options.automaticCheckpoints });
    const { releasedLeases } = open(setup, true);
    setup.close();
    const db = openDatabase(config.databaseFile, { readonly: true, mmapBytes: config.sqlite.readMmapBytes });
    const plain = open(db, false);
    const remote = new RemoteWrites();
    const { store, queue } = routeWrites(plain.store, plain.queue, remote.route);
    return { store, queue, db, releasedLeases, writer: null, remote };
  }

  const db = openDatabase(config.databaseFile, { automaticCheckpoints: options.automaticCheckpoints });
  const plain = open(db, true);
  const restarter = new WalRestarter(db, WAL_RESTART);
  const writer = new SqliteWriter(db, GROUP_COMMIT, options.observeWrites, restarter);
  const observer = options.observeWrites;
  const routed = routeWrites(plain.store, plain.queue, (target, method, args, priority, call) => {
    const result = writer.submit(priority, call, {
      rides: ridesWithPosts(target, method, args),
      gathers: gathersWithReactions(target, method),
    });
    // A receive that found nothing is counted under its own label instead (the write a worker loop could have done
    // without), so the labels add up to the requests.
    if (observer?.requested && (method === 'receive' || method === 'ackAndReceive')) {
      void result.then(
        (value) =>
          observer.requested?.(
            Array.isArray(value) && value.length === 0 ? `${target}.${method}.empty` : `${target}.${method}`,
          ),
        () => observer.requested?.(`${target}.${method}`),
      );
    } else {
      observer?.requested?.(`${target}.${method}`);
    }
    return result;
  });
  const store: Store = {
    ...routed.store,
    async close() {
      if (!db.open) return;
      await writer.close();
      // Its channel to the checkpoint thread (opened once the WAL grew): after the writer, which may still step.
      restarter.close();
      await plain.store.close();
    },
  };
  return { store, queue: routed.queue, db, releasedLeases: plain.releasedLeases, writer, remote: null };
}

/** Most jobs claimed, and most acks written, by a receive that may join a post's group (see ridesWithPosts). */
const RIDER_MAX_JOBS = 16;

/** A reaction's add or take-back: in a burst of them on one status, two share a COMMIT (GroupCommitLimits.gatherMs). */
export function gathersWithReactions(target: string, method: string): boolean {
  return target === 'reactions' && (method === 'add' || method === 'remove');
}

/**
 * Whether a write may join a group of posts (SubmitOptions.rides): a worker loop's receive woken by a post's commit,
 * when it is small (the first receive of a wake-up, with the acks of a few jobs). A gathering receive under a backlog
 * (up to 256 claims) or a large batch's acks would make the posts wait for them: those keep a group of their own.
 */
export function ridesWithPosts(target: string, method: string, args: readonly unknown[]): boolean {
  if (target !== 'queue') return false;
  const small = (options: unknown, acks: unknown): boolean =>
    typeof options === 'object' &&
    options !== null &&
    'max' in options &&
    typeof options.max === 'number' &&
    options.max <= RIDER_MAX_JOBS &&
    Array.isArray(acks) &&
    acks.length <= RIDER_MAX_JOBS;
  if (method === 'receive') return small(args[0], []);
  if (method === 'ackAndReceive') return small(args[1], args[0]);
  return false;
}
