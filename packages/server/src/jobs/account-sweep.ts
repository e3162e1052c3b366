import type { Clock } from '../ports/clock.js';
import type { AccountDeletionRepo } from '../ports/account-deletions.js';
import type { Job } from '../ports/job-queue.js';
import { breathe } from './payloads.js';
import type { JobProcessor } from './processor.js';

const SWEEP_BATCH = 100;

/**
 * Frees the aliases of deleted accounts whose reservation (ALIAS_RESERVATION_MS) has ended, in bounded batches.
 * Enqueued periodically by the Scheduler (the scheduled Lambda on AWS); idempotent. A deletion still running keeps
 * its alias, whatever its age.
 */
export class AccountSweepProcessor implements JobProcessor {
  readonly jobs = ['accounts.sweep'] as const;

  constructor(private readonly deps: { deletions: AccountDeletionRepo; clock: Clock }) {}

  async perform(_job: Job): Promise<void> {
    const { deletions, clock } = this.deps;
    const now = clock.now();
    for (;;) {
      const aliases = await deletions.expired(now, SWEEP_BATCH);
      let released = 0;
      for (const alias of aliases) if (await deletions.release(alias, now)) released++;
      // None released: an index that lags behind removals showed the same ones again.
      if (aliases.length < SWEEP_BATCH || released === 0) return;
      await breathe(0);
    }
  }
}
