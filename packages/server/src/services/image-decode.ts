import { encode } from 'blurhash';
import type { Sharp, default as SharpFn } from 'sharp';
import { PayloadTooLargeError, UnavailableError, ValidationError } from '../domain/errors.js';
import type { Encoded } from './encoded-image.js';

/** What the pipeline makes of one upload: the re-encoded image, its preview and what a client paints first. */
export interface ProcessedImage {
  /** Bytes, or files when the image child decoded a spooled upload (see services/encoded-image.ts). */
  image: Encoded;
  preview: Encoded;
  /** Of both buffers: JPEG, or WebP when the image has transparency. */
  type: 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
  blurhash: string;
}

export interface ImageSizes {
  longSide: number;
  previewLongSide: number;
}

export interface DecodeLimits {
  /** Largest input in pixels (width x height): a bigger one is refused before it is decoded. */
  maxInputPixels: number;
  /** sharp's own time limit for each decode and encode, in seconds. */
  timeoutSeconds: number;
}

/** An image to decode: its bytes, or the path of a file holding them (an upload spooled to disk). */
export type ImageInput = Buffer | string;

/**
 * Decodes and re-encodes one image: on this thread (`decodeImage`) or on an image thread (ImageThread). It may take
 * bytes in memory (an image thread transfers their memory, leaving the caller's Buffer empty).
 */
export type ImageDecoder = (input: ImageInput, sizes: ImageSizes, limits: DecodeLimits) => Promise<ProcessedImage>;

type SharpModule = typeof SharpFn;
let loaded: Promise<SharpModule> | null = null;

/**
 * sharp (a native module) is loaded on the first upload, not at start: a process that never decodes an image (a job
 * function, the WebSocket function, a bundle without the binary) never needs it. A deployment without it answers
 * uploads 503, never 500.
 */
function loadSharp(): Promise<SharpModule> {
  loaded ??= import('sharp').then((m) => {
    const sharp = m.default;
    // One libvips thread per image: with `concurrency` images at once the pipeline uses at most that many cores,
    // and the rest of libuv's pool (file reads, password hashing) stays free. No cache: uploads never repeat.
    sharp.concurrency(1);
    sharp.cache(false);
    return sharp;
  });
  loaded.catch(() => {
    loaded = null;
  });
  return loaded;
}

/**
 * Decodes an upload (PNG, JPEG or WebP, already sniffed) and re-encodes it (JPEG, or WebP with transparency):
 * orientation applied, every metadata block (EXIF, GPS, XMP, ICC) dropped, at most `longSide` px on its long side,
 * with a preview and a blurhash. libvips works in libuv's pool; the raw pixels and the blurhash are this thread's.
 * A decompression bomb (too many pixels) is a 413 before decoding; a truncated or corrupt file is a 400.
 */
export async function decodeImage(
  source: ImageInput,
  sizes: ImageSizes,
  limits: DecodeLimits,
): Promise<ProcessedImage & { image: Buffer; preview: Buffer }> {
  const { maxInputPixels, timeoutSeconds } = limits;
  const sharp = await loadSharp().catch(() => {
    throw new UnavailableError('image processing is not available on this server', 60);
  });
  const input = () => sharp(source, { limitInputPixels: maxInputPixels, autoOrient: true });
  // The header alone: a bomb is refused here, before a pixel is decoded.
  const meta = await input()
    .metadata()
    .catch((err: unknown) => {
      throw decodeError(err, maxInputPixels);
    });
  if (!meta.width || !meta.height) throw new ValidationError('the image has no size: it could not be decoded');
  if (meta.width * meta.height > maxInputPixels) throw tooManyPixels(meta.width, meta.height, maxInputPixels);
  try {
    const fit = (side: number) => ({ width: side, height: side, fit: 'inside' as const, withoutEnlargement: true });
    // Decoded (and oriented, and shrunk) once, to raw pixels; the image, its preview and the blurhash's tiny
    // raster are made from those. Raw pixels carry no metadata, so nothing of EXIF/GPS/XMP can survive.
    const decoded = await input()
      .timeout({ seconds: timeoutSeconds })
      .resize(fit(sizes.longSide))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height, channels } = decoded.info;
    const raw = () => sharp(decoded.data, { raw: { width, height, channels } }).timeout({ seconds: timeoutSeconds });
    const alpha = channels === 4 || channels === 2;
    // JPEG where there is no transparency (encodes several times faster than WebP); WebP keeps transparency.
    const encodeAs = (img: Sharp, quality: number) =>
      alpha ? img.webp({ quality, effort: 2 }) : img.jpeg({ quality, chromaSubsampling: '4:2:0' });
    // One after the other: each is one libvips thread, so an upload never takes more than one core.
    const image = await encodeAs(raw(), 82).toBuffer();
    const preview = await encodeAs(raw().resize(fit(sizes.previewLongSide)), 75).toBuffer();
    const tiny = await raw()
      .resize(32, 32, { fit: 'inside' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const blurhash = encode(new Uint8ClampedArray(tiny.data), tiny.info.width, tiny.info.height, 4, 3);
    return { image, preview, type: alpha ? 'image/webp' : 'image/jpeg', width, height, blurhash };
  } catch (err) {
    throw decodeError(err, maxInputPixels);
  }
}

function tooManyPixels(width: number, height: number, max: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `the image claims ${width} x ${height} pixels; the limit is ${max.toLocaleString('en')} pixels`,
  );
}

/** A sharp failure as the client's fault: too many pixels (413), a time-out or a broken file (400). */
function decodeError(err: unknown, maxInputPixels: number): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new PayloadTooLargeError(`the image has more than ${maxInputPixels.toLocaleString('en')} pixels`);
  }
  if (/timeout/i.test(message)) return new ValidationError('the image took too long to decode');
  return new ValidationError('the image could not be decoded: it is truncated or corrupt');
}
