import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_TTL_MS } from '../../src/domain/idempotency.js';
import { ManualClock } from '../support/manual-clock.js';
import type { TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

const apps = useTestApps();
let t: TestApp | undefined;

const DAY = 86_400_000;

async function metric(app: TestApp, kind: string): Promise<number> {
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const match = new RegExp(`^tweeter_expired_rows_removed_total\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(body);
  return Number(match?.[1] ?? 0);
}

describe('the scheduled expiry sweep', () => {
  it('removes expired sessions and idempotency keys in batches, counts them, and keeps the live ones', async () => {
    const clock = new ManualClock();
    t = await apps.start({ TOKEN_TTL_DAYS: '1' }, { clock });
    const app = t;
    const ann = await app.register('ann');
    const post = (token: string, key: string) =>
      app.as(token, {
        method: 'POST',
        url: '/api/v1/statuses',
        headers: { 'idempotency-key': key },
        payload: { post: `post ${key}` },
      });
    // More expired sessions than one batch (500), written straight to the store as many logins would.
    const sessions = app.ctx.store.sessions;
    for (let i = 0; i < 1_203; i++) {
      await sessions.create({
        tokenHash: `old-${i}`,
        alias: 'ann',
        createdAt: clock.now(),
        expiresAt: clock.now() + i,
      });
    }
    const first = await post(ann, 'k-old');
    expect(first.statusCode).toBe(201);

    clock.advance(IDEMPOTENCY_KEY_TTL_MS + 1);
    const bob = await app.register('bob'); // a live session and a fresh key, after the move
    expect((await post(bob, 'k-new')).statusCode).toBe(201);

    await app.ctx.scheduler.runNow();
    await app.drain();

    // 1,203 written above, plus ann's own session (one day long, as TOKEN_TTL_DAYS says).
    expect(await metric(app, 'session')).toBe(1_204);
    expect(await metric(app, 'idempotency_key')).toBe(1);
    expect(await sessions.get('old-1202')).toBeNull();
    expect((await app.as(bob, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    // The expired key no longer answers: the same key now makes a new status; the live one still repeats.
    const again = await post(bob, 'k-new');
    expect(again.statusCode).toBe(201);
    const reused = await post(ann, 'k-old');
    expect(reused.statusCode).toBe(401); // ann's session expired too
    clock.advance(DAY);
    await app.ctx.scheduler.runNow();
    await app.drain();
    expect(await metric(app, 'session')).toBe(1_205); // bob's, a day later
  });
});
