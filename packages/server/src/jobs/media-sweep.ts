import { LIMITS } from '@tweeter/shared';
import type { Metrics } from '../metrics.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { MediaRepo } from '../ports/media-repo.js';
import type { StatusRepo } from '../ports/store.js';
import { boundedSweep } from './bounded-sweep.js';
import type { JobProcessor } from './processor.js';

/** Sweeps only uploads this much older than the attach window, so a clock a little ahead never races an attach. */
export const MEDIA_SWEEP_MARGIN_MS = 60 * 60_000;
/**
 * A claim is checked this long after it was made: a post writes its status within its request (29 s at most on
 * Lambda), so a claim this old whose status does not exist was left by a crash between the claims and the write.
 */
export const MEDIA_CLAIM_GRACE_MS = 15 * 60_000;

/**
 * Removes uploads never attached within a day (and those a deleted status let go of), in bounded batches: the
 * blobs first, then the record (a conditional delete), so a crash in between only repeats the work. Idempotent;
 * enqueued by the Scheduler (embedded) or EventBridge (AWS). At most `maxBatches` batches a run. First it checks
 * claims older than MEDIA_CLAIM_GRACE_MS: a status that exists confirms them; a claim whose status does not exist
 * (a post that crashed after claiming, on DynamoDB) is released, back to unattached at its upload's age, so it can be
 * attached again within the day and is swept after it like any other.
 */
export class MediaSweepProcessor implements JobProcessor {
  readonly jobs = ['media.sweep'] as const;

  constructor(
    private readonly deps: {
      media: MediaRepo;
      statuses: Pick<StatusRepo, 'get'>;
      blobs: BlobStore;
      clock: Clock;
      batchSize: number;
      maxBatches?: number;
      metrics?: Pick<Metrics, 'expiredRemoved'>;
    },
  ) {}

  async perform(_job: Job): Promise<void> {
    await this.checkClaims();
    await this.removeUnattached();
  }

  private async checkClaims(): Promise<void> {
    const { media, statuses, clock, batchSize } = this.deps;
    const before = clock.now() - MEDIA_CLAIM_GRACE_MS;
    await boundedSweep(batchSize, this.deps.maxBatches ?? 20, async () => {
      const claimed = await media.claimedBefore(before, batchSize);
      for (const m of claimed) {
        if (m.statusId === null) continue;
        // Strongly consistent on both shapes: a status written a minute ago is seen.
        if (await statuses.get(m.statusId)) await media.confirm(m.id, m.statusId);
        else await media.release([m.id], m.statusId);
      }
      return claimed.length;
    });
  }

  private async removeUnattached(): Promise<void> {
    const { media, blobs, clock, batchSize, metrics } = this.deps;
    const before = clock.now() - LIMITS.mediaAttachWindowMs - MEDIA_SWEEP_MARGIN_MS;
    await boundedSweep(batchSize, this.deps.maxBatches ?? 20, async () => {
      const old = await media.unattachedBefore(before, batchSize);
      for (const m of old) {
        await blobs.delete(m.key);
        await blobs.delete(m.previewKey);
        if (await media.deleteUnattached(m.id)) metrics?.expiredRemoved.inc({ kind: 'media' });
      }
      return old.length;
    });
  }
}
