import { LIMITS } from '@tweeter/shared';
import type { Metrics } from '../metrics.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { MediaRepo } from '../ports/media-repo.js';
import { breathe } from './payloads.js';
import type { JobProcessor } from './processor.js';

/** Sweeps only uploads this much older than the attach window, so a clock a little ahead never races an attach. */
export const MEDIA_SWEEP_MARGIN_MS = 60 * 60_000;

/**
 * Removes uploads never attached within a day (and those a deleted status let go of), in bounded batches: the
 * blobs first, then the record (a conditional delete), so a crash in between only repeats the work. Idempotent;
 * enqueued by the Scheduler (embedded) or EventBridge (AWS). At most `maxBatches` batches a run.
 */
export class MediaSweepProcessor implements JobProcessor {
  readonly jobs = ['media.sweep'] as const;

  constructor(
    private readonly deps: {
      media: MediaRepo;
      blobs: BlobStore;
      clock: Clock;
      batchSize: number;
      maxBatches?: number;
      metrics?: Pick<Metrics, 'expiredRemoved'>;
    },
  ) {}

  async perform(_job: Job): Promise<void> {
    const { media, blobs, clock, batchSize, metrics } = this.deps;
    const before = clock.now() - LIMITS.mediaAttachWindowMs - MEDIA_SWEEP_MARGIN_MS;
    for (let batch = 0; batch < (this.deps.maxBatches ?? 20); batch++) {
      const old = await media.unattachedBefore(before, batchSize);
      for (const m of old) {
        await blobs.delete(m.key);
        await blobs.delete(m.previewKey);
        if (await media.deleteUnattached(m.id)) metrics?.expiredRemoved.inc({ kind: 'media' });
      }
      if (old.length < batchSize) return;
      await breathe(0);
    }
  }
}
