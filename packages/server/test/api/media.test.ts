import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bombPng, GIF_1PX, photoJpeg, solidPng } from '../support/images.js';
import { ManualClock } from '../support/manual-clock.js';
import { useTestApp, useTestApps } from '../support/use-test-app.js';
import type { TestApp } from '../support/test-app.js';

interface MediaBody {
  id: string;
  type: string;
  url: string;
  previewUrl: string;
  width: number;
  height: number;
  blurhash: string;
  alt: string;
}

const t = useTestApp();
const apps = useTestApps();

function upload(app: TestApp, token: string, bytes: Buffer, type = 'image/jpeg', query = '') {
  return app.as(token, {
    method: 'POST',
    url: `/api/v1/media${query}`,
    payload: bytes,
    headers: { 'content-type': type },
  });
}

function post(app: TestApp, token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.as(token, { method: 'POST', url: '/api/v1/statuses', payload: body, headers });
}

async function uploaded(app: TestApp, token: string, bytes?: Buffer): Promise<MediaBody> {
  const res = await upload(app, token, bytes ?? (await solidPng(64, 48)), 'image/png');
  expect(res.statusCode, res.body).toBe(201);
  return res.json<MediaBody>();
}

describe('POST /api/v1/media', () => {
  it('re-encodes a photo: orientation applied, EXIF and GPS gone, long side 2,048, a 400 px preview, a blurhash', async () => {
    const token = await t.register('ann');
    const photo = await photoJpeg(3000, 2000);
    const input = await sharp(photo).metadata();
    expect([input.orientation, input.exif?.includes(Buffer.from('TestCam'))]).toEqual([6, true]);
    const res = await upload(t, token, photo, 'image/jpeg', '?alt=A%20field');
    expect(res.statusCode, res.body).toBe(201);
    const media = res.json<MediaBody>();
    // Orientation 6 turns the 3000 x 2000 landscape into a portrait.
    expect(media).toMatchObject({ type: 'image', width: 1365, height: 2048, alt: 'A field' });
    expect(media.blurhash).toMatch(/^[0-9A-Za-z#$%*+,-.:;=?@[\]^_{|}~]{28}$/);
    const full = await t.inject({ url: media.url });
    expect(full.statusCode).toBe(200);
    const fullMeta = await sharp(full.rawPayload).metadata();
    expect([fullMeta.width, fullMeta.height]).toEqual([1365, 2048]);
    expect(fullMeta.exif).toBeUndefined();
    expect(fullMeta.orientation).toBeUndefined();
    expect(full.rawPayload.includes(Buffer.from('TestCam'))).toBe(false);
    const preview = await sharp((await t.inject({ url: media.previewUrl })).rawPayload).metadata();
    expect([preview.width, preview.height]).toEqual([267, 400]);
  });

  it('keeps a small image at its size', async () => {
    const token = await t.register('bea');
    const media = await uploaded(t, token, await solidPng(64, 48));
    expect([media.width, media.height]).toEqual([64, 48]);
  });

  it('decides the type by content: a GIF sent as image/png is 415, and so is text', async () => {
    const token = await t.register('cat');
    const gif = await upload(t, token, GIF_1PX, 'image/png');
    expect(gif.statusCode).toBe(415);
    expect(gif.json().error.code).toBe('unsupported_media_type');
    const text = await upload(t, token, Buffer.from('not an image at all'), 'image/jpeg');
    expect(text.statusCode).toBe(415);
    const header = await upload(t, token, await solidPng(4, 4), 'text/plain');
    expect(header.statusCode).toBe(415);
  });

  it('refuses more than 8 MiB with 413', async () => {
    const token = await t.register('dan');
    const big = Buffer.concat([await solidPng(8, 8), Buffer.alloc(8 * 1024 * 1024)]);
    const res = await upload(t, token, big, 'image/png');
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('refuses a PNG claiming 50,000 x 50,000 pixels with 413 before decoding it', async () => {
    const token = await t.register('eve');
    const res = await upload(t, token, bombPng(), 'image/png');
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toMatch(/pixels/);
  });

  it('refuses a truncated JPEG with 400', async () => {
    const token = await t.register('fay');
    const jpeg = await photoJpeg(800, 600);
    const res = await upload(t, token, jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'image/jpeg');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/truncated or corrupt/);
  });

  it('refuses alt text over 1,500 characters with 400 (query and PATCH), and takes exactly 1,500', async () => {
    const token = await t.register('gus');
    const png = await solidPng(8, 8);
    expect((await upload(t, token, png, 'image/png', `?alt=${'a'.repeat(1501)}`)).statusCode).toBe(400);
    const media = await uploaded(t, token);
    const patch = (alt: string) => t.as(token, { method: 'PATCH', url: `/api/v1/media/${media.id}`, payload: { alt } });
    expect((await patch('😀'.repeat(1501))).statusCode).toBe(400);
    const ok = await patch('😀'.repeat(1500));
    expect(ok.statusCode).toBe(200);
    expect(ok.json<MediaBody>().alt).toBe('😀'.repeat(1500));
  });

  it('needs a token', async () => {
    const png = await solidPng(4, 4);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/media',
      payload: png,
      headers: { 'content-type': 'image/png' },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('attaching media to a status', () => {
  it('a status carries up to 4 images in the order given, in the post, the story and the feed', async () => {
    const ann = await t.register('hal');
    const bob = await t.register('ivy');
    await t.as(bob, { method: 'PUT', url: '/api/v1/me/followees/hal' });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await uploaded(t, ann, await solidPng(10 + i, 10))).id);
    const res = await post(t, ann, { post: 'four pictures', mediaIds: ids });
    expect(res.statusCode, res.body).toBe(201);
    const status = res.json<{ id: string; media: MediaBody[] }>();
    expect(status.media.map((m) => m.id)).toEqual(ids);
    expect(status.media.map((m) => m.width)).toEqual([10, 11, 12, 13]);
    await t.drain();
    const feed = await t.as(bob, { url: '/api/v1/me/feed' });
    expect(feed.json<{ items: { id: string; media: MediaBody[] }[] }>().items[0]?.media).toEqual(status.media);
    const story = await t.as(bob, { url: '/api/v1/users/hal/story' });
    expect(story.json<{ items: { media: MediaBody[] }[] }>().items[0]?.media).toEqual(status.media);
    // A text-only status has an empty list.
    expect((await post(t, ann, { post: 'words only' })).json<{ media: unknown[] }>().media).toEqual([]);
  });

  it('5 ids are 400, someone else’s media 404, an unknown id 404, the same id twice 400', async () => {
    const ann = await t.register('jon');
    const bob = await t.register('kim');
    const mine = await uploaded(t, ann);
    const theirs = await uploaded(t, bob);
    const five = await post(t, ann, { post: 'x', mediaIds: [mine.id, 'a', 'b', 'c', 'd'] });
    expect(five.statusCode).toBe(400);
    expect(five.json().error.code).toBe('validation_failed');
    const other = await post(t, ann, { post: 'x', mediaIds: [mine.id, theirs.id] });
    expect(other.statusCode).toBe(404);
    expect((await post(t, ann, { post: 'x', mediaIds: ['01NOSUCHMEDIA000000000000'] })).statusCode).toBe(404);
    expect((await post(t, ann, { post: 'x', mediaIds: [mine.id, mine.id] })).statusCode).toBe(400);
    // The refused posts took nothing: mine is still free to attach (and its alt to change).
    const ok = await post(t, ann, { post: 'x', mediaIds: [mine.id] });
    expect(ok.statusCode).toBe(201);
  });

  it('media attach once: a second status gets 409, and its alt text no longer changes', async () => {
    const ann = await t.register('lea');
    const media = await uploaded(t, ann);
    expect((await post(t, ann, { post: 'first', mediaIds: [media.id] })).statusCode).toBe(201);
    expect((await post(t, ann, { post: 'second', mediaIds: [media.id] })).statusCode).toBe(409);
    const patch = await t.as(ann, { method: 'PATCH', url: `/api/v1/media/${media.id}`, payload: { alt: 'late' } });
    expect(patch.statusCode).toBe(409);
    // Someone else's media cannot be patched either: 404, as if it did not exist.
    const bob = await t.register('leo');
    const theirs = await t.as(bob, { method: 'PATCH', url: `/api/v1/media/${media.id}`, payload: { alt: 'x' } });
    expect(theirs.statusCode).toBe(404);
  });

  it('an Idempotency-Key retry returns the first status with its media', async () => {
    const ann = await t.register('max');
    const media = await uploaded(t, ann);
    const body = { post: 'once', mediaIds: [media.id] };
    const first = await post(t, ann, body, { 'idempotency-key': 'k1' });
    const again = await post(t, ann, body, { 'idempotency-key': 'k1' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
    expect(again.json<{ media: MediaBody[] }>().media).toHaveLength(1);
  });
});

describe('the day limit and the media sweep', () => {
  it('an upload older than a day cannot be attached, and the sweep removes it and its blobs', async () => {
    const clock = new ManualClock(Date.now());
    const app = await apps.start({}, { clock });
    const ann = await app.register('ned');
    const old = await uploaded(app, ann);
    const kept = await uploaded(app, ann);
    expect((await post(app, ann, { post: 'kept', mediaIds: [kept.id] })).statusCode).toBe(201);
    clock.advance(24 * 60 * 60_000 + 1);
    const late = await post(app, ann, { post: 'late', mediaIds: [old.id] });
    expect(late.statusCode).toBe(400);
    expect(late.json().error.message).toMatch(/more than a day ago/);
    expect((await app.inject({ url: old.url })).statusCode).toBe(200);
    clock.advance(2 * 60 * 60_000); // past the sweep's margin
    await app.ctx.scheduler.runNow();
    await app.drain();
    expect((await app.inject({ url: old.url })).statusCode).toBe(404);
    expect((await app.inject({ url: old.previewUrl })).statusCode).toBe(404);
    expect(await app.ctx.store.media.get(old.id)).toBeNull();
    // Attached media stay.
    expect((await app.inject({ url: kept.url })).statusCode).toBe(200);
  });

  it('a deleted status lets go of its media, and the next sweep removes them', async () => {
    const app = await apps.start();
    const ann = await app.register('ola');
    const media = await uploaded(app, ann);
    const status = (await post(app, ann, { post: 'bye', mediaIds: [media.id] })).json<{ id: string }>();
    expect((await app.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${status.id}` })).statusCode).toBe(204);
    // Never attachable again.
    expect((await post(app, ann, { post: 'again', mediaIds: [media.id] })).statusCode).toBe(400);
    await app.ctx.scheduler.runNow();
    await app.drain();
    expect((await app.inject({ url: media.url })).statusCode).toBe(404);
    expect(await app.ctx.store.media.get(media.id)).toBeNull();
  });
});
