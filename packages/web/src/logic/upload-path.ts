import type { Meta } from '@tweeter/shared';

/** How one file is uploaded: through the API (POST /api/v1/media), or straight to storage (a signed PUT). */
export type UploadPath = 'api' | 'direct';

/**
 * The server's /meta decides: where it offers direct uploads (`s3-put`, on AWS, whose API cannot take a body as
 * large as an image may be), files over `apiMaxBytes` go direct; everything else, and everything when /meta is not
 * known, goes through the API.
 */
export function uploadPath(meta: Pick<Meta['mediaUpload'], 'via' | 'apiMaxBytes'> | null, size: number): UploadPath {
  return meta?.via === 's3-put' && size > meta.apiMaxBytes ? 'direct' : 'api';
}

/** How long the app waits for a direct upload to be decoded, and how often it asks. */
export const DIRECT_UPLOAD_WAIT = { tries: 60, everyMs: 500 } as const;
