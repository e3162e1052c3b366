import type { Page, Status } from '@tweeter/shared';
import { expect, it, vi } from 'vitest';
import type { RelationEdge } from '../../src/ports/store.js';
import { PageRecords } from '../../src/services/page-records.js';
import { socialApi } from '../support/social.js';
import { useTestApp } from '../support/use-test-app.js';

// A feed page's statuses are rendered by position (StatusHydrator.jsonAt): the page's rows, its records, their authors,
// cards and counters are arrays in the rows' order, not maps by id. A plain page is its records in order, so nothing is
// looked up by id (`PageRecords.of` is not asked); a page with a row left out after the lookup (a muted author whose
// entries are still stored) maps its rows onto the records by id. Either way each status keeps its own counters, quote
// and reply parent: every page is byte for byte the serialized Page.

const t = useTestApp({}, { per: 'test' });
const api = socialApi(t);

it('renders a page by position, its own counters on each status, with and without a row left out', async () => {
  const [ann, bob, cat, dan] = await Promise.all(['ann', 'bob', 'cat', 'dan'].map((a) => t.register(a)));
  if (!ann || !bob || !cat || !dan) throw new Error('fewer users than expected');
  for (const followee of ['ann', 'cat', 'dan']) {
    const res = await t.as(bob, { method: 'PUT', url: `/api/v1/me/followees/${followee}` });
    expect(res.statusCode).toBeLessThan(300);
  }
  const post = async (token: string, payload: object): Promise<string> => {
    const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload });
    expect(res.statusCode).toBe(201);
    return res.json<Status>().id;
  };
  const a1 = await post(ann, { post: 'ann one' });
  const c1 = await post(cat, { post: 'cat one' });
  const d1 = await post(dan, { post: 'dan quotes ann', quoteOfId: a1 });
  const a2 = await post(ann, { post: 'ann again' });
  const c2 = await post(cat, { post: 'cat two' });
  await t.drain();
  // Each status its own counters: a1 one like, c1 two hearts (one bob's), d1 a like and a heart, c2 bob's like.
  await api.reactStatus(bob, a1, 'like');
  await api.reactStatus(ann, c1, 'heart');
  await api.reactStatus(bob, c1, 'heart');
  await api.reactStatus(cat, d1, 'like');
  await api.reactStatus(ann, d1, 'heart');
  await api.reactStatus(bob, c2, 'like');
  await t.drain();

  const of = vi.spyOn(PageRecords.prototype, 'of');
  const page = async (limit: number) => {
    of.mockClear();
    const res = await t.as(bob, { method: 'GET', url: `/api/v1/me/feed?limit=${limit}` });
    expect(res.statusCode).toBe(200);
    const askedById = of.mock.calls.length;
    expect(res.body).toBe(JSON.stringify(await t.ctx.services.feeds.page('bob', { limit })));
    const items = (JSON.parse(res.body) as Page<Status>).items;
    return {
      askedById,
      items: items.map((s) => [s.id, s.reactions.like, s.reactions.heart, s.reactions.mine.join(), s.quote?.id ?? '']),
    };
  };
  const row = {
    a1: [a1, 1, 0, 'like', ''],
    c1: [c1, 0, 2, 'heart', ''],
    d1: [d1, 1, 1, '', a1],
    a2: [a2, 0, 0, '', ''],
    c2: [c2, 1, 0, 'like', ''],
  };

  // A plain page: its rows are its records in order, nothing looked up by id.
  expect(await page(20)).toEqual({ askedById: 0, items: [row.c2, row.a2, row.d1, row.c1, row.a1] });
  expect(await page(2)).toEqual({ askedById: 0, items: [row.c2, row.a2] });

  // bob mutes cat without the purge job: cat's entries are still stored, the page leaves them out after the lookup,
  // and the rows left are mapped onto their records by id, each with its own counters and quote.
  const mute: RelationEdge = { owner: 'bob', kind: 'mute', target: 'cat' };
  await t.ctx.store.relations.add(mute, { createdAt: Date.now(), max: 100, outbox: [] });
  expect((await t.ctx.store.feeds.page('bob', { limit: 20 })).map((e) => e.statusId)).toContain(c2);
  expect(await page(20)).toEqual({ askedById: 1, items: [row.a2, row.d1, row.a1] });
  of.mockRestore();
});
