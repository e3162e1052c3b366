import type { Clock } from '../ports/clock.js';
import type { NotificationRepo } from '../ports/store.js';
import type { JobProcessor } from './processor.js';

/** Batches one run removes at most: a run stays short; the schedule comes back for the rest. */
const MAX_BATCHES = 20;

/**
 * Removes notification groups older than NOTIFICATION_RETENTION_DAYS, a bounded batch at a time (SQLite; DynamoDB's
 * TTL reclaims its items and reads filter them out meanwhile).
 */
export class NotificationRetentionProcessor implements JobProcessor {
  readonly jobs = ['notifications.retention'] as const;

  constructor(
    private readonly deps: {
      notifications: Pick<NotificationRepo, 'deleteOlderThan'>;
      clock: Clock;
      retentionMs: number;
      batchSize: number;
    },
  ) {}

  async perform(): Promise<void> {
    const before = this.deps.clock.now() - this.deps.retentionMs;
    for (let i = 0; i < MAX_BATCHES; i += 1) {
      const removed = await this.deps.notifications.deleteOlderThan(before, this.deps.batchSize);
      if (removed < this.deps.batchSize) return;
    }
  }
}
