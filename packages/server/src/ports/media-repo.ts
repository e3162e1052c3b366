import type { KeyPage, RangeOptions } from './store.js';

/** One stored image of an upload (the full image and its preview are two blobs). */
export interface MediaImage {
  id: string;
  /** Blob keys of the re-encoded image and of its preview. */
  key: string;
  previewKey: string;
  width: number;
  height: number;
  blurhash: string;
  alt: string;
}

/** An upload as the store keeps it. `statusId` null: not attached yet (alt text may still change). */
export interface MediaRecord extends MediaImage {
  owner: string;
  createdAt: number;
  statusId: string | null;
}

/** Why an attach claim failed, per id: gone (or not the owner's), attached elsewhere, or too old. */
export type AttachRefusal = { id: string; reason: 'missing' | 'attached' | 'expired'; statusId?: string };

/**
 * Uploaded images. Every write is a single-item conditional write (DynamoDB has no transactions here): attaching
 * claims each upload for one status id, and a claim that loses part way releases what it took.
 */
export interface MediaRepo {
  create(media: MediaRecord): Promise<void>;
  /** Strongly consistent. */
  get(id: string): Promise<MediaRecord | null>;
  /** Sets the alt text while unattached and owned by `owner`; returns the new record, or why not. */
  setAlt(id: string, owner: string, alt: string): Promise<MediaRecord | 'missing' | 'attached'>;
  /**
   * Claims each upload for `statusId`: owned by `owner`, created after `notBefore`, and unattached (or already
   * claimed by this very status id, so a replay is a no-op). All or nothing: on the first refusal the claims
   * already taken are released and the refusal is returned. On success, the records in the order given. Each
   * claim is listed (by `claimedAt`) for the sweep until `confirm`ed or released: on DynamoDB a crash between the
   * claims and the status write would otherwise leave uploads held by a status that does not exist.
   */
  attach(
    ids: readonly string[],
    claim: { owner: string; statusId: string; notBefore: number; claimedAt: number },
  ): Promise<MediaRecord[] | AttachRefusal>;
  /**
   * Lets go of uploads claimed by `statusId` (a post that failed after claiming, or a deleted status). With
   * `expire`, they are also made old enough for the next sweep to remove and can never be attached again.
   */
  release(ids: readonly string[], statusId: string, options?: { expire?: boolean }): Promise<void>;
  /** Up to `limit` uploads whose claim, made at or before `before`, is not confirmed yet, oldest claim first. */
  claimedBefore(before: number, limit: number): Promise<MediaRecord[]>;
  /** The claiming status exists: the upload leaves the claimed list (no-op unless still claimed by `statusId`). */
  confirm(id: string, statusId: string): Promise<void>;
  /** Up to `limit` unattached uploads created at or before `before`, oldest first (the sweep's work list). */
  unattachedBefore(before: number, limit: number): Promise<MediaRecord[]>;
  /** Deletes the record if it is still unattached; false when it was attached (or gone) meanwhile. */
  deleteUnattached(id: string): Promise<boolean>;
  /**
   * The uploads of `owner`, attached or not, ascending by id; `after` is exclusive (the account deletion's work
   * list). May lag (DynamoDB: a GSI).
   */
  byOwner(owner: string, range: RangeOptions): Promise<KeyPage<MediaRecord>>;
  /** Deletes the record whatever its state (its blobs must be gone already). Idempotent. */
  remove(id: string): Promise<void>;
}
