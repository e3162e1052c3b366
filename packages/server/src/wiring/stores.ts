// The one place that opens stores: the store with its job queue, and the blob store, in the shape the config names.
// Every runtime, command and tool opens them here; no adapter type (SQLite's Db, an SDK client) leaves this folder.

import type { Config } from '../config/config.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { PopulationWriter } from '../ports/population-writer.js';
import type { Store } from '../ports/store.js';
import type { RemoteWrites } from '../adapters/sqlite/remote-writes.js';
import type { WriterObserver } from '../adapters/sqlite/writer.js';

/** The store and the job queue of one shape (on SQLite they share one transaction boundary). */
export interface StoreAndQueue {
  store: Store;
  queue: JobQueue;
}

/** Runs many store writes as one unit (SQLite: one transaction), for a single writer such as the population tool. */
export type WriteBatch = <T>(work: () => Promise<T>) => Promise<T>;

/** Something opened from the config, with its start-up check and what it holds open. */
export interface Opened<T> {
  value: T;
  /** Fails with a StartupError naming the setting when the resources behind `value` cannot be used. */
  verify(): Promise<void>;
  /** Releases what was opened besides `value`'s own close() (SDK clients, the checkpoint thread). */
  close(): Promise<void>;
}

/** The store and queue as opened, with what only the embedded file offers. */
export interface OpenedStores extends Opened<StoreAndQueue> {
  /** The embedded file's write batch (one transaction); null on the AWS shape, whose bulk writes batch themselves. */
  writeBatch: WriteBatch | null;
  /** The population tool's fast path into the embedded file (this connection its writer); null otherwise. */
  populationWriter: PopulationWriter | null;
  /** How many job leases of an earlier process were released at open (OpenOptions); 0 on the AWS shape. */
  releasedLeases: number;
  /**
   * SQLite opened with `writes: 'elsewhere'`: the way this side's writes reach the thread that owns the writer (the
   * job thread attaches to it). Null otherwise.
   */
  remoteWrites: RemoteWrites | null;
}

/** How a process opens its store and queue. */
export interface OpenOptions {
  /**
   * SQLite: false when this connection must never checkpoint the WAL inside its commits (the writer, when the
   * server's checkpoint thread does it: a checkpoint's fsync inside a commit stalls every write behind it). Only the
   * writer's commits can checkpoint. Ignored by the AWS shape.
   */
  automaticCheckpoints?: boolean;
  /**
   * SQLite: checkpoint the WAL from a thread of its own that looks every `everyMs` (the server; it passes as
   * CHECKPOINT_CADENCE says). Ignored by the AWS shape.
   */
  backgroundCheckpoints?: { everyMs: number; onError(message: string): void; nice?: number };
  /**
   * SQLite: the name this connection's job leases are taken under, taken over from any earlier holder: leases left
   * under it are released at once (their attempt counted, as a lapse). A job thread passes its slot's name
   * (JobThreads starts a slot's thread only once the one before it has exited, so what that one held is orphaned).
   * Default: a fresh random name. Ignored by the AWS shape.
   */
  leaseOwner?: string;
  /**
   * SQLite: release every job lease in the file at open (the server, once the DATA_DIR lock proves the previous
   * holder dead): its jobs run again at once instead of when their leases lapse. Ignored by the AWS shape.
   */
  releaseEarlierLeases?: boolean;
  /**
   * SQLite: 'here' (default) makes this connection the file's one writer (group commit, see adapters/sqlite/writer.ts).
   * 'elsewhere' keeps a read-only connection and sends every write to the writer's thread (`remoteWrites`): the
   * HTTP thread when a job thread owns the writer. Ignored by the AWS shape.
   */
  writes?: 'here' | 'elsewhere';
  /** SQLite: told where the writer's time goes (job metrics) when this side owns the writer. Ignored by the AWS shape. */
  observeWrites?: WriterObserver;
  /**
   * SQLite: told once, at open, when better-sqlite3 runs without Tweeter's SQLite patch (hasSqlitePatch: an install
   * whose postinstall skipped or failed it). The server works without it, slower. Ignored by the AWS shape.
   */
  warnUnpatched?(message: string): void;
}

const nothingToCheck = { verify: async () => undefined, close: async () => undefined };

/** An override (tests) wrapped as if it had been opened from the config. */
export function given<T>(value: T): Opened<T> {
  return { value, ...nothingToCheck };
}

/**
 * Opens the configured store and queue. Adapters are loaded on demand so that one shape never loads another's
 * modules: the Lambda bundles leave the native better-sqlite3 out, and nothing requires it until asked for.
 */
export async function openStores(config: Config, clock: Clock, options: OpenOptions = {}): Promise<OpenedStores> {
  if (config.shape.store === 'dynamodb') {
    const { openDynamoAndSqs } = await import('./open-aws.js');
    return {
      ...openDynamoAndSqs(config, clock),
      writeBatch: null,
      populationWriter: null,
      releasedLeases: 0,
      remoteWrites: null,
    };
  }
  const { openEmbeddedStores } = await import('./open-sqlite.js');
  return openEmbeddedStores(config, clock, options);
}

/** Profile pictures: files under DATA_DIR, or S3. */
export async function openBlobs(config: Config): Promise<Opened<BlobStore>> {
  if (config.shape.blobs === 's3') {
    const { openS3Blobs } = await import('./open-aws.js');
    return openS3Blobs(config);
  }
  const { createFsBlobStore } = await import('../adapters/fs/blob-store.js');
  return given(createFsBlobStore(`${config.dataDir}/blobs`));
}

/** The store and queue for a command or tool, checked; close() closes the store and releases the rest. */
export async function openStoresChecked(
  config: Config,
  clock: Clock,
): Promise<
  StoreAndQueue & { writeBatch: WriteBatch | null; populationWriter: PopulationWriter | null; close(): Promise<void> }
> {
  const opened = await openStores(config, clock);
  const close = async (): Promise<void> => {
    await opened.value.store.close();
    await opened.close();
  };
  try {
    await opened.verify();
  } catch (err) {
    await close();
    throw err;
  }
  return { ...opened.value, writeBatch: opened.writeBatch, populationWriter: opened.populationWriter, close };
}
