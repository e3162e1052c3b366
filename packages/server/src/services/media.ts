import { LIMITS, type Media } from '@tweeter/shared';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { AttachRefusal, MediaImage, MediaRecord, MediaRepo } from '../ports/media-repo.js';
import type { ImagePipeline, ProcessedImage } from './image-pipeline.js';
import { putEncoded } from './encoded-image.js';
import { checkImage, type ImageBytes } from './images.js';
import type { UserPresenter } from './user-presenter.js';

/** Image uploads: checked by content, re-encoded by the pipeline, stored as two blobs, attached to one status. */
export class MediaService {
  constructor(
    private readonly deps: {
      media: MediaRepo;
      blobs: BlobStore;
      pipeline: ImagePipeline;
      userPresenter: UserPresenter;
      clock: Clock;
    },
  ) {}

  /** Stores an upload of `owner`'s (in memory or spooled to a file); it can be attached to a status for a day. */
  async upload(owner: string, bytes: ImageBytes, declaredType: string | undefined, alt = ''): Promise<Media> {
    await checkImage(bytes, declaredType, LIMITS.mediaMaxBytes);
    const out = await this.deps.pipeline.process(Buffer.isBuffer(bytes) ? bytes : bytes.path, {
      longSide: LIMITS.mediaLongSide,
      previewLongSide: LIMITS.mediaPreviewLongSide,
    });
    const now = this.deps.clock.now();
    return this.store(owner, newId(now), out, alt, now);
  }

  /** Stores a processed image as the upload `id` of `owner`'s (also the last step of a direct upload's job). */
  async store(owner: string, id: string, out: ProcessedImage, alt: string, now: number): Promise<Media> {
    const base = `media/${id.toLowerCase()}`;
    const ext = out.type === 'image/jpeg' ? 'jpg' : 'webp';
    const record: MediaRecord = {
      id,
      owner,
      statusId: null,
      key: `${base}.${ext}`,
      previewKey: `${base}-preview.${ext}`,
      width: out.width,
      height: out.height,
      blurhash: out.blurhash,
      alt,
      createdAt: now,
    };
    const { blobs } = this.deps;
    // Blobs first: a record never names a missing blob. A crash before the record leaves blobs no record names.
    await putEncoded(blobs, record.key, out.image, out.type);
    await putEncoded(blobs, record.previewKey, out.preview, out.type);
    await this.deps.media.create(record);
    return this.deps.userPresenter.media(record);
  }

  /** Changes the alt text of my upload until it is attached. */
  async setAlt(owner: string, id: string, alt: string): Promise<Media> {
    const result = await this.deps.media.setAlt(id, owner, alt);
    if (result === 'missing') throw new NotFoundError(`no media ${id}`);
    if (result === 'attached') {
      throw new ConflictError('conflict', `media ${id} is attached to a status: its alt text can no longer change`);
    }
    return this.deps.userPresenter.media(result);
  }

  /**
   * Claims my uploads for a status about to be written (see MediaRepo.attach). A refusal becomes the API error:
   * someone else's or unknown 404, too old 400, attached elsewhere 409 (unless `reuse` accepts that status: an
   * Idempotency-Key retry of the post that attached them).
   */
  async claim(
    owner: string,
    ids: readonly string[],
    statusId: string,
    reuse?: (attachedTo: string) => Promise<boolean>,
  ): Promise<{ images: MediaImage[] } | { attachedTo: string }> {
    if (new Set(ids).size !== ids.length) throw new ValidationError('mediaIds: the same media is listed twice');
    const now = this.deps.clock.now();
    const notBefore = now - LIMITS.mediaAttachWindowMs;
    const result = await this.deps.media.attach(ids, { owner, statusId, notBefore, claimedAt: now });
    if (Array.isArray(result)) return { images: result.map(image) };
    if (result.reason === 'attached' && result.statusId && reuse && (await reuse(result.statusId))) {
      return { attachedTo: result.statusId };
    }
    throw refusalError(result);
  }

  /** Lets go of claims (a post that failed); with `expire`, the next sweep removes them (a deleted status). */
  release(ids: readonly string[], statusId: string, options?: { expire?: boolean }): Promise<void> {
    return ids.length ? this.deps.media.release(ids, statusId, options) : Promise.resolve();
  }
}

function image(m: MediaRecord): MediaImage {
  return {
    id: m.id,
    key: m.key,
    previewKey: m.previewKey,
    width: m.width,
    height: m.height,
    blurhash: m.blurhash,
    alt: m.alt,
  };
}

function refusalError(r: AttachRefusal): Error {
  if (r.reason === 'missing') return new NotFoundError(`no media ${r.id}`);
  if (r.reason === 'expired') {
    return new ValidationError(`mediaIds: media ${r.id} was uploaded more than a day ago: upload it again`);
  }
  return new ConflictError('conflict', `media ${r.id} is already attached to another status`);
}
