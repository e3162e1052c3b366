import { afterAll, describe, expect, it } from 'vitest';
import { ImageThread } from '../src/runtimes/thread/image-thread.js';
import { listThreads, PER_THREAD_PRIORITY, type ThreadInfo } from '../src/runtimes/thread/thread-priority.js';
import { decodeImage, type DecodeLimits, type ImageInput, type ImageSizes } from '../src/services/image-decode.js';
import { ImagePipeline } from '../src/services/image-pipeline.js';
import { photoJpeg } from './support/images.js';
import { createTestApp } from './support/test-app.js';

const SIZES = { longSide: 2048, previewLongSide: 400 };
const LIMITS = { maxInputPixels: 50_000_000, timeoutSeconds: 10 };
const isLibvips = (t: ThreadInfo) => t.name.startsWith('libvips');

/** A copy that owns its whole ArrayBuffer (as an upload's body does). */
function owned(bytes: Buffer): Buffer {
  const copy = Buffer.from(new ArrayBuffer(bytes.length));
  bytes.copy(copy);
  return copy;
}

// Nice values are per thread on Linux only (elsewhere the image thread keeps the server's priority).
describe.runIf(PER_THREAD_PRIORITY)('the image thread’s scheduling priority (Linux)', () => {
  const thread = new ImageThread({ nice: 7 });
  afterAll(() => thread.close());

  it('runs at its nice value, and so do the libvips threads it decodes on; other threads keep theirs', async () => {
    const photo = await photoJpeg(1600, 1200); // libvips threads exist now, started at this process's priority
    expect(listThreads().filter((t) => t.nice === 7)).toEqual([]);
    expect(listThreads().filter(isLibvips).length).toBeGreaterThan(0);

    const out = await thread.decode(owned(photo), SIZES, LIMITS);
    expect([out.width, out.height]).toEqual([1200, 1600]); // photoJpeg is taken rotated (EXIF orientation 6)

    const threads = listThreads();
    // The image thread: the one thread at 7 that is not libvips's (Node does not name worker threads).
    expect(threads.filter((t) => t.nice === 7 && !isLibvips(t))).toHaveLength(1);
    const libvips = threads.filter(isLibvips);
    expect(libvips.length).toBeGreaterThan(0);
    expect(libvips.every((t) => t.nice >= 7)).toBe(true);
    // This thread, the one that answers requests in the server, keeps its priority.
    expect(threads.find((t) => t.tid === process.pid)?.nice).toBe(0);
  });

  it('the server’s image thread runs at IMAGE_NICE', async () => {
    const app = await createTestApp({ IMAGE_NICE: '12' });
    try {
      expect(app.config.imageNice).toBe(12);
      const token = await app.register('nia');
      const res = await app.as(token, {
        method: 'POST',
        url: '/api/v1/media',
        payload: await photoJpeg(800, 600),
        headers: { 'content-type': 'image/jpeg' },
      });
      expect(res.statusCode).toBe(201);
      const threads = listThreads();
      expect(threads.filter((t) => t.nice === 12 && !isLibvips(t))).toHaveLength(1);
      expect(threads.filter(isLibvips).every((t) => t.nice >= 12)).toBe(true);
      expect(threads.find((t) => t.tid === process.pid)?.nice).toBe(0);
    } finally {
      await app.close();
    }
  });
});

describe('the bound on uploads waiting for the image thread', () => {
  it('past the waiting bound an upload is 503 with Retry-After at once; the waiting ones are then decoded', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // The real decoder, held shut until the test opens it: the first upload holds the one slot.
    const held = async (input: ImageInput, sizes: ImageSizes, limits: DecodeLimits) => {
      await gate;
      return decodeImage(input, sizes, limits);
    };
    const imagePipeline = new ImagePipeline({ ...LIMITS, concurrency: 1, maxWaiting: 1, decoder: held });
    const app = await createTestApp({}, { imagePipeline });
    try {
      const token = await app.register('uma');
      const photo = await photoJpeg(640, 480);
      const send = () =>
        app.as(token, {
          method: 'POST',
          url: '/api/v1/media',
          payload: photo,
          headers: { 'content-type': 'image/jpeg' },
        });
      const first = send();
      const second = send();
      while (imagePipeline.load().waiting < 1) await new Promise((r) => setTimeout(r, 5));
      expect(imagePipeline.load()).toEqual({ running: 1, waiting: 1 });

      const refused = await send();
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.json<{ error: { code: string } }>().error.code).toBe('unavailable');

      open();
      expect([(await first).statusCode, (await second).statusCode]).toEqual([201, 201]);
      expect(imagePipeline.load()).toEqual({ running: 0, waiting: 0 });
    } finally {
      await app.close();
    }
  });
});
