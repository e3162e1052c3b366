import { IDEMPOTENCY_KEY_TTL_MS } from '../domain/idempotency.js';
import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import { hourOf, type StatusSearchRepo } from '../ports/status-search.js';
import type { SessionRepo, StatusRepo } from '../ports/store.js';
import { breathe } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * Reclaims expired sessions, idempotency keys and trend counters older than the 24-hour window in bounded batches (each its own short write), counting the rows
 * removed. Reads already ignore both once expired; this only frees storage. Enqueued periodically by the
 * Scheduler; idempotent. On DynamoDB the store removes nothing here: TTL reclaims those items.
 */
export class ExpirySweepProcessor implements JobProcessor {
  readonly jobs = ['expiry.sweep'] as const;

  constructor(
    private readonly deps: {
      sessions: SessionRepo;
      statuses: StatusRepo;
      /** Trend counters past the window (SQLite; DynamoDB's carry `ttl` and remove nothing here). */
      search?: Pick<StatusSearchRepo, 'pruneTrends'>;
      clock: Clock;
      batchSize: number;
      metrics?: Pick<Metrics, 'expiredRemoved'>;
    },
  ) {}

  async perform(_job: Job): Promise<void> {
    const { sessions, statuses, clock } = this.deps;
    const now = clock.now();
    await this.sweep('session', (limit) => sessions.deleteExpired(now, limit));
    await this.sweep('idempotency_key', (limit) => statuses.deleteExpiredKeys(now - IDEMPOTENCY_KEY_TTL_MS, limit));
    const search = this.deps.search;
    // Trends read this hour and the 23 before: anything older is never read again.
    if (search) await this.sweep('trend_counter', (limit) => search.pruneTrends(hourOf(now) - 23, limit));
  }

  private async sweep(kind: string, remove: (limit: number) => Promise<number>): Promise<void> {
    const { batchSize, metrics } = this.deps;
    for (;;) {
      const removed = await remove(batchSize);
      metrics?.expiredRemoved.inc({ kind }, removed);
      if (removed < batchSize) return;
      await breathe(0);
    }
  }
}
