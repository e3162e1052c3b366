import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { Store } from '../ports/store.js';
import type { JobProcessor } from './processor.js';

/** A write's outbox is sent within milliseconds; one still pending after this long was left by a crash. */
export const OUTBOX_GRACE_MS = 60_000;
const BATCH = 100;

/**
 * Finishes writes whose outbox jobs a crash left unsent (DynamoDB marks them pending in a sparse index until
 * sent), so every write's jobs run at least once. Enqueued periodically by the Scheduler; a no-op on SQLite.
 */
export class OutboxResendProcessor implements JobProcessor {
  readonly jobs = ['outbox.resend'] as const;

  constructor(private readonly deps: { store: Pick<Store, 'resendPending'>; clock: Clock }) {}

  async perform(_job: Job): Promise<void> {
    const before = this.deps.clock.now() - OUTBOX_GRACE_MS;
    while ((await this.deps.store.resendPending(before, BATCH)) === BATCH);
  }
}
