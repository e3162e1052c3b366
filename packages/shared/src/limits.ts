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
  idempotencyKeyMax: 255,
  cursorMax: 512,
  boardNameMax: 80,
  boardDescriptionMax: 500,
  messageMax: 2000,
  topicMax: 50,
  commentMax: 1000,
  retentionDaysMin: 1,
  retentionDaysMax: 3650,
  bioMax: 160,
} as const;

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
