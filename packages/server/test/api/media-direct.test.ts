import { LIMITS } from '@tweeter/shared';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { testShape } from '../support/aws-local.js';
import { GIF_1PX, photoJpeg } from '../support/images.js';
import { useTestApp } from '../support/use-test-app.js';
import type { TestApp } from '../support/test-app.js';

interface Ticket {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}

const t = useTestApp();
const aws = testShape() === 'aws-local';

function start(app: TestApp, token: string, body: Record<string, unknown>) {
  return app.as(token, { method: 'POST', url: '/api/v1/media/uploads', payload: body });
}

/** GET /api/v1/media/{id} until it is no longer 404 (the media.process job runs on the app's own workers). */
async function ready(app: TestApp, token: string, id: string, tries = 100) {
  for (let i = 0; i < tries; i++) {
    const res = await app.as(token, { method: 'GET', url: `/api/v1/media/${id}` });
    if (res.statusCode !== 404) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
  return app.as(token, { method: 'GET', url: `/api/v1/media/${id}` });
}

describe.runIf(!aws)('direct uploads on the embedded shape', () => {
  it('are not offered: /meta says api for every size, and POST /api/v1/media/uploads is 404', async () => {
    const meta = await t.inject({ url: '/api/v1/meta' });
    expect(meta.json()).toMatchObject({ mediaUpload: { via: 'api', apiMaxBytes: LIMITS.mediaMaxBytes } });
    const token = await t.register('ann');
    const res = await start(t, token, { size: 5_000_000, type: 'image/jpeg' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe.runIf(aws)('direct uploads to S3 (fauxqs on loopback)', () => {
  it('/meta names the s3-put path and its threshold', async () => {
    const meta = await t.inject({ url: '/api/v1/meta' });
    expect(meta.json()).toMatchObject({
      mediaUpload: { via: 's3-put', apiMaxBytes: LIMITS.mediaApiMaxBytesDirect, maxBytes: LIMITS.mediaMaxBytes },
    });
  });

  it('signed PUT, complete, processing, then ready through the same pipeline (EXIF gone, 2,048 px)', async () => {
    const token = await t.register('ann');
    const photo = await photoJpeg(3000, 2000, 100);
    const res = await start(t, token, { size: photo.length, type: 'image/jpeg' });
    expect(res.statusCode, res.body).toBe(201);
    const ticket = res.json<Ticket>();
    expect(ticket).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/jpeg' } });
    expect(ticket.headers['Content-Length']).toBe(String(photo.length));
    // Both headers are in the signature, so S3 refuses another size or type.
    const signed = new URL(ticket.url).searchParams.get('X-Amz-SignedHeaders') ?? '';
    expect(signed.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
    const put = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body: photo });
    expect(put.status, await put.text()).toBe(200);
    expect((await ready(t, token, ticket.id, 1)).statusCode).toBe(404);

    const done = await t.as(token, {
      method: 'POST',
      url: `/api/v1/media/${ticket.id}/complete`,
      payload: { alt: 'A field' },
    });
    expect(done.statusCode, done.body).toBe(202);
    expect(done.json()).toMatchObject({ id: ticket.id, state: 'processing', alt: 'A field', url: '' });

    const got = await ready(t, token, ticket.id);
    expect(got.statusCode, got.body).toBe(200);
    const media = got.json<{ url: string; width: number; height: number; alt: string; state?: string }>();
    expect(media).toMatchObject({ width: 1365, height: 2048, alt: 'A field' });
    expect(media.state).toBeUndefined();
    const full = await t.inject({ url: media.url });
    expect((await sharp(full.rawPayload).metadata()).exif).toBeUndefined();
    // Someone else cannot see it; a second complete answers it ready (the job is idempotent).
    const bob = await t.register('bob');
    expect((await t.as(bob, { method: 'GET', url: `/api/v1/media/${ticket.id}` })).statusCode).toBe(404);
    const again = await t.as(token, { method: 'POST', url: `/api/v1/media/${ticket.id}/complete`, payload: {} });
    expect(again.statusCode).toBe(200);
    // It attaches like any upload.
    const post = await t.as(token, {
      method: 'POST',
      url: '/api/v1/statuses',
      payload: { post: 'a field', mediaIds: [ticket.id] },
    });
    expect(post.statusCode, post.body).toBe(201);
  });

  it('a file that is not an image is dropped by the job: the media never becomes ready', async () => {
    const token = await t.register('cat');
    const started = await start(t, token, { size: GIF_1PX.length, type: 'image/png' });
    expect(started.statusCode, started.body).toBe(201);
    const ticket = started.json<Ticket>();
    const put = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body: GIF_1PX });
    expect(put.status).toBe(200);
    const done = await t.as(token, { method: 'POST', url: `/api/v1/media/${ticket.id}/complete`, payload: {} });
    expect(done.statusCode).toBe(202);
    expect((await ready(t, token, ticket.id, 30)).statusCode).toBe(404);
  });

  it('bad requests are 400: a size of 0 or over the limit, a type not accepted, an unknown field', async () => {
    const token = await t.register('dan');
    for (const body of [
      { size: 0, type: 'image/png' },
      { size: LIMITS.mediaMaxBytes + 1, type: 'image/png' },
      { size: 10, type: 'image/gif' },
      { size: 10, type: 'image/png', extra: 1 },
    ]) {
      const res = await start(t, token, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await t.as(token, { method: 'POST', url: '/api/v1/media/nope/complete', payload: {} })).statusCode).toBe(
      404,
    );
  });
});
