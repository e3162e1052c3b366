import type { Page, Status } from '@tweeter/shared';
import { describe, expect, it, vi } from 'vitest';
import { testShape } from '../support/aws-local.js';
import { useTestApps } from '../support/use-test-app.js';

// On SQLite a feed page's counters are read in the statement that reads its entries (FeedRepo.pageCounted): a repost
// row gets its original's counters, the viewer's own reactions and reposts are the viewer's, and only statuses that
// are not entries of the page (a quoted status from outside it) are read by the counters' own statement. The page
// stays byte for byte the serialized Page, whose counters come from that statement alone.
const apps = useTestApps();

describe.skipIf(testShape() === 'aws-local')("a feed page's counters read with its entries", () => {
  for (const threads of ['0', '1'])
    it(`are each status's own, and read apart only for statuses off the page (JOB_THREADS=${threads})`, async () => {
      const t = await apps.start({ JOB_THREADS: threads });
      const [ann, bob, cat, dan, eve] = await Promise.all(
        ['ann', 'bob', 'cat', 'dan', 'eve'].map((a) => t.register(a)),
      );
      if (!ann || !bob || !cat || !dan || !eve) throw new Error('fewer users than expected');
      const ok = async (token: string, method: 'PUT' | 'POST', url: string, payload?: object) => {
        const res = await t.as(token, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
        expect(res.statusCode).toBeLessThan(300);
        return res;
      };
      const post = async (token: string, payload: object) =>
        (await ok(token, 'POST', '/statuses', payload)).json<Status>();
      await ok(bob, 'PUT', '/me/followees/ann');
      await ok(bob, 'PUT', '/me/followees/cat');
      const a1 = await post(ann, { post: 'first of ann' });
      const a2 = await post(ann, { post: 'second of ann' });
      const d1 = await post(dan, { post: 'dan, reposted by cat' });
      const d2 = await post(dan, { post: 'dan, quoted by cat' });
      await ok(cat, 'PUT', `/statuses/${d1.id}/repost`);
      await post(cat, { post: 'cat quotes dan', quoteOfId: d2.id });
      await ok(bob, 'PUT', `/statuses/${a2.id}/reactions/like`);
      await ok(bob, 'PUT', `/statuses/${a2.id}/reactions/heart`);
      await ok(cat, 'PUT', `/statuses/${a2.id}/reactions/like`);
      await ok(eve, 'PUT', `/statuses/${d1.id}/reactions/heart`);
      await ok(cat, 'POST', `/statuses/${a2.id}/comments`, { text: 'a reply to ann' });
      await ok(eve, 'PUT', `/statuses/${a2.id}/repost`);
      await ok(bob, 'PUT', `/statuses/${a1.id}/repost`);
      await ok(eve, 'PUT', `/statuses/${d2.id}/reactions/like`);
      await t.drain();

      const counts = t.ctx.store.statusCounts;
      if (!counts) throw new Error('the SQLite store reads counters in one statement');
      const read = vi.spyOn(counts, 'read');
      const res = await t.as(bob, { method: 'GET', url: '/api/v1/me/feed?limit=20' });
      expect(res.statusCode).toBe(200);
      // The counters' own statement ran once, for the quoted status alone (it is no entry of bob's feed).
      expect(read.mock.calls.map(([ids, viewer]) => [ids, viewer])).toEqual([[[d2.id], 'bob']]);
      read.mockRestore();
      expect(res.body).toBe(JSON.stringify(await t.ctx.services.feeds.page('bob', { limit: 20 })));

      const items = (JSON.parse(res.body) as Page<Status & { repostedBy: { alias: string } | null }>).items;
      const counters = (s: Status) => ({
        reactions: s.reactions,
        commentCount: s.commentCount,
        repostCount: s.repostCount,
        repostedByMe: s.repostedByMe,
        quoteCount: s.quoteCount,
      });
      // cat's comment is a reply to ann, whom bob follows too: it reaches his feed.
      expect(items.map((s) => [s.post, s.repostedBy?.alias ?? null])).toEqual([
        ['a reply to ann', null],
        ['cat quotes dan', null],
        ['dan, reposted by cat', 'cat'],
        ['second of ann', null],
        ['first of ann', null],
      ]);
      const [reply, quoting, reposted, second, first] = items;
      expect(counters(second as Status)).toEqual({
        reactions: { like: 2, heart: 1, mine: ['like', 'heart'] },
        commentCount: 1,
        repostCount: 1,
        repostedByMe: false,
        quoteCount: 0,
      });
      // A repost row: the counters of the status it shows, not of the repost.
      expect(counters(reposted as Status)).toEqual({
        reactions: { like: 0, heart: 1, mine: [] },
        commentCount: 0,
        repostCount: 1,
        repostedByMe: false,
        quoteCount: 0,
      });
      expect(counters(reply as Status)).toEqual({
        reactions: { like: 0, heart: 0, mine: [] },
        commentCount: 0,
        repostCount: 0,
        repostedByMe: false,
        quoteCount: 0,
      });
      expect(counters(first as Status)).toMatchObject({ repostCount: 1, repostedByMe: true });
      expect(quoting?.quote).toMatchObject({ id: d2.id, reactions: { like: 1, heart: 0, mine: [] }, quoteCount: 1 });

      // Pages after a cursor (the range's other statement) too: the same bytes as the serialized pages.
      let cursor: string | null = null;
      for (let n = 0; n < 3; n++) {
        const query = `limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const page = await t.as(bob, { method: 'GET', url: `/api/v1/me/feed?${query}` });
        const serialized = await t.ctx.services.feeds.page('bob', { limit: 2, ...(cursor === null ? {} : { cursor }) });
        expect(page.body).toBe(JSON.stringify(serialized));
        cursor = serialized.nextCursor;
      }
      expect(cursor).toBeNull();
    });
});
