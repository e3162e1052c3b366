import { describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/config.js';
import { WRITE_BUDGETS, type WriteKind } from '../../src/services/write-limits.js';
import { ManualClock } from '../support/manual-clock.js';
import { TEST_ENV, type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// Per-user write budgets (docs/api.md, "Limits"): scaled down with WRITE_RATE_LIMITS so a test spends them fast.
const SCALE = 0.01;
const apps = useTestApps();

interface Fixture {
  app: TestApp;
  clock: ManualClock;
  /** One write of this kind by ann. */
  write(kind: WriteKind, n: number): Promise<LightMyRequestResponse>;
}

async function fixture(env: Record<string, string> = { WRITE_RATE_LIMITS: String(SCALE) }): Promise<Fixture> {
  const clock = new ManualClock(Date.now());
  const app = await apps.start(env, { clock });
  const ann = await app.register('ann');
  const bob = await app.register('bob');
  const as = (options: InjectOptions) => app.as(ann, options);
  const status = (await app.as(bob, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'hi' } })).json();
  const board = (
    await app.as(ann, { method: 'POST', url: '/api/v1/boards', payload: { name: 'b', visibility: 'public' } })
  ).json();
  const writes: Record<WriteKind, (n: number) => Promise<LightMyRequestResponse>> = {
    post: (n) => as({ method: 'POST', url: '/api/v1/statuses', payload: { post: `post ${n}` } }),
    follow: (n) => as({ method: n % 2 ? 'DELETE' : 'PUT', url: '/api/v1/me/followees/bob' }),
    reaction: (n) => as({ method: n % 2 ? 'DELETE' : 'PUT', url: `/api/v1/statuses/${status.id}/reactions/like` }),
    comment: (n) => as({ method: 'POST', url: `/api/v1/statuses/${status.id}/comments`, payload: { text: `c${n}` } }),
    message: (n) => as({ method: 'POST', url: `/api/v1/boards/${board.id}/messages`, payload: { text: `m${n}` } }),
    relation: (n) => as({ method: n % 2 ? 'DELETE' : 'PUT', url: '/api/v1/me/mutes/bob' }),
  };
  return { app, clock, write: (kind, n) => writes[kind](n) };
}

describe('per-user write budgets', () => {
  it.each(Object.keys(WRITE_BUDGETS) as WriteKind[])(
    '%s: 429 with Retry-After and RateLimit-* once spent',
    async (kind) => {
      const { clock, write } = await fixture();
      const budget = WRITE_BUDGETS[kind];
      const limit = Math.max(1, Math.floor(budget.limit * SCALE));
      for (let n = 0; n < limit; n++) expect((await write(kind, n)).statusCode).toBeLessThan(300);
      const refused = await write(kind, limit);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error).toMatchObject({
        code: 'rate_limited',
        message: expect.stringContaining(`${limit}`),
      });
      const windowSeconds = budget.windowMs / 1000;
      expect(refused.headers).toMatchObject({
        'retry-after': String(windowSeconds),
        'ratelimit-limit': String(limit),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(windowSeconds),
        'ratelimit-policy': `${limit};w=${windowSeconds}`,
      });
      clock.advance(budget.windowMs);
      expect((await write(kind, limit + 1)).statusCode).toBeLessThan(300);
    },
  );

  it('are per user: one user spending a budget does not limit another', async () => {
    const { app, write } = await fixture();
    const limit = Math.max(1, Math.floor(WRITE_BUDGETS.post.limit * SCALE));
    for (let n = 0; n <= limit; n++) await write('post', n);
    expect((await write('post', 99)).statusCode).toBe(429);
    const cat = await app.register('cat');
    const res = await app.as(cat, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'mine' } });
    expect(res.statusCode).toBe(201);
  });

  it('a refused write writes nothing', async () => {
    const { app, write } = await fixture();
    const limit = Math.max(1, Math.floor(WRITE_BUDGETS.comment.limit * SCALE));
    for (let n = 0; n <= limit; n++) await write('comment', n);
    const story = (await app.as(await app.register('dan'), { method: 'GET', url: '/api/v1/users/bob/story' })).json();
    expect(story.items[0].commentCount).toBe(limit);
  });

  it('a retry with the same Idempotency-Key does not count twice', async () => {
    const { app, write } = await fixture();
    const ann = await app.register('ann2');
    const limit = Math.max(1, Math.floor(WRITE_BUDGETS.post.limit * SCALE));
    const post = (key: string) =>
      app.as(ann, {
        method: 'POST',
        url: '/api/v1/statuses',
        headers: { 'idempotency-key': key },
        payload: { post: `post ${key}` },
      });
    for (let n = 0; n < 5; n++) expect((await post('same')).statusCode).toBe(201);
    for (let n = 1; n < limit; n++) expect((await post(`k${n}`)).statusCode).toBe(201);
    expect((await post('one too many')).statusCode).toBe(429);
    expect((await write('post', 0)).statusCode).toBe(201); // ann's budget is her own
  });

  it('WRITE_RATE_LIMITS=off lifts them (the benchmarks run so)', async () => {
    const { write } = await fixture({ WRITE_RATE_LIMITS: 'off' });
    for (let n = 0; n < 20; n++) expect((await write('comment', n)).statusCode).toBe(201);
  });

  it('WRITE_RATE_LIMITS takes on (default), off or a multiplier, and names itself when wrong', () => {
    const scale = (v?: string) => loadConfig({ ...TEST_ENV, ...(v === undefined ? {} : { WRITE_RATE_LIMITS: v }) });
    expect(scale().writeRateLimits).toBe(1);
    expect(scale('off').writeRateLimits).toBe(0);
    expect(scale('2.5').writeRateLimits).toBe(2.5);
    for (const bad of ['0', '-1', 'lots', '']) expect(() => scale(bad)).toThrow(/WRITE_RATE_LIMITS/);
  });
});
