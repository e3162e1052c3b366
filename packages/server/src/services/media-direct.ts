import { LIMITS, type ImageType, type Media, type MediaUploadTicket, type Meta } from '@tweeter/shared';
import { createHash } from 'node:crypto';
import { AppError, NotFoundError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { MediaRepo } from '../ports/media-repo.js';
import type { ImagePipeline } from './image-pipeline.js';
import { checkImage } from './images.js';
import type { MediaService } from './media.js';
import type { UserPresenter } from './user-presenter.js';

/** The job that decodes a direct upload. */
export const MEDIA_PROCESS_JOB = 'media.process';

/**
 * Where a direct upload's bytes wait for their job: named by the media id and a hash of the owner (so only the
 * owner's complete call finds them). Always `.jpg`: the bytes decide the type when the job reads them.
 */
export function stagedKey(owner: string, id: string): string {
  const who = createHash('sha256').update(owner).digest('hex').slice(0, 16);
  return `uploads/${id.toLowerCase()}-${who}.jpg`;
}

/**
 * Uploads too large for a Lambda request body go straight to S3 with a presigned PUT (Content-Type and
 * Content-Length signed), then `complete` enqueues `media.process`, which decodes them through the same pipeline
 * as POST /api/v1/media. Offered only when the blob store can sign (S3); the embedded server takes every upload
 * through POST /api/v1/media.
 */
export class DirectUploads {
  constructor(
    private readonly deps: {
      blobs: BlobStore;
      media: MediaRepo;
      mediaService: MediaService;
      pipeline: ImagePipeline;
      userPresenter: UserPresenter;
      clock: Clock;
      queue?: Pick<JobQueue, 'enqueue'>;
    },
  ) {}

  private get offered(): boolean {
    return this.deps.blobs.signPut !== undefined && this.deps.queue !== undefined;
  }

  /** What GET /api/v1/meta says about uploads. */
  options(): Pick<Meta['mediaUpload'], 'via' | 'apiMaxBytes'> {
    return this.offered
      ? { via: 's3-put', apiMaxBytes: LIMITS.mediaApiMaxBytesDirect }
      : { via: 'api', apiMaxBytes: LIMITS.mediaMaxBytes };
  }

  /** A signed PUT for `size` bytes of `type`, valid for LIMITS.mediaDirectUploadTtlSeconds. */
  async start(owner: string, size: number, type: ImageType): Promise<MediaUploadTicket> {
    const sign = this.deps.blobs.signPut;
    if (!sign || !this.offered) {
      throw new NotFoundError('direct uploads are not offered here: POST /api/v1/media (see GET /api/v1/meta)');
    }
    const now = this.deps.clock.now();
    const id = newId(now);
    const ttl = LIMITS.mediaDirectUploadTtlSeconds;
    const signed = await sign.call(this.deps.blobs, stagedKey(owner, id), {
      contentType: type,
      contentLength: size,
      expiresInSeconds: ttl,
    });
    return { id, method: 'PUT', ...signed, expiresAt: new Date(now + ttl * 1000).toISOString() };
  }

  /** The PUT is done: queues the decode; the media is `processing` until GET /api/v1/media/{id} finds it. */
  async complete(owner: string, id: string, alt: string): Promise<Media> {
    if (!this.offered || !this.deps.queue) throw new NotFoundError(`no media ${id}`);
    if (!isId(id)) throw new NotFoundError(`no media ${id}`);
    const done = await this.deps.media.get(id);
    if (done) {
      if (done.owner !== owner) throw new NotFoundError(`no media ${id}`);
      return this.deps.userPresenter.media(done);
    }
    await this.deps.queue.enqueue([{ name: MEDIA_PROCESS_JOB, payload: { owner, id, alt } }]);
    return { id, type: 'image', url: '', previewUrl: '', width: 0, height: 0, blurhash: '', alt, state: 'processing' };
  }

  /** My upload, once stored. 404 while a direct upload is still processing (or was refused). */
  async get(owner: string, id: string): Promise<Media> {
    const m = await this.deps.media.get(id);
    if (!m || m.owner !== owner) throw new NotFoundError(`no media ${id} (yet)`);
    return this.deps.userPresenter.media(m);
  }

  /**
   * The job: decodes the staged bytes and stores the upload. Idempotent: a record already there, or no staged
   * object (done before, or never sent), ends it; a file the pipeline refuses (a 4xx) is dropped, not retried.
   * Returns what happened, for the log.
   */
  async process(owner: string, id: string, alt: string): Promise<'stored' | 'exists' | 'absent' | 'refused'> {
    const key = stagedKey(owner, id);
    if (await this.deps.media.get(id)) {
      await this.deps.blobs.delete(key);
      return 'exists';
    }
    const staged = await this.deps.blobs.get(key);
    if (!staged) return 'absent';
    try {
      await checkImage(staged.bytes, undefined, LIMITS.mediaMaxBytes);
      const out = await this.deps.pipeline.process(staged.bytes, {
        longSide: LIMITS.mediaLongSide,
        previewLongSide: LIMITS.mediaPreviewLongSide,
      });
      // The upload's age is when it was announced (its id's time), so the attach window is the same as for POST.
      await this.deps.mediaService.store(owner, id, out, alt, this.deps.clock.now());
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await this.deps.blobs.delete(key);
      return 'refused';
    }
    await this.deps.blobs.delete(key);
    return 'stored';
  }
}

/** A 4xx from the checks or the pipeline: the file itself is bad, so a retry cannot help. */
function isRefusal(err: unknown): boolean {
  return err instanceof AppError && err.status >= 400 && err.status < 500;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const isId = (id: string): boolean => ULID.test(id);
