import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageChild } from '../src/runtimes/child/image-child.js';
import { listThreads, PER_THREAD_PRIORITY, type ThreadInfo } from '../src/os/threads.js';
import { decodeImage, type DecodeLimits, type ImageInput, type ImageSizes } from '../src/services/image-decode.js';
import { ImagePipeline } from '../src/services/image-pipeline.js';
import { photoJpeg } from './support/images.js';
import { createTestApp } from './support/test-app.js';

const SIZES = { longSide: 2048, previewLongSide: 400 };
const LIMITS = { maxInputPixels: 50_000_000, timeoutSeconds: 10 };
const isLibvips = (t: ThreadInfo) => t.name.startsWith('libvips');

/** Child processes of this one whose command line names the image child's entry (from /proc). */
function imageChildren(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('image-child-entry');
      } catch {
        return false; // ended while it was read
      }
    })
    .map(Number);
}

// Nice values are per thread on Linux, and /proc shows them.
describe.runIf(PER_THREAD_PRIORITY)('the image child’s scheduling priority (Linux)', () => {
  const child = new ImageChild({ nice: 7 });
  afterAll(() => child.close());

  it('every thread of the child runs at its nice value, libvips’s included; this process keeps its own', async () => {
    const photo = await photoJpeg(1600, 1200); // libvips threads of this process exist now, at its priority
    const out = await child.decode(photo, SIZES, LIMITS);
    expect([out.width, out.height]).toEqual([1200, 1600]); // photoJpeg is taken rotated (EXIF orientation 6)

    const pid = child.pid ?? 0;
    const threads = listThreads(pid);
    expect(threads.filter(isLibvips).length).toBeGreaterThan(0);
    expect(threads.length).toBeGreaterThan(5); // V8's, libuv's pool, libvips's: all of them, not just the main one
    expect(threads.filter((t) => t.nice !== 7)).toEqual([]);
    // Nothing of this process was lowered.
    expect(listThreads().filter((t) => t.nice !== 0)).toEqual([]);
  });

  it('the server decodes an upload to ready in its child, every thread of which runs at IMAGE_NICE', async () => {
    const before = imageChildren(); // the other test's child, still up
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
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/^tweeter_image_child_starts 1$/m);
      expect(metrics).toMatch(/^tweeter_image_decodes\{state="running"\} 0$/m);
      const rss = Number(/^tweeter_image_child_resident_memory_bytes (\d+)$/m.exec(metrics)?.[1]);
      expect(rss).toBeGreaterThan(10 * 1024 * 1024); // a Node process with sharp loaded
      const cpu = Number(/^tweeter_image_child_cpu_seconds ([\d.]+)$/m.exec(metrics)?.[1]);
      expect(cpu).toBeGreaterThan(0);
      const media = res.json<{ state?: string; width: number; height: number; url: string }>();
      expect([media.width, media.height]).toEqual([600, 800]);
      expect(media.state ?? 'ready').toBe('ready');
      const started = imageChildren().filter((pid) => !before.includes(pid));
      expect(started).toHaveLength(1);
      const threads = listThreads(started[0] ?? 0);
      expect(threads.filter(isLibvips).length).toBeGreaterThan(0);
      expect(threads.filter((t) => t.nice !== 12)).toEqual([]);
      expect(listThreads().find((t) => t.tid === process.pid)?.nice).toBe(0);
      // The server's libvips threads (this test process's own) never ran this upload: there are none at 12.
      expect(listThreads().filter((t) => t.nice === 12)).toEqual([]);
    } finally {
      await app.close();
    }
    expect(imageChildren().filter((pid) => !before.includes(pid))).toEqual([]); // closing the server stops its child
  });
});

describe('the bound on uploads waiting for the image child', () => {
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
