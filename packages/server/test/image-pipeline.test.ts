import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../src/domain/errors.js';
import { ImagePipeline } from '../src/services/image-pipeline.js';
import { bombPng, inMemory, photoJpeg, solidPng } from './support/images.js';

const SIZES = { longSide: 2048, previewLongSide: 400 };

describe('the image pipeline', () => {
  it('runs at most `concurrency` decodes at once, queues up to `maxWaiting`, and refuses more with 503', async () => {
    const pipeline = new ImagePipeline({
      concurrency: 1,
      maxWaiting: 2,
      maxInputPixels: 50_000_000,
      timeoutSeconds: 10,
    });
    const photo = await photoJpeg(1200, 800);
    const running = [1, 2, 3].map(() => pipeline.process(photo, SIZES));
    expect(pipeline.load()).toEqual({ running: 1, waiting: 2 });
    await expect(pipeline.process(photo, SIZES)).rejects.toBeInstanceOf(UnavailableError);
    const done = await Promise.all(running);
    expect(done.map((d) => [d.width, d.height])).toEqual([
      [800, 1200],
      [800, 1200],
      [800, 1200],
    ]);
    expect(pipeline.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('frees its slot when a decode fails, so a bomb or a broken file never wedges it', async () => {
    const pipeline = new ImagePipeline({
      concurrency: 1,
      maxWaiting: 0,
      maxInputPixels: 50_000_000,
      timeoutSeconds: 10,
    });
    await expect(pipeline.process(bombPng(), SIZES)).rejects.toMatchObject({ code: 'payload_too_large' });
    const jpeg = await photoJpeg(400, 300);
    await expect(pipeline.process(jpeg.subarray(0, 2000), SIZES)).rejects.toMatchObject({ code: 'validation_failed' });
    expect(pipeline.load()).toEqual({ running: 0, waiting: 0 });
    expect((await pipeline.process(await solidPng(30, 20), SIZES)).width).toBe(30);
  });

  it('keeps transparency as WebP and makes everything else JPEG, with no metadata left', async () => {
    const pipeline = new ImagePipeline();
    const transparent = await sharp({
      create: { width: 40, height: 30, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const a = await pipeline.process(transparent, SIZES);
    expect(a.type).toBe('image/webp');
    expect((await sharp(inMemory(a.image)).metadata()).hasAlpha).toBe(true);
    const b = await pipeline.process(await photoJpeg(600, 400), SIZES);
    expect(b.type).toBe('image/jpeg');
    const meta = await sharp(inMemory(b.image)).metadata();
    expect([meta.format, meta.exif, meta.icc, meta.xmp]).toEqual(['jpeg', undefined, undefined, undefined]);
  });
});
