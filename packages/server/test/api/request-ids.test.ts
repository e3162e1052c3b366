import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app.js';

const t = useTestApp();
let token: string;
beforeAll(async () => {
  token = await t.register('alice');
});

const ULID = /^[0-9A-Z]{26}$/;

// The header is set by each route's handler wrapper, the error handler and the not-found handler (no onRequest
// hook): every way a response is made must still carry it, and each its own id.
describe('every response carries its request id', () => {
  it('a route that succeeds, each request its own id', async () => {
    const a = await t.as(token, { method: 'GET', url: '/api/v1/me' });
    const b = await t.as(token, { method: 'GET', url: '/api/v1/me' });
    expect(a.statusCode).toBe(200);
    expect(a.headers['x-request-id']).toMatch(ULID);
    expect(b.headers['x-request-id']).toMatch(ULID);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('a route that sends bytes it already has (a feed page)', async () => {
    const res = await t.as(token, { method: 'GET', url: '/api/v1/me/feed' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toMatch(ULID);
  });

  it('an unknown path (404)', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toMatch(ULID);
  });

  it('a body refused before the handler: malformed JSON, a wrong content type, a failed schema', async () => {
    const bad = [
      { payload: '{"post": "hi"', headers: { 'content-type': 'application/json' } },
      { payload: 'hi', headers: { 'content-type': 'text/plain' } },
      { payload: { nope: 1 } },
    ];
    for (const req of bad) {
      const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', ...req });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['x-request-id']).toMatch(ULID);
    }
  });

  it('metrics name the route and status of handled, refused and unmatched requests', async () => {
    await t.as(token, { method: 'GET', url: '/api/v1/me' });
    await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { nope: 1 } });
    await t.inject({ method: 'GET', url: '/api/v1/nowhere' });
    const res = await t.inject({ method: 'GET', url: '/metrics' });
    const count = (labels: string): number => {
      const line = res.body
        .split('\n')
        .find((l) => l.startsWith(`tweeter_http_request_duration_seconds_count{${labels}}`));
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };
    expect(count('method="GET",route="/api/v1/me",status="200"')).toBeGreaterThanOrEqual(2);
    expect(count('method="POST",route="/api/v1/statuses",status="400"')).toBeGreaterThanOrEqual(1);
    expect(count('method="GET",route="unmatched",status="404"')).toBeGreaterThanOrEqual(1);
  });
});
