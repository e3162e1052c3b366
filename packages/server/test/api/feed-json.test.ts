import type { Page, Status } from '@tweeter/shared';
import { expect, it } from 'vitest';
import { socialApi } from '../support/social.js';
import { PNG_1PX } from '../support/test-app.js';
import { useTestApp } from '../support/use-test-app.js';

// The home feed is answered from JSON text rendered once per status (FeedService.pageJson): these check that the text
// is byte for byte what serializing the Page of Statuses gives, and that it follows every change a status sees.

const t = useTestApp({}, { per: 'test' });
const api = socialApi(t);

const post = async (token: string, text: string): Promise<Status> =>
  (await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } })).json();
const feedText = async (token: string, query = '') => {
  const res = await t.as(token, { method: 'GET', url: `/api/v1/me/feed${query}` });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return res.body;
};
// What the feed answered before it was rendered as text: the Page object, serialized.
const feedObjects = async (viewer: string, limit: number, cursor?: string) =>
  JSON.stringify(await t.ctx.services.feeds.page(viewer, { limit, cursor }));

async function follow(token: string, alias: string): Promise<void> {
  const res = await t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${alias}` });
  expect(res.statusCode).toBeLessThan(300);
}

it('answers the bytes the serialized page would have, reactions, mine, comments and pages included', async () => {
  const ann = await t.register('ann');
  const bob = await t.register('bob');
  const cat = await t.register('cat');
  await follow(bob, 'ann');
  await follow(bob, 'cat');
  const texts = [
    'plain',
    'hi @bob, see https://example.com/a?b=1&c="2"',
    'quotes " and \\ backslashes, tabs\tand\nnewlines',
    'unicode: é ñ 中文 🎉👍🏽 \u2028 end',
    '<script>alert(1)</script>',
  ];
  const posted: Status[] = [];
  for (const [i, text] of texts.entries()) posted.push(await post(i % 2 === 0 ? ann : cat, text));
  await t.drain();
  const [first, second, third] = posted;
  if (!first || !second || !third) throw new Error('posted fewer statuses than expected');
  await api.reactStatus(bob, first.id, 'like');
  await api.reactStatus(bob, first.id, 'heart');
  await api.reactStatus(cat, first.id, 'heart');
  await api.reactStatus(ann, second.id, 'like');
  // Comments are replies now: from someone bob does not follow, so they count on the status and stay out of his feed.
  const dan = await t.register('dan');
  for (const text of ['one', 'two']) {
    const res = await t.as(dan, { method: 'POST', url: `/api/v1/statuses/${third.id}/comments`, payload: { text } });
    expect(res.statusCode).toBe(201);
  }
  await t.drain();

  const whole = await feedText(bob);
  expect(whole).toBe(await feedObjects('bob', 20));
  const page = JSON.parse(whole) as Page<Status>;
  expect(page.items.map((s) => s.id)).toEqual(posted.map((s) => s.id).reverse());
  expect(page.items.at(-1)?.reactions).toEqual({ like: 1, heart: 2, mine: ['like', 'heart'] });
  expect(page.items.find((s) => s.id === third.id)?.commentCount).toBe(2);

  // Page by page, with cursors: each page is the same text too.
  let cursor: string | null = null;
  const seen: string[] = [];
  do {
    const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${encodeURIComponent(cursor)}`;
    const text = await feedText(bob, query);
    expect(text).toBe(await feedObjects('bob', 2, cursor ?? undefined));
    const next = JSON.parse(text) as Page<Status>;
    seen.push(...next.items.map((s) => s.id));
    cursor = next.nextCursor;
  } while (cursor !== null);
  expect(seen).toEqual(posted.map((s) => s.id).reverse());

  // Another viewer sees the same statuses with their own `mine`.
  await follow(cat, 'ann');
  await t.drain(); // the follow's backfill is a job: on the AWS shape it may land between the two reads
  expect(await feedText(cat)).toBe(await feedObjects('cat', 20));
});

it('follows changes to what it rendered: counts, the author profile, deletion', async () => {
  const ann = await t.register('ann');
  const bob = await t.register('bob');
  await follow(bob, 'ann');
  const s = await post(ann, 'hello');
  await t.drain();
  const read = async () => (JSON.parse(await feedText(bob)) as Page<Status>).items;
  expect((await read())[0]?.author.imageUrl).toBeNull();

  await api.reactStatus(bob, s.id, 'like');
  expect((await read())[0]?.reactions).toEqual({ like: 1, heart: 0, mine: ['like'] });
  await api.reactStatus(bob, s.id, 'like', 'DELETE');
  expect((await read())[0]?.reactions).toEqual({ like: 0, heart: 0, mine: [] });

  const avatar = await t.as(ann, {
    method: 'PUT',
    url: '/api/v1/me/avatar',
    payload: PNG_1PX,
    headers: { 'content-type': 'image/png' },
  });
  expect(avatar.statusCode).toBe(200);
  const [after] = await read();
  expect(after?.author.imageUrl).toBe(avatar.json<{ imageUrl: string }>().imageUrl);
  expect(await feedText(bob)).toBe(await feedObjects('bob', 20));

  expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${s.id}` })).statusCode).toBe(204);
  expect(await read()).toEqual([]);
});
