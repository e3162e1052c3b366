import type { Page, Status } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { testShape } from '../support/aws-local.js';
import { useTestApps } from '../support/use-test-app.js';

// With the job thread owning the SQLite file's writer (JOB_THREADS=1), a feed page is read on the server's read-only
// connection and rendered from the records it looked up once (StatusHydrator.pageRecords). Each page must read what
// committed before it was asked for (a like, a profile edit, a delete, a mute, a block), and its bytes stay those of
// the serialized Page, with the caches cold and warm.
const apps = useTestApps();

describe.skipIf(testShape() === 'aws-local')('feed pages on the read-only connection (JOB_THREADS=1)', () => {
  it('read every change committed before them, byte for byte the serialized page', async () => {
    const t = await apps.start({ JOB_THREADS: '1' });
    const [ann, bob, cat] = await Promise.all(['ann', 'bob', 'cat'].map((a) => t.register(a)));
    if (!ann || !bob || !cat) throw new Error('fewer users than expected');
    const ok = async (token: string, method: 'PUT' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
      const res = await t.as(token, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
      expect(res.statusCode).toBeLessThan(300);
      return res;
    };
    const feedText = async () => {
      const res = await t.as(bob, { method: 'GET', url: '/api/v1/me/feed?limit=20' });
      expect(res.statusCode).toBe(200);
      return res.body;
    };
    const serialized = async () => JSON.stringify(await t.ctx.services.feeds.page('bob', { limit: 20 }));
    const items = async () => {
      const text = await feedText();
      expect(text).toBe(await serialized());
      return (JSON.parse(text) as Page<Status>).items;
    };
    await ok(bob, 'PUT', '/me/followees/ann');
    await ok(bob, 'PUT', '/me/followees/cat');
    const a1 = (await ok(ann, 'POST', '/statuses', { post: 'first of ann' })).json<Status>();
    const a2 = (await ok(ann, 'POST', '/statuses', { post: 'second of ann' })).json<Status>();
    await ok(cat, 'POST', '/statuses', { post: 'cat quotes ann', quoteOfId: a1.id });
    await t.drain();

    // Cold (nothing of theirs cached yet), then warm: the same bytes.
    const cold = await feedText();
    expect(await feedText()).toBe(cold);
    expect((await items()).map((s) => s.post)).toEqual(['cat quotes ann', 'second of ann', 'first of ann']);

    await ok(bob, 'PUT', `/statuses/${a2.id}/reactions/like`);
    expect((await items()).find((s) => s.id === a2.id)?.reactions).toEqual({ like: 1, heart: 0, mine: ['like'] });

    await ok(ann, 'PATCH', '/me', { firstName: 'Annabel' });
    expect((await items()).find((s) => s.id === a2.id)?.author.firstName).toBe('Annabel');

    await ok(ann, 'DELETE', `/statuses/${a2.id}`);
    expect((await items()).map((s) => s.id)).not.toContain(a2.id);

    // A block: the page hides its statuses at once (before the purge job), and embeds a quote of them as gone.
    await ok(bob, 'PUT', '/me/blocks/ann');
    const shown = await items();
    expect(shown.map((s) => s.post)).toEqual(['cat quotes ann']);
    expect(shown[0]?.quote).toMatchObject({ id: a1.id, deleted: true });

    // A mute (its purge of the feed entries is a job: the page hides them before it runs).
    await ok(bob, 'PUT', '/me/mutes/cat');
    expect(await items()).toEqual([]);
  });
});
