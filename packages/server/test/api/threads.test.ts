import type { Comment, FeedItem, Page, Status, StatusContext } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app.js';

// Replies, threads and quotes through the real app (SQLite; TWEETER_TEST_SHAPE=aws-local runs it on dynalite/fauxqs).
const t = useTestApp({}, { per: 'test' });

const UNKNOWN = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

type Body = Record<string, unknown>;
const post = (token: string, payload: Body) => t.as(token, { method: 'POST', url: '/api/v1/statuses', payload });
const posted = async (token: string, payload: Body): Promise<Status> => {
  const res = await post(token, payload);
  if (res.statusCode !== 201) throw new Error(`post: ${res.statusCode} ${res.body}`);
  return res.json<Status>();
};
const get = (token: string, url: string) => t.as(token, { method: 'GET', url });
const status = async (token: string, id: string): Promise<Status> =>
  (await get(token, `/api/v1/statuses/${id}`)).json();
const context = async (token: string, id: string): Promise<StatusContext> => {
  const res = await get(token, `/api/v1/statuses/${id}/context`);
  if (res.statusCode !== 200) throw new Error(`context: ${res.statusCode} ${res.body}`);
  return res.json<StatusContext>();
};
const errorOf = (res: { statusCode: number; json<T>(): T }) => [
  res.statusCode,
  res.json<{ error: { code: string } }>().error.code,
];
const follow = (token: string, alias: string) => t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${alias}` });
const feedIds = async (token: string): Promise<string[]> =>
  (await get(token, '/api/v1/me/feed?limit=100')).json<Page<Status>>().items.map((s) => s.id);

describe('replies', () => {
  it('a reply names its parent, counts in replyCount and commentCount, and lists as a comment', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const root = await posted(ann, { post: 'root' });
    const reply = await posted(bob, { post: 'hi @ann', inReplyToId: root.id });
    expect(reply.inReplyTo).toEqual({ id: root.id, author: expect.objectContaining({ alias: 'ann' }) });
    expect([reply.quote, reply.quoteId, reply.deleted, reply.replyCount]).toEqual([null, null, false, 0]);
    const now = await status(ann, root.id);
    expect([now.replyCount, now.commentCount]).toEqual([1, 1]);
    const comments = (await get(ann, `/api/v1/statuses/${root.id}/comments`)).json<Page<Comment>>().items;
    expect(comments.map((c) => [c.id, c.text, c.author.alias])).toEqual([[reply.id, 'hi @ann', 'bob']]);
    // A comment posted the old way is a reply like any other.
    const c = (
      await t.as(ann, { method: 'POST', url: `/api/v1/statuses/${root.id}/comments`, payload: { text: 'old way' } })
    ).json<Comment>();
    expect((await status(ann, c.id)).inReplyTo?.id).toBe(root.id);
    expect((await status(ann, root.id)).replyCount).toBe(2);
  });

  it('context: ancestors root first, descendants depth first; a deleted reply keeps its place, its text gone', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const root = await posted(ann, { post: 'root' });
    const a = await posted(bob, { post: 'a', inReplyToId: root.id });
    const b = await posted(ann, { post: 'b', inReplyToId: root.id });
    const a1 = await posted(ann, { post: 'a1', inReplyToId: a.id });
    const a1x = await posted(bob, { post: 'a1x', inReplyToId: a1.id });
    const a2 = await posted(bob, { post: 'a2', inReplyToId: a.id });

    const whole = await context(ann, root.id);
    expect(whole.ancestors).toEqual([]);
    expect(whole.descendants.map((s) => s.post)).toEqual(['a', 'a1', 'a1x', 'a2', 'b']);
    expect(whole.moreDescendants).toBe(false);

    const mid = await context(bob, a1.id);
    expect(mid.ancestors.map((s) => s.id)).toEqual([root.id, a.id]);
    expect(mid.descendants.map((s) => s.id)).toEqual([a1x.id]);

    expect((await t.as(bob, { method: 'DELETE', url: `/api/v1/statuses/${a.id}` })).statusCode).toBe(204);
    const after = await context(ann, a1x.id);
    expect(after.ancestors.map((s) => [s.id, s.deleted, s.post, s.author.alias])).toEqual([
      [root.id, false, 'root', 'ann'],
      [a.id, true, '', ''],
      [a1.id, false, 'a1', 'ann'],
    ]);
    const tree = await context(ann, root.id);
    expect(tree.descendants.map((s) => [s.id, s.deleted])).toEqual([
      [a.id, true],
      [a1.id, false],
      [a1x.id, false],
      [a2.id, false],
      [b.id, false],
    ]);
    expect((await status(ann, root.id)).replyCount).toBe(1); // b; a was deleted
    // The comments view shows the deleted reply in its place, text emptied.
    const comments = (await get(ann, `/api/v1/statuses/${root.id}/comments`)).json<Page<Comment>>().items;
    expect(comments.map((c) => [c.id, c.deleted, c.text])).toEqual([
      [a.id, true, ''],
      [b.id, false, 'b'],
    ]);
  });

  it('the status author may delete a reply to it through the comment route (audited); nobody else may', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    const root = await posted(ann, { post: 'my post' });
    const reply = await posted(bob, { post: 'rude', inReplyToId: root.id });
    expect((await t.as(cat, { method: 'DELETE', url: `/api/v1/comments/${reply.id}` })).statusCode).toBe(403);
    expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/comments/${reply.id}` })).statusCode).toBe(204);
    expect((await get(bob, `/api/v1/statuses/${reply.id}`)).statusCode).toBe(404);
    expect((await status(ann, root.id)).replyCount).toBe(0);
    const log = await t.ctx.store.audit.list(`status:${root.id}`, { limit: 10 });
    expect(log.map((e) => [e.actor, e.action, e.target])).toEqual([['ann', 'comment.delete', reply.id]]);
    // Idempotent.
    expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/comments/${reply.id}` })).statusCode).toBe(204);
  });

  it('bad targets: missing 404, deleted 404 status_deleted, across a block 404; nothing is written', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const root = await posted(ann, { post: 'soon gone' });
    expect(errorOf(await post(bob, { post: 'x', inReplyToId: UNKNOWN }))).toEqual([404, 'not_found']);
    expect(errorOf(await post(bob, { post: 'x', quoteOfId: UNKNOWN }))).toEqual([404, 'not_found']);
    expect(errorOf(await post(bob, { post: 'x', inReplyToId: '' }))).toEqual([400, 'validation_failed']);
    expect(errorOf(await post(bob, { post: 'x', inReplyToId: 42 }))).toEqual([400, 'validation_failed']);
    expect(errorOf(await post(bob, { post: 'x', quoteOfId: 'y'.repeat(41) }))).toEqual([400, 'validation_failed']);
    await t.as(ann, { method: 'PUT', url: '/api/v1/me/blocks/bob' });
    expect(errorOf(await post(bob, { post: 'x', inReplyToId: root.id }))).toEqual([404, 'not_found']);
    expect(errorOf(await post(bob, { post: 'x', quoteOfId: root.id }))).toEqual([404, 'not_found']);
    // Quoting (and replying to) my own status is allowed, as on Twitter, Mastodon and Bluesky.
    const own = await post(ann, { post: 'x', quoteOfId: root.id });
    expect(own.statusCode).toBe(201);
    expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${own.json<Status>().id}` })).statusCode).toBe(
      204,
    );
    await t.as(ann, { method: 'DELETE', url: '/api/v1/me/blocks/bob' });
    expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${root.id}` })).statusCode).toBe(204);
    expect(errorOf(await post(bob, { post: 'x', inReplyToId: root.id }))).toEqual([404, 'status_deleted']);
    expect(errorOf(await post(bob, { post: 'x', quoteOfId: root.id }))).toEqual([404, 'status_deleted']);
    expect(errorOf(await get(bob, `/api/v1/statuses/${root.id}/context`))).toEqual([404, 'status_deleted']);
    const story = (await get(bob, '/api/v1/users/bob/story')).json<Page<Status>>().items;
    expect(story).toEqual([]);
  });

  it("a reply reaches the feeds of the replier's followers who also follow the replied-to author", async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const both = await t.register('both');
    const onlybob = await t.register('onlybob');
    await follow(both, 'ann');
    await follow(both, 'bob');
    await follow(onlybob, 'bob');
    await follow(ann, 'bob');
    const root = await posted(ann, { post: 'root' });
    const reply = await posted(bob, { post: 'answer', inReplyToId: root.id });
    const thread = await posted(bob, { post: 'my own thread', inReplyToId: reply.id });
    const plain = await posted(bob, { post: 'plain' });
    await t.drain();
    expect(await feedIds(both)).toEqual([plain.id, thread.id, reply.id, root.id]);
    // Not the reply to ann (onlybob does not follow her); bob's reply to himself reaches all his followers.
    expect(await feedIds(onlybob)).toEqual([plain.id, thread.id]);
    // The replied-to author, who follows the replier, sees it.
    expect(await feedIds(ann)).toEqual([plain.id, thread.id, reply.id]);
  });

  it('context hides a blocked account’s reply as unavailable and keeps the replies below it', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    const root = await posted(ann, { post: 'root' });
    const byBob = await posted(bob, { post: 'bob here', inReplyToId: root.id });
    const byCat = await posted(cat, { post: 'cat below bob', inReplyToId: byBob.id });
    await t.as(ann, { method: 'PUT', url: '/api/v1/me/blocks/bob' });
    const seen = await context(ann, root.id);
    expect(seen.descendants.map((s) => [s.id, s.deleted, s.post])).toEqual([
      [byBob.id, true, ''],
      [byCat.id, false, 'cat below bob'],
    ]);
    const up = await context(ann, byCat.id);
    expect(up.ancestors.map((s) => [s.id, s.deleted])).toEqual([
      [root.id, false],
      [byBob.id, true],
    ]);
    // The comments view leaves the blocked account's reply out.
    const comments = (await get(ann, `/api/v1/statuses/${root.id}/comments`)).json<Page<Comment>>().items;
    expect(comments).toEqual([]);
  });

  it('context lists at most 200 descendants and says there are more', async () => {
    const ann = await t.register('ann');
    const root = await posted(ann, { post: 'popular' });
    // 201 replies written as the reply path writes them (a status, then its place), 25 at a time: through the API
    // this would take minutes on the emulators.
    const ids = Array.from({ length: 201 }, (_, i) => `01KR${String(i).padStart(22, '0')}`);
    const { statuses, comments } = t.ctx.store;
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(
        ids.slice(i, i + 25).map(async (id, j) => {
          const createdAt = Date.parse('2026-01-01T00:00:00Z') + i + j;
          const text = `r${i + j}`;
          const record = {
            id,
            author: 'ann',
            post: text,
            segments: [],
            createdAt,
            inReplyToId: root.id,
            inReplyToAuthor: 'ann',
          };
          await statuses.create(record, { audience: 0 });
          await comments.create({ id, statusId: root.id, author: 'ann', text, createdAt, deleted: false });
        }),
      );
    }
    const ctx = await context(ann, root.id);
    expect(ctx.descendants.map((s) => s.id)).toEqual(ids.slice(0, 200));
    expect(ctx.moreDescendants).toBe(true);
    expect((await status(ann, root.id)).replyCount).toBe(201);
  });

  it('a comment stored before replies were statuses becomes a reply when first read', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const root = await posted(ann, { post: 'old post' });
    // Written as the comments of an older server were: a comment record and no status.
    const legacyId = '01KAAAAAAAAAAAAAAAAAAAAAAA';
    expect(
      await t.ctx.store.comments.create({
        id: legacyId,
        statusId: root.id,
        author: 'bob',
        text: 'old comment @ann',
        createdAt: Date.parse('2025-11-01T00:00:00Z'),
        deleted: false,
      }),
    ).toBe(true);
    expect(await t.ctx.store.statuses.get(legacyId)).toBeNull();
    const ctx = await context(ann, root.id);
    expect(ctx.descendants.map((s) => [s.id, s.post, s.author.alias, s.inReplyTo?.id])).toEqual([
      [legacyId, 'old comment @ann', 'bob', root.id],
    ]);
    const adopted = await status(bob, legacyId);
    expect(adopted.segments.map((s) => s.type)).toEqual(['text', 'mention']);
    expect(adopted.createdAt).toBe('2025-11-01T00:00:00.000Z');
    // Its author may delete it as a status now; it keeps its place.
    expect((await t.as(bob, { method: 'DELETE', url: `/api/v1/statuses/${legacyId}` })).statusCode).toBe(204);
    expect((await context(ann, root.id)).descendants.map((s) => [s.id, s.deleted])).toEqual([[legacyId, true]]);
  });
});

describe('quotes', () => {
  it('embeds the quoted status one level deep, counts and lists quotes, and shows a deleted one as gone', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    const original = await posted(ann, { post: 'quotable' });
    const q1 = await posted(bob, { post: 'so true', quoteOfId: original.id });
    expect(q1.quoteId).toBe(original.id);
    expect(q1.quote).toEqual(
      expect.objectContaining({ id: original.id, post: 'quotable', quote: null, deleted: false }),
    );
    const self = await posted(ann, { post: 'quoting myself', quoteOfId: original.id });
    const q2 = await posted(cat, { post: 'quote of a quote', quoteOfId: q1.id });
    expect(q2.quote).toEqual(expect.objectContaining({ id: q1.id, quoteId: original.id, quote: null }));
    expect((await status(cat, original.id)).quoteCount).toBe(2);
    const list = (await get(cat, `/api/v1/statuses/${original.id}/quotes`)).json<Page<Status>>();
    expect(list.items.map((s) => s.id)).toEqual([self.id, q1.id]);
    const paged = (await get(cat, `/api/v1/statuses/${original.id}/quotes?limit=1`)).json<Page<Status>>();
    expect(paged.items.map((s) => s.id)).toEqual([self.id]);
    const next = await get(cat, `/api/v1/statuses/${original.id}/quotes?limit=1&cursor=${paged.nextCursor ?? ''}`);
    expect(next.json<Page<Status>>().items.map((s) => s.id)).toEqual([q1.id]);

    // Across a block the quoted status is embedded as gone.
    await t.as(ann, { method: 'PUT', url: '/api/v1/me/blocks/cat' });
    expect((await status(cat, q1.id)).quote).toEqual(
      expect.objectContaining({ id: original.id, deleted: true, post: '' }),
    );
    await t.as(ann, { method: 'DELETE', url: '/api/v1/me/blocks/cat' });

    expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${original.id}` })).statusCode).toBe(204);
    const after = await status(bob, q1.id);
    expect(after.quoteId).toBe(original.id);
    expect(after.quote).toEqual(
      expect.objectContaining({
        id: original.id,
        deleted: true,
        post: '',
        segments: [],
        author: expect.objectContaining({ alias: '' }),
      }),
    );
    // A quote that is deleted leaves its quoted status's count.
    expect((await t.as(bob, { method: 'DELETE', url: `/api/v1/statuses/${q1.id}` })).statusCode).toBe(204);
    expect(errorOf(await get(cat, `/api/v1/statuses/${q1.id}/quotes`))).toEqual([404, 'status_deleted']);
  });

  it('a reply and a quote in the feed page text are the same bytes as the objects', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    await follow(bob, 'ann');
    const original = await posted(ann, { post: 'base' });
    await posted(ann, { post: 'quoting', quoteOfId: original.id });
    await posted(ann, { post: 'replying', inReplyToId: original.id });
    await t.drain();
    const page = (await get(bob, '/api/v1/me/feed')).json<Page<FeedItem>>();
    expect(page.items).toHaveLength(3);
    const one = await Promise.all(page.items.map((s) => status(bob, s.id)));
    // Feed items are the statuses plus how they reached the feed (not as reposts here).
    expect(page.items).toEqual(one.map((s) => ({ ...s, repostedBy: null, repostedAt: null })));
  });
});
