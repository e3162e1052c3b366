import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { PayloadTooLargeError, UnavailableError, ValidationError } from '../src/domain/errors.js';
import { ImageThread } from '../src/runtimes/thread/image-thread.js';
import { decodeImage } from '../src/services/image-decode.js';
import { ImagePipeline } from '../src/services/image-pipeline.js';
import { bombPng, photoJpeg, solidPng } from './support/images.js';

const SIZES = { longSide: 2048, previewLongSide: 400 };
const LIMITS = { maxInputPixels: 50_000_000, timeoutSeconds: 10 };

/** A copy that owns its whole ArrayBuffer (as an upload's body does), so the thread may take it. */
function owned(bytes: Buffer): Buffer {
  const copy = Buffer.from(new ArrayBuffer(bytes.length));
  bytes.copy(copy);
  return copy;
}

describe('the image thread', () => {
  const thread = new ImageThread();
  afterAll(() => thread.close());

  it('makes what a decode on this thread makes, and takes the upload’s memory instead of copying it', async () => {
    const photo = await photoJpeg(1200, 800);
    const here = await decodeImage(photo, SIZES, LIMITS);
    const body = owned(photo);
    const there = await thread.decode(body, SIZES, LIMITS);
    expect(body.length).toBe(0); // moved to the thread: nothing of it is left on this one
    expect([there.type, there.width, there.height, there.blurhash]).toEqual([
      here.type,
      here.width,
      here.height,
      here.blurhash,
    ]);
    const [image, preview] = await Promise.all([sharp(there.image).metadata(), sharp(there.preview).metadata()]);
    expect([image.format, image.width, image.height, image.exif]).toEqual(['jpeg', 800, 1200, undefined]);
    expect([preview.width, preview.height]).toEqual([267, 400]);
  });

  it('decodes a spooled upload by its path: libvips reads the file on the thread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'image-thread-test-'));
    try {
      const path = join(dir, 'upload');
      await writeFile(path, await photoJpeg(600, 400));
      const out = await thread.decode(path, SIZES, LIMITS);
      expect([out.type, out.width, out.height]).toEqual(['image/jpeg', 400, 600]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('copies a buffer that shares Node’s pool, leaving the pool and the buffer as they were', async () => {
    const png = await solidPng(30, 20);
    const pooled = Buffer.from(png); // a few hundred bytes: a slice of the shared pool
    const neighbour = Buffer.from('still here');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length);
    const out = await thread.decode(pooled, SIZES, LIMITS);
    expect([out.width, out.height]).toEqual([30, 20]);
    expect(pooled.equals(png)).toBe(true);
    expect(neighbour.toString()).toBe('still here');
  });

  it('refuses a bomb with 413 and a truncated file with 400, as on this thread, and decodes on after them', async () => {
    await expect(thread.decode(bombPng(), SIZES, LIMITS)).rejects.toBeInstanceOf(PayloadTooLargeError);
    const jpeg = await photoJpeg(400, 300);
    await expect(thread.decode(owned(jpeg.subarray(0, 2000)), SIZES, LIMITS)).rejects.toBeInstanceOf(ValidationError);
    expect((await thread.decode(owned(jpeg), SIZES, LIMITS)).width).toBe(300);
  });

  it('under the pipeline: at most `concurrency` at once on the thread, `maxWaiting` in line, 503 past that', async () => {
    const pipeline = new ImagePipeline({ concurrency: 1, maxWaiting: 2, ...LIMITS, decoder: thread.decode });
    const photo = await photoJpeg(1200, 800);
    const running = [1, 2, 3].map(() => pipeline.process(owned(photo), SIZES));
    expect(pipeline.load()).toEqual({ running: 1, waiting: 2 });
    await expect(pipeline.process(owned(photo), SIZES)).rejects.toBeInstanceOf(UnavailableError);
    expect((await Promise.all(running)).map((d) => d.height)).toEqual([1200, 1200, 1200]);
    expect(pipeline.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('closes after the decode in flight, and refuses later ones with 503', async () => {
    const own = new ImageThread();
    const photo = owned(await photoJpeg(1200, 800));
    // Closed at once, while the thread is still starting: the decode asked for first is still made.
    const inFlight = own.decode(photo, SIZES, LIMITS);
    await own.close();
    expect((await inFlight).height).toBe(1200);
    await expect(own.decode(owned(await solidPng(4, 4)), SIZES, LIMITS)).rejects.toBeInstanceOf(UnavailableError);
  });
});
