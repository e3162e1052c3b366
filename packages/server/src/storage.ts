import type { Config } from './config/config.js';
import type { BlobStore } from './ports/blob-store.js';
import type { Clock } from './ports/clock.js';
import type { JobQueue } from './ports/job-queue.js';
import type { Store } from './ports/store.js';

/** The store and the job queue of one shape (on SQLite they share one transaction boundary). */
export interface Storage {
  store: Store;
  queue: JobQueue;
}

/** An adapter opened from the config, with its start-up check and what it holds open. */
export interface Opened<T> {
  value: T;
  /** Fails with a StartupError naming the setting when the resources behind `value` cannot be used. */
  verify(): Promise<void>;
  /** Releases clients the adapter holds (the store's own close() is separate). */
  close(): void;
}

/** How a process opens its storage. */
export interface StorageOptions {
  /**
   * SQLite: false when this connection must never checkpoint the WAL (a job thread: the fsync of a checkpoint
   * inside its commits cost more than its writes). The server's checkpoint thread does it, or else the main
   * connection's own automatic checkpoints. Ignored by the AWS shape.
   */
  automaticCheckpoints?: boolean;
  /**
   * SQLite: the name this connection's job leases are taken under, taken over from any earlier holder: leases left
   * under it are released at once (their attempt counted, as a lapse). A job thread passes its slot's name
   * (JobThreads starts a slot's thread only once the one before it has exited, so what that one held is orphaned).
   * Default: a fresh random name. Ignored by the AWS shape.
   */
  leaseOwner?: string;
}

const nothingToCheck = { verify: async () => undefined, close: () => undefined };

/** An override (tests) wrapped as if it had been opened from the config. */
export function given<T>(value: T): Opened<T> {
  return { value, ...nothingToCheck };
}

/**
 * Opens the configured storage. Adapters are loaded on demand so that one shape never loads another's
 * modules: the Lambda bundles leave the native better-sqlite3 out, and nothing requires it until asked for.
 */
export async function openStorage(
  config: Config,
  clock: Clock,
  options: StorageOptions = {},
): Promise<Opened<Storage>> {
  if (config.shape.store === 'dynamodb') {
    const { openDynamoAndSqs } = await import('./context-aws.js');
    return openDynamoAndSqs(config, clock);
  }
  const { openSqlite } = await import('./adapters/sqlite/storage.js');
  return given(openSqlite(config, clock, options));
}

/** Profile pictures: files under DATA_DIR, or S3. */
export async function openBlobs(config: Config): Promise<Opened<BlobStore>> {
  if (config.shape.blobs === 's3') {
    const { openS3Blobs } = await import('./context-aws.js');
    return openS3Blobs(config);
  }
  const { createFsBlobStore } = await import('./adapters/fs/blob-store.js');
  return given(createFsBlobStore(`${config.dataDir}/blobs`));
}

/** The job queue alone (for `tweeter dlq`), in whichever shape the config names. */
export async function openJobQueue(
  config: Config,
  clock: Clock,
): Promise<{ queue: JobQueue; verify(): Promise<void>; close(): Promise<void> }> {
  const opened = await openStorage(config, clock);
  return {
    queue: opened.value.queue,
    verify: () => opened.verify(),
    async close() {
      await opened.value.store.close();
      opened.close();
    },
  };
}
