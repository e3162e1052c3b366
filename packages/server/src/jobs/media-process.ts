import { z } from 'zod';
import type { Job } from '../ports/job-queue.js';
import type { JobProcessor } from './processor.js';

/** The direct-upload steps this job runs (services/media-direct.ts, wired in wiring/jobs.ts). */
export interface DirectUploadProcessing {
  process(owner: string, id: string, alt: string): Promise<unknown>;
}

const MediaProcessJob = z.object({ owner: z.string().min(1), id: z.string().min(1), alt: z.string() });

/**
 * Decodes a direct upload (POST /api/v1/media/{id}/complete): the staged object through the same ImagePipeline as
 * POST /api/v1/media, then the upload record. Idempotent (DirectUploads.process); a file the pipeline refuses is
 * dropped, not retried; anything else (S3 or the store unavailable) throws, so the queue retries it and dead-letters
 * it after JOB_MAX_ATTEMPTS. On AWS it runs on the `media` stage queue, whose function carries sharp.
 */
export class MediaProcessProcessor implements JobProcessor {
  readonly jobs = ['media.process'] as const;

  constructor(private readonly deps: { uploads: DirectUploadProcessing }) {}

  async perform(job: Job): Promise<void> {
    const { owner, id, alt } = MediaProcessJob.parse(job.payload);
    await this.deps.uploads.process(owner, id, alt);
  }
}
