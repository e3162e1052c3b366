import type { Comment, Page, Status } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app.js';

const t = useTestApp({}, { per: 'test' });

const UNKNOWN = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

const postStatus = async (token: string, text: string): Promise<Status> =>
  (await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } })).json();
const comment = (token: string, statusId: string, text: unknown) =>
  t.as(token, { method: 'POST', url: `/api/v1/statuses/${statusId}/comments`, payload: { text } });
const list = (token: string, statusId: string, query = '') =>
  t.as(token, { method: 'GET', url: `/api/v1/statuses/${statusId}/comments${query}` });
const remove = (token: string, id: string) => t.as(token, { method: 'DELETE', url: `/api/v1/comments/${id}` });
const commentCount = async (token: string, statusId: string): Promise<number> =>
  (await t.as(token, { method: 'GET', url: `/api/v1/statuses/${statusId}` })).json<Status>().commentCount;

describe('comments', () => {
  it('posts a comment, counted in commentCount', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const s = await postStatus(ann, 'comment on me');
    const res = await comment(bob, s.id, '  nice  ');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String),
      statusId: s.id,
      author: { alias: 'bob', firstName: 'First', lastName: 'Last', imageUrl: null },
      text: 'nice',
      createdAt: expect.any(String),
      deleted: false,
    });
    expect(await commentCount(ann, s.id)).toBe(1);
    const story = (await t.as(bob, { method: 'GET', url: '/api/v1/users/ann/story' })).json<Page<Status>>();
    expect(story.items[0]?.commentCount).toBe(1);
  });

  it.each([[''], ['   '], ['x'.repeat(1001)], [42]])('rejects text %j with 400 and writes nothing', async (text) => {
    const ann = await t.register('ann');
    const s = await postStatus(ann, 'hi');
    const res = await comment(ann, s.id, text);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('body.text');
    expect(await commentCount(ann, s.id)).toBe(0);
    expect((await list(ann, s.id)).json().items).toEqual([]);
  });

  it('allows 1,000 code points; unknown statuses and comments are 404', async () => {
    const ann = await t.register('ann');
    const s = await postStatus(ann, 'hi');
    expect((await comment(ann, s.id, '🙂'.repeat(1000))).statusCode).toBe(201);
    expect((await comment(ann, UNKNOWN, 'hi')).statusCode).toBe(404);
    expect((await list(ann, UNKNOWN)).statusCode).toBe(404);
    expect((await remove(ann, UNKNOWN)).statusCode).toBe(404);
  });

  it('lists oldest first across pages, with no repeats or gaps while others comment', async () => {
    const ann = await t.register('ann');
    const s = await postStatus(ann, 'thread');
    const posted: string[] = [];
    for (let i = 0; i < 7; i++) posted.push((await comment(ann, s.id, `c${i}`)).json<Comment>().id);
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page: Page<Comment> = (await list(ann, s.id, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json<
        Page<Comment>
      >();
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
      if (pages++ === 0) posted.push((await comment(ann, s.id, 'late')).json<Comment>().id); // lands on a later page
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(posted);
  });

  it('only the comment’s author or the status’s author may delete; a placeholder stays; the count is exact', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    const s = await postStatus(ann, 'moderated');
    const [c1, c2, c3] = [
      (await comment(bob, s.id, 'by bob')).json<Comment>(),
      (await comment(bob, s.id, 'by bob again')).json<Comment>(),
      (await comment(cat, s.id, 'by cat')).json<Comment>(),
    ];
    if (!c1 || !c2 || !c3) throw new Error('commenting failed');
    expect((await remove(cat, c1.id)).statusCode).toBe(403);
    expect((await remove(bob, c1.id)).statusCode).toBe(204);
    expect((await remove(bob, c1.id)).statusCode).toBe(204); // idempotent, counted once
    expect((await remove(ann, c3.id)).statusCode).toBe(204);
    expect(await commentCount(ann, s.id)).toBe(1);
    const items = (await list(cat, s.id)).json<Page<Comment>>().items;
    expect(items.map((c) => [c.id, c.deleted, c.text])).toEqual([
      [c1.id, true, ''],
      [c2.id, false, 'by bob again'],
      [c3.id, true, ''],
    ]);
    // the status author's moderation is on record; the comment author's own delete is not
    const log = await t.ctx.store.audit.list(`status:${s.id}`, { limit: 10 });
    expect(log.map((e) => [e.actor, e.action, e.target])).toEqual([['ann', 'comment.delete', c3.id]]);
  });

  it('deleting the status purges its reactions in the background; its replies (comments) stay, in their thread', async () => {
    const ann = await t.register('ann');
    const s = await postStatus(ann, 'short-lived');
    const c = (await comment(ann, s.id, 'one')).json<Comment>();
    await t.as(ann, { method: 'PUT', url: `/api/v1/statuses/${s.id}/reactions/like` });
    expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${s.id}` })).statusCode).toBe(204);
    const gone = await list(ann, s.id);
    expect([gone.statusCode, gone.json<{ error: { code: string } }>().error.code]).toEqual([404, 'status_deleted']);
    await t.drain();
    expect((await t.ctx.store.reactions.counts('status', [s.id])).size).toBe(0);
    // The reply is a status of its own: it stays, and its thread shows the deleted status above it.
    const ctx = await t.as(ann, { method: 'GET', url: `/api/v1/statuses/${c.id}/context` });
    expect(ctx.statusCode).toBe(200);
    const { ancestors } = ctx.json<{ ancestors: { id: string; deleted: boolean; post: string }[] }>();
    expect(ancestors.map((a) => [a.id, a.deleted, a.post])).toEqual([[s.id, true, '']]);
  });
});
