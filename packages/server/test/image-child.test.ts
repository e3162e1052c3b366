import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { PayloadTooLargeError, UnavailableError, ValidationError } from '../src/domain/errors.js';
import { ImageChild } from '../src/runtimes/child/image-child.js';
import { listThreads, PER_THREAD_PRIORITY } from '../src/os/threads.js';
import { decodeImage } from '../src/services/image-decode.js';
import { ImagePipeline } from '../src/services/image-pipeline.js';
import { bombPng, inMemory, photoJpeg, solidPng } from './support/images.js';

const SIZES = { longSide: 2048, previewLongSide: 400 };
const LIMITS = { maxInputPixels: 50_000_000, timeoutSeconds: 10 };

/** Resolves once the child `pid` has libvips threads: a decode is under way in it. */
async function decoding(pid: number): Promise<void> {
  while (!listThreads(pid).some((t) => t.name.startsWith('libvips'))) await new Promise((r) => setTimeout(r, 2));
}

describe('the image child process', () => {
  const thread = new ImageChild();
  afterAll(() => thread.close());

  it('makes what a decode in this process makes', async () => {
    const photo = await photoJpeg(1200, 800);
    const here = await decodeImage(photo, SIZES, LIMITS);
    const there = await thread.decode(photo, SIZES, LIMITS);
    expect(thread.pid).not.toBe(process.pid);
    expect(thread.pid).toBeGreaterThan(0);
    expect([there.type, there.width, there.height, there.blurhash]).toEqual([
      here.type,
      here.width,
      here.height,
      here.blurhash,
    ]);
    const [image, preview] = await Promise.all([
      sharp(inMemory(there.image)).metadata(),
      sharp(inMemory(there.preview)).metadata(),
    ]);
    expect([image.format, image.width, image.height, image.exif]).toEqual(['jpeg', 800, 1200, undefined]);
    expect([preview.width, preview.height]).toEqual([267, 400]);
  });

  it('decodes a spooled upload by its path, and writes its two files beside it: no image byte comes back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'image-child-test-'));
    try {
      const path = join(dir, 'upload');
      await writeFile(path, await photoJpeg(600, 400));
      const out = await thread.decode(path, SIZES, LIMITS);
      expect([out.type, out.width, out.height]).toEqual(['image/jpeg', 400, 600]);
      expect([out.image, out.preview]).toEqual([
        { path: `${path}.image`, size: (await stat(`${path}.image`)).size },
        { path: `${path}.preview`, size: (await stat(`${path}.preview`)).size },
      ]);
      const [image, preview] = await Promise.all([
        sharp(`${path}.image`).metadata(),
        sharp(`${path}.preview`).metadata(),
      ]);
      expect([image.format, image.width, image.height, preview.width, preview.height]).toEqual([
        'jpeg',
        400,
        600,
        267,
        400,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bomb with 413 and a truncated file with 400, as on this thread, and decodes on after them', async () => {
    await expect(thread.decode(bombPng(), SIZES, LIMITS)).rejects.toBeInstanceOf(PayloadTooLargeError);
    const jpeg = await photoJpeg(400, 300);
    await expect(thread.decode(jpeg.subarray(0, 2000), SIZES, LIMITS)).rejects.toBeInstanceOf(ValidationError);
    expect((await thread.decode(jpeg, SIZES, LIMITS)).width).toBe(300);
  });

  it('under the pipeline: at most `concurrency` at once in the child, `maxWaiting` in line, 503 past that', async () => {
    const pipeline = new ImagePipeline({ concurrency: 1, maxWaiting: 2, ...LIMITS, decoder: thread.decode });
    const photo = await photoJpeg(1200, 800);
    const running = [1, 2, 3].map(() => pipeline.process(photo, SIZES));
    expect(pipeline.load()).toEqual({ running: 1, waiting: 2 });
    await expect(pipeline.process(photo, SIZES)).rejects.toBeInstanceOf(UnavailableError);
    expect((await Promise.all(running)).map((d) => d.height)).toEqual([1200, 1200, 1200]);
    expect(pipeline.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('closes after the decode in flight, and refuses later ones with 503', async () => {
    const own = new ImageChild();
    const photo = await photoJpeg(1200, 800);
    // Closed at once, while the child is still starting: the decode asked for first is still made.
    const inFlight = own.decode(photo, SIZES, LIMITS);
    await own.close();
    expect((await inFlight).height).toBe(1200);
    await expect(own.decode(await solidPng(4, 4), SIZES, LIMITS)).rejects.toBeInstanceOf(UnavailableError);
  });

  // Linux: /proc shows when the child's libvips threads start, so the kill lands in the middle of a decode.
  it.runIf(PER_THREAD_PRIORITY)('a child killed mid-decode is replaced and the decode sent again', async () => {
    const own = new ImageChild();
    try {
      const photo = await photoJpeg(3000, 2000);
      const out = own.decode(photo, SIZES, LIMITS);
      while (own.pid === null) await new Promise((r) => setTimeout(r, 2));
      const first = own.pid;
      await decoding(first);
      process.kill(first, 'SIGKILL');
      expect([(await out).width, (await out).height]).toEqual([1365, 2048]);
      expect(own.starts).toBe(2);
      expect(own.pid).not.toBe(first);
      // The new child goes on decoding.
      expect((await own.decode(await solidPng(8, 6), SIZES, LIMITS)).width).toBe(8);
      expect(own.starts).toBe(2);
    } finally {
      await own.close();
    }
  });

  it.runIf(PER_THREAD_PRIORITY)(
    'a decode that loses its child on every attempt is 503 with a Retry-After',
    async () => {
      const own = new ImageChild({ nice: 0, attempts: 1 });
      try {
        const out = own.decode(await photoJpeg(3000, 2000), SIZES, LIMITS);
        const refused = expect(out).rejects.toBeInstanceOf(UnavailableError);
        while (own.pid === null) await new Promise((r) => setTimeout(r, 2));
        const pid = own.pid;
        await decoding(pid);
        process.kill(pid, 'SIGKILL');
        await refused;
        await expect(out).rejects.toMatchObject({ retryAfterSeconds: 2 });
        // The next upload starts a new child.
        expect((await own.decode(await solidPng(8, 6), SIZES, LIMITS)).height).toBe(6);
        expect(own.starts).toBe(2);
      } finally {
        await own.close();
      }
    },
  );
});
