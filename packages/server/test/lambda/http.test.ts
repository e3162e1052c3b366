import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../src/runtimes/lambda/http-handler.js';
import { httpApiEvent, invocation, restEvent } from '../support/lambda-events.js';
import { PNG_1PX } from '../support/test-app.js';
import { useTestApp } from '../support/use-test-app.js';

// The HTTP Lambda handler over the real app (SQLite store in a temp dir), fed API Gateway events.
const t = useTestApp({ env: { STREAM_URL: 'wss://ws.example/prod' } });
let handle: ReturnType<typeof createHttpHandler>;

beforeAll(async () => {
  handle = createHttpHandler(Promise.resolve(t.ctx));
});

const json = { 'Content-Type': 'application/json' };

describe('the HTTP handler', () => {
  it('serves the API from REST API (v1) events: register, then an authenticated read', async () => {
    const created = await handle(
      restEvent({
        method: 'POST',
        path: '/api/v1/users',
        headers: json,
        body: JSON.stringify({ alias: 'lambda', firstName: 'L', lastName: 'Ambda', password: 'correct horse' }),
      }),
      invocation(),
    );
    expect(created.statusCode).toBe(201);
    expect(created.headers['x-request-id']).toBeTruthy();
    const { token } = JSON.parse(created.body) as { token: string };

    const me = await handle(
      restEvent({ method: 'GET', path: '/api/v1/me', headers: { Authorization: `Bearer ${token}` } }),
      invocation(),
    );
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ alias: 'lambda', followerCount: 0 });
  });

  it('answers bad input and unknown routes with the error shape, never a 5xx', async () => {
    const bad = await handle(
      restEvent({ method: 'POST', path: '/api/v1/users', headers: json, body: '{"alias": ' }),
      invocation(),
    );
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: { code: 'bad_json' } });
    const missing = await handle(restEvent({ method: 'GET', path: '/api/v1/nowhere' }), invocation());
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ error: { code: 'not_found' } });
  });

  it('takes image bytes base64-encoded and serves them back base64-encoded', async () => {
    const token = await t.register('pictured');
    const put = await handle(
      restEvent({
        method: 'PUT',
        path: '/api/v1/me/avatar',
        headers: { 'Content-Type': 'image/png', Authorization: `Bearer ${token}` },
        body: PNG_1PX,
      }),
      invocation(),
    );
    expect(put.statusCode).toBe(200);
    const { imageUrl } = JSON.parse(put.body) as { imageUrl: string };
    const img = await handle(restEvent({ method: 'GET', path: new URL(imageUrl, 'http://x').pathname }), invocation());
    expect(img.statusCode).toBe(200);
    expect(img.isBase64Encoded).toBe(true);
    // Re-encoded by the upload pipeline: an image of the same size, no longer the bytes sent.
    expect(img.headers?.['content-type']).toMatch(/^image\/(jpeg|webp)$/);
    const meta = await sharp(Buffer.from(img.body, 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([1, 1]);
  });

  it('serves HTTP API (v2) events too, and a comma in a query value stays one string', async () => {
    const meta = await handle(httpApiEvent({ method: 'GET', path: '/api/v1/meta' }), invocation());
    expect(meta.statusCode).toBe(200);
    expect(JSON.parse(meta.body)).toMatchObject({ streamUrl: 'wss://ws.example/prod' });
    // Split into an array, `token` would fail its schema (a string); kept whole, the route itself answers.
    const res = await handle(
      httpApiEvent({ method: 'GET', path: '/api/v1/stream', rawQueryString: 'token=a,b' }),
      invocation(),
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      error: { message: expect.stringMatching(/needs a WebSocket upgrade/) },
    });
  });
});
