import type { MessagePort } from 'node:worker_threads';
import type { Config } from '../../config/config.js';
import type { MetricsSnapshot } from '../../metrics.js';
import type { NotifiedGroup } from '../../ports/store.js';
import type { WriteAnswer, WriteRequest } from '../../adapters/sqlite/remote-writes.js';

/** What the writer thread is started with. */
export interface WriterThreadData {
  config: Config;
  /**
   * The name the job thread's leases are taken under: they are taken on this thread's connection (the queue's
   * receive is a write), so the job thread's receipts carry it. Never taken over at this thread's start: the job
   * thread may be alive and holding them (it releases them itself when it starts, `release-leases`).
   */
  leaseOwner: string;
  /** false when the main thread's checkpoint thread checkpoints the WAL (the writer then never does). */
  automaticCheckpoints: boolean;
}

/** From the main thread to the writer thread. */
export type ToWriterThread =
  /** A write of the main thread's store. */
  | WriteRequest
  /** The job thread's end of a new channel (the job thread, or this one, started): the old one is dropped. */
  | { type: 'job-port'; port: MessagePort }
  | { type: 'metrics'; id: number }
  /** Answer what is queued, close the database, then exit. */
  | { type: 'stop' };

/** From the writer thread to the main thread. */
export type FromWriterThread =
  { type: 'started' } | { type: 'metrics'; id: number; snapshot: MetricsSnapshot } | WriteAnswer | { type: 'stopped' };

/** From the job thread to the writer thread, on their channel. */
export type JobToWriter =
  | WriteRequest
  /** The job thread just started: leases left under its name (a crashed one's) are released, their jobs run again. */
  | { type: 'release-leases' };

/** From the writer thread to the job thread, on their channel. */
export type WriterToJob =
  | WriteAnswer
  /** Jobs may be ready: a write committed some (an outbox job, a release, a retry). */
  | { type: 'ready' }
  /** The notification groups a reaction of the main thread changed: the job thread pushes them live. */
  | { type: 'notified'; groups: NotifiedGroup[] };
