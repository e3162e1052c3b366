import type { Page, Status } from '@tweeter/shared';
import { expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app.js';

// A feed page of quotes and reposts answered as bytes (FeedService.pageJson: the embedded quote from its own cached
// bytes, its counters read with the page's, the reposter's JSON from the author cache) is byte for byte the
// serialized Page of objects: a quote shown, one deleted, one across a block, one of a status also on the page.

const t = useTestApp({}, { per: 'test' });

async function call(token: string, method: 'PUT' | 'DELETE', url: string): Promise<void> {
  expect((await t.as(token, { method, url: `/api/v1${url}` })).statusCode).toBeLessThan(300);
}
async function post(token: string, text: string, quoteOfId?: string): Promise<Status> {
  const payload = quoteOfId === undefined ? { post: text } : { post: text, quoteOfId };
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload });
  expect(res.statusCode).toBe(201);
  return res.json<Status>();
}

it('a page of quotes and reposts is the bytes of the serialized objects, blocked and deleted quotes gone', async () => {
  const [ann, bob, cat, dan, eve] = await Promise.all(['ann', 'bob', 'cat', 'dan', 'eve'].map((a) => t.register(a)));
  if (!ann || !bob || !cat || !dan || !eve) throw new Error('fewer users than expected');
  await call(bob, 'PUT', '/me/followees/ann');
  await call(bob, 'PUT', '/me/followees/cat');
  const d1 = await post(dan, 'shown when quoted');
  const d2 = await post(dan, 'deleted after it was quoted');
  const e1 = await post(eve, 'blocked by the viewer');
  const c1 = await post(cat, 'on the page as itself and quoted');
  await post(ann, 'quoting a visible status', d1.id);
  await post(ann, 'quoting a deleted status', d2.id);
  await post(ann, 'quoting a blocked author', e1.id);
  await post(ann, 'quoting one on the page', c1.id);
  const d3 = await post(dan, 'a quote reposted into the feed', c1.id);
  await call(cat, 'PUT', `/statuses/${d3.id}/repost`);
  await call(dan, 'DELETE', `/statuses/${d2.id}`);
  await call(bob, 'PUT', '/me/blocks/eve');
  await t.drain();

  // Twice: the second page is made from the bytes the first one cached.
  for (let round = 0; round < 2; round++) {
    const res = await t.as(bob, { method: 'GET', url: '/api/v1/me/feed?limit=20' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(JSON.stringify(await t.ctx.services.feeds.page('bob', { limit: 20 })));
    const items = res.json<Page<Status & { repostedBy: { alias: string } | null }>>().items;
    const quoteOf = (text: string) => items.find((s) => s.post === text)?.quote;
    expect(quoteOf('quoting a visible status')).toMatchObject({ id: d1.id, deleted: false, post: d1.post });
    expect(quoteOf('quoting a deleted status')).toMatchObject({ id: d2.id, deleted: true, post: '' });
    expect(quoteOf('quoting a blocked author')).toMatchObject({ id: e1.id, deleted: true, post: '' });
    expect(quoteOf('quoting one on the page')).toMatchObject({ id: c1.id, quoteCount: 2 });
    expect(items.find((s) => s.id === d3.id)).toMatchObject({ repostedBy: { alias: 'cat' }, quote: { id: c1.id } });
  }
});
