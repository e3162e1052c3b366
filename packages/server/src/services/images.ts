import { IMAGE_TYPES, LIMITS, type ImageType } from '@tweeter/shared';
import { fileTypeFromBuffer } from 'file-type';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../domain/errors.js';

/** Checks image bytes by their magic bytes (not the declared type); returns the real type. */
export async function checkImage(
  bytes: Buffer,
  declared?: string,
  maxBytes: number = LIMITS.imageMaxBytes,
): Promise<ImageType> {
  if (bytes.length > maxBytes) {
    throw new PayloadTooLargeError(
      `the image is ${bytes.length} bytes; the limit is ${maxBytes} bytes (${maxBytes / 1024 / 1024} MiB)`,
    );
  }
  if (bytes.length === 0) throw new UnsupportedMediaTypeError('image is empty');
  const sniffed = await fileTypeFromBuffer(bytes);
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
