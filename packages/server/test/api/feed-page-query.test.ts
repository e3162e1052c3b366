import { expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app.js';

// The feed route takes a plain `?limit=&cursor=` without a zod parse (http/page-query.ts) and hands anything else to
// PageQuery: both must answer exactly what PageQuery alone answers (values, defaults, coercions and errors).

const t = useTestApp({}, { per: 'suite' });

it('pages the feed alike whichever path read the query, and rejects what PageQuery rejects with its errors', async () => {
  const ann = await t.register('ann');
  const bob = await t.register('bob');
  expect((await t.as(bob, { method: 'PUT', url: '/api/v1/me/followees/ann' })).statusCode).toBeLessThan(300);
  for (let i = 0; i < 5; i++) {
    const res = await t.as(ann, { method: 'POST', url: '/api/v1/statuses', payload: { post: `post ${i}` } });
    expect(res.statusCode).toBe(201);
  }
  await t.drain();
  const feed = async (query: string) => t.as(bob, { method: 'GET', url: `/api/v1/me/feed${query}` });
  const ids = async (query: string): Promise<{ ids: string[]; next: string | null }> => {
    const res = await feed(query);
    expect(res.statusCode).toBe(200);
    const page = res.json<{ items: { id: string }[]; nextCursor: string | null }>();
    return { ids: page.items.map((s) => s.id), next: page.nextCursor };
  };

  const all = await ids('');
  expect(all.ids).toHaveLength(5); // the default limit (20) when none is given
  const two = await ids('?limit=2');
  expect(two.ids).toEqual(all.ids.slice(0, 2));
  // Forms only PageQuery takes (a leading zero, an unknown key): coerced and stripped as before.
  expect(await ids('?limit=02')).toEqual(two);
  expect(await ids('?limit=2&extra=1')).toEqual(two);
  if (two.next === null) throw new Error('expected a next page');
  const rest = await ids(`?limit=20&cursor=${encodeURIComponent(two.next)}`);
  expect(rest.ids).toEqual(all.ids.slice(2));

  for (const query of ['?limit=0', '?limit=101', '?limit=1.5', '?limit=x', '?cursor=', `?cursor=${'a'.repeat(513)}`]) {
    const res = await feed(query);
    expect(res.statusCode, query).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code, query).toBe('validation_failed');
  }
  expect((await feed('?limit=100')).statusCode).toBe(200);
  expect((await feed('?cursor=not-a-cursor')).statusCode).toBe(400);
});
