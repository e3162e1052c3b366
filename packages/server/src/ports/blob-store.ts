export interface Blob {
  bytes: Buffer;
  contentType: string;
}

/**
 * Binary objects (profile images): files under DATA_DIR here, S3 in the AWS shape. Keys are paths of lower-case
 * segments ending in .png, .jpg or .webp; the content type follows from the extension. A key that is not one
 * (it may come from a URL) reads as missing and cannot be written.
 */
export interface BlobStore {
  put(key: string, blob: Blob): Promise<void>;
  get(key: string): Promise<Blob | null>;
  delete(key: string): Promise<void>;
  /**
   * Stores the file at `path` as `key` (moved or streamed: its bytes are not read into this thread's memory). The
   * file may be gone after. Optional: a store without it is given the bytes (see services/encoded-image.ts).
   */
  putFile?(key: string, path: string, contentType: string): Promise<void>;
  /**
   * A request a client can send the bytes of `key` with, straight to storage, refused unless it carries exactly
   * this content type and length, within `expiresInSeconds`. Only stores a client can reach offer it (S3).
   */
  signPut?(
    key: string,
    conditions: { contentType: string; contentLength: number; expiresInSeconds: number },
  ): Promise<{ url: string; headers: Record<string, string> }>;
}

const KEY = /^[a-z0-9_-]+(\/[a-z0-9_-]+)*\.(png|jpg|webp)$/;
const TYPES: Readonly<Record<string, string>> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };

/** The content type a valid blob key stands for, or null when the key is not a valid blob key. */
export function blobKeyType(key: string): string | null {
  if (key.length > 300 || !KEY.test(key)) return null;
  return TYPES[key.slice(key.lastIndexOf('.') + 1)] ?? null;
}
