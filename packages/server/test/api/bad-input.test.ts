import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app.js';

const t = useTestApp();
let token: string;
beforeAll(async () => {
  token = await t.register('alice');
  await t.register('bob');
});

function expectError(
  res: { statusCode: number; json(): { error: { code: string; message: string } } },
  status: number,
  code: string,
): void {
  expect(res.statusCode).toBe(status);
  const body = res.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
}

describe('bad input gets a clear 4xx in the error shape', () => {
  it('malformed JSON', async () => {
    const res = await t.as(token, {
      method: 'POST',
      url: '/api/v1/statuses',
      payload: '{"post": "hi"',
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 400, 'bad_json');
  });

  it('an empty JSON body', async () => {
    const res = await t.as(token, {
      method: 'POST',
      url: '/api/v1/statuses',
      payload: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
  });

  it('a JSON body over 64 KiB', async () => {
    const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'x'.repeat(70_000) } });
    expectError(res, 413, 'payload_too_large');
  });

  it('a body that is not an object', async () => {
    expectError(
      await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: [1, 2] as unknown as object }),
      400,
      'validation_failed',
    );
    const res = await t.as(token, {
      method: 'POST',
      url: '/api/v1/statuses',
      payload: 'null',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'limit=2.5', 'cursor=not-a-cursor', `cursor=${'x'.repeat(600)}`])(
    'list query %s',
    async (q) => {
      const res = await t.as(token, { method: 'GET', url: `/api/v1/me/feed?${q}` });
      expectError(res, 400, 'validation_failed');
      expect(res.json().error.details[0].path).toMatch(/^query\./);
    },
  );

  it('a cursor from another list shape is refused, not trusted', async () => {
    const forged = Buffer.from(JSON.stringify({ k: 123 })).toString('base64url');
    expectError(
      await t.as(token, { method: 'GET', url: `/api/v1/users/alice/story?cursor=${forged}` }),
      400,
      'validation_failed',
    );
  });

  it('unknown aliases and ids', async () => {
    expectError(await t.as(token, { method: 'GET', url: '/api/v1/users/nobody' }), 404, 'not_found');
    expectError(await t.as(token, { method: 'GET', url: '/api/v1/users/nobody/followers' }), 404, 'not_found');
    expectError(await t.as(token, { method: 'GET', url: '/api/v1/users/nobody/story' }), 404, 'not_found');
    expectError(await t.as(token, { method: 'GET', url: '/api/v1/statuses/nope/delivery' }), 404, 'not_found');
    expectError(
      await t.as(token, { method: 'GET', url: `/api/v1/statuses/${'x'.repeat(65)}` }),
      400,
      'validation_failed',
    );
  });

  it('over-long path parameters and malformed URLs', async () => {
    expectError(
      await t.as(token, { method: 'GET', url: `/api/v1/users/${'a'.repeat(300)}` }),
      400,
      'validation_failed',
    );
    expect((await t.as(token, { method: 'GET', url: '/api/v1/users/%E0%A4%A' })).statusCode).toBeLessThan(500);
  });

  it('unknown routes and methods', async () => {
    expectError(await t.inject({ method: 'GET', url: '/api/v1/nothing-here' }), 404, 'not_found');
    expectError(await t.as(token, { method: 'POST', url: '/api/v1/me' }), 404, 'not_found');
  });

  it('an over-long Idempotency-Key', async () => {
    const res = await t.as(token, {
      method: 'POST',
      url: '/api/v1/statuses',
      payload: { post: 'hi' },
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expectError(res, 400, 'validation_failed');
  });

  it('writes nothing for any rejected request', async () => {
    const story = await t.as(token, { method: 'GET', url: '/api/v1/users/alice/story' });
    expect(story.json().items).toEqual([]);
    expect((await t.ctx.queue.stats()).dead).toBe(0);
  });

  it('every error response carries a request id', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/me' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9A-Z]{26}$/);
  });
});

describe('system routes', () => {
  it('healthz reports store, queue and workers', async () => {
    const res = await t.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, checks: { store: 'ok', queue: 'ok', workers: 'ok' } });
  });

  it('metrics exposes request latency, queue depth and fan-out lag', async () => {
    await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'for the metrics' } });
    await t.drain();
    const res = await t.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/tweeter_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/statuses"/);
    expect(res.body).toMatch(/tweeter_queue_jobs\{state="ready"\} 0/);
    expect(res.body).toMatch(/tweeter_fanout_lag_seconds_count 1/);
    expect(res.body).toMatch(/tweeter_job_duration_seconds_count\{name="fanout.plan",outcome="ok"\}/);
  });

  it('openapi.json documents every route with schemas from zod', async () => {
    const res = await t.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/api/v1/users',
      '/api/v1/sessions',
      '/api/v1/sessions/current',
      '/api/v1/me',
      '/api/v1/me/avatar',
      '/api/v1/users/{alias}',
      '/api/v1/users/{alias}/followers',
      '/api/v1/users/{alias}/followees',
      '/api/v1/me/followees/{alias}',
      '/api/v1/statuses',
      '/api/v1/statuses/{id}',
      '/api/v1/statuses/{id}/delivery',
      '/api/v1/users/{alias}/story',
      '/api/v1/me/feed',
      '/healthz',
      '/metrics',
    ]) {
      expect(paths).toContain(p);
    }
    const postBody = doc.paths['/api/v1/statuses'].post.requestBody.content['application/json'].schema;
    expect(postBody.required).toContain('post');
    expect(doc.components.schemas.Status).toBeDefined();
  });
});
