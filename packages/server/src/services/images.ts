import { IMAGE_TYPES, LIMITS, type ImageType } from '@tweeter/shared';
import { fileTypeFromBuffer } from 'file-type';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../domain/errors.js';

/** How much of an upload's start is kept for the check by content (PNG, JPEG and WebP say what they are at once). */
export const SNIFF_BYTES = 64 * 1024;

/** An upload spooled to a temporary file (see http/upload-spool.ts): its size and first SNIFF_BYTES in memory. */
export interface SpooledFile {
  path: string;
  size: number;
  head: Buffer;
}

/** An upload's bytes: in memory, or in a temporary file. */
export type ImageBytes = Buffer | SpooledFile;

export function isSpooledFile(x: unknown): x is SpooledFile {
  return typeof x === 'object' && x !== null && 'path' in x && 'head' in x && Buffer.isBuffer(x.head);
}

/** Checks image bytes by their magic bytes (not the declared type); returns the real type. */
export async function checkImage(
  bytes: ImageBytes,
  declared?: string,
  maxBytes: number = LIMITS.imageMaxBytes,
): Promise<ImageType> {
  const size = Buffer.isBuffer(bytes) ? bytes.length : bytes.size;
  if (size > maxBytes) {
    throw new PayloadTooLargeError(
      `the image is ${size} bytes; the limit is ${maxBytes} bytes (${maxBytes / 1024 / 1024} MiB)`,
    );
  }
  if (size === 0) throw new UnsupportedMediaTypeError('image is empty');
  const sniffed = await fileTypeFromBuffer(Buffer.isBuffer(bytes) ? bytes : bytes.head);
  const mime = sniffed?.mime;
  const type = IMAGE_TYPES.find((t) => t === mime);
  if (!type) {
    const what = mime ? `a ${mime} file` : 'not an image we recognise';
    throw new UnsupportedMediaTypeError(`the image is ${what}: accepted types are ${IMAGE_TYPES.join(', ')}`);
  }
  if (declared && declared !== type) {
    throw new UnsupportedMediaTypeError(`image bytes are ${type}, not the declared ${declared}`);
  }
  return type;
}

export const IMAGE_EXTENSIONS: Record<ImageType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};
