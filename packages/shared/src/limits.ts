/** Every limit the API enforces, in one place (documented in docs/api.md). */
export const LIMITS = {
  aliasMin: 3,
  aliasMax: 30,
  nameMax: 50,
  passwordMin: 8,
  passwordMax: 256,
  postMax: 280,
  pageDefault: 20,
  pageMax: 100,
  imageMaxBytes: 1024 * 1024,
  mediaMaxBytes: 8 * 1024 * 1024,
  /**
   * Largest body of POST /api/v1/media where uploads may go straight to storage (AWS): a Lambda request carries at most
   * 6 MB, and a binary body arrives base64-encoded (4/3 larger). Larger files take POST /api/v1/media/uploads.
   */
  mediaApiMaxBytesDirect: 4 * 1024 * 1024,
  /** How long a signed direct-upload request stays valid. */
  mediaDirectUploadTtlSeconds: 600,
  mediaPerStatus: 4,
  altMax: 1500,
  /** Long side of a stored image and of its preview, in pixels. */
  mediaLongSide: 2048,
  mediaPreviewLongSide: 400,
  /** An upload must be attached within this long (unattached ones are removed after it). */
  mediaAttachWindowMs: 24 * 60 * 60 * 1000,
  idempotencyKeyMax: 255,
  cursorMax: 512,
  boardNameMax: 80,
  boardDescriptionMax: 500,
  messageMax: 2000,
  topicMax: 50,
  commentMax: 1000,
  /** Descendants one `GET /statuses/{id}/context` lists (depth first); a thread's depth itself is unbounded. */
  contextMax: 200,
  /** Ancestors one context lists (the nearest ones), so a very deep thread costs a bounded walk. */
  ancestorsMax: 200,
  retentionDaysMin: 1,
  retentionDaysMax: 3650,
  /** Accounts one account may block, and (separately) mute. */
  relationsMax: 10_000,
  bioMax: 160,
  /** Longest hashtag (code units after #); longer runs are not tags. */
  tagMax: 100,
  /** Search queries (`q`): 1 to 200 characters, after trimming. */
  searchQueryMin: 1,
  searchQueryMax: 200,
  /** Words of a query that count; the rest are ignored (each costs an index lookup). */
  searchTermsMax: 8,
  /** Hashtags a trends answer lists. */
  trendsMax: 10,
} as const;

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
