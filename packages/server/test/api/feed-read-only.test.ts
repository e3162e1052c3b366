import type { Page, Status } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { testShape } from '../support/aws-local.js';
import type { TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// Reading a feed page writes nothing: with the job thread owning the SQLite file's writer (JOB_THREADS=1), every
// read the page makes (its rows, where the feed holds the statuses its reposts show, which reposts stand, counts,
// blocks) runs on the server's own connection, so no write crosses to the writer's thread (/metrics counts each).
const apps = useTestApps();

async function writesSent(t: TestApp): Promise<number> {
  const text = (await t.inject({ url: '/metrics' })).body;
  const m = /^tweeter_write_round_trip_seconds_count (\d+)$/m.exec(text);
  if (!m?.[1]) throw new Error('no tweeter_write_round_trip_seconds_count in /metrics');
  return Number(m[1]);
}

describe.skipIf(testShape() === 'aws-local')('a feed page with reposts and quotes (JOB_THREADS=1)', () => {
  it('sends no write to the writer', async () => {
    const t = await apps.start({ JOB_THREADS: '1' });
    const [ann, bob, , dan] = await Promise.all(['ann', 'bob', 'cat', 'dan'].map((a) => t.register(a)));
    if (!ann || !bob || !dan) throw new Error('fewer users than expected');
    const ok = async (token: string, method: 'PUT' | 'POST', url: string, payload?: object) => {
      const res = await t.as(token, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
      expect(res.statusCode).toBeLessThan(300);
      return res;
    };
    await ok(bob, 'PUT', '/me/followees/ann');
    const d1 = (await ok(dan, 'POST', '/statuses', { post: 'reposted into the feed' })).json<Status>();
    await ok(ann, 'POST', '/statuses', { post: 'a quote', quoteOfId: d1.id });
    await ok(ann, 'PUT', `/statuses/${d1.id}/repost`);
    await t.drain();

    const before = await writesSent(t);
    for (let i = 0; i < 3; i++) {
      const res = await t.as(bob, { method: 'GET', url: '/api/v1/me/feed?limit=20' });
      expect(res.statusCode).toBe(200);
      const items = res.json<Page<Status & { repostedBy: { alias: string } | null }>>().items;
      expect(items.find((s) => s.id === d1.id)?.repostedBy).toMatchObject({ alias: 'ann' });
      expect(items.find((s) => s.post === 'a quote')?.quote).toMatchObject({ id: d1.id });
    }
    expect(await writesSent(t)).toBe(before);
  });
});
