import type { Status } from '@tweeter/shared';
import { describe, expect, it, vi } from 'vitest';
import type { RelationEdge } from '../../src/ports/store.js';
import { testShape } from '../support/aws-local.js';
import { useTestApps } from '../support/use-test-app.js';

// On SQLite a feed page's entries come with whether the viewer's feed hides their authors (a repost entry's: its
// reposter), read in the entries' statement (FeedRepo.pageCounted): the blocks-and-mutes read (`around`) runs only for
// the names that statement did not check (a repost's original author, quoted authors), and a page of plain entries
// reads none. Edges are added here without their purge jobs, so the entries stay stored and only the read can hide
// them; every page is byte for byte the serialized Page, whose rows `around` alone checks.
const apps = useTestApps();

describe.skipIf(testShape() === 'aws-local')(
  "a feed page's authors checked for blocks and mutes with its entries",
  () => {
    for (const threads of ['0', '1'])
      it(`hide an edge's entries on the very next page, both ways (JOB_THREADS=${threads})`, async () => {
        const t = await apps.start({ JOB_THREADS: threads });
        const [ann, bob, cat, dan, eve, fay] = await Promise.all(
          ['ann', 'bob', 'cat', 'dan', 'eve', 'fay'].map((a) => t.register(a)),
        );
        if (!ann || !bob || !cat || !dan || !eve || !fay) throw new Error('fewer users than expected');
        const ok = async (token: string, method: 'PUT' | 'POST', url: string, payload?: object) => {
          const res = await t.as(token, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
          expect(res.statusCode).toBeLessThan(300);
          return res;
        };
        const post = async (token: string, text: string) =>
          (await ok(token, 'POST', '/statuses', { post: text })).json<Status>().id;
        for (const followee of ['ann', 'cat', 'dan', 'fay']) await ok(bob, 'PUT', `/me/followees/${followee}`);
        const e1 = await post(eve, 'eve, reposted by fay');
        await ok(fay, 'PUT', `/statuses/${e1}/repost`);
        const a1 = await post(ann, 'ann');
        const c1 = await post(cat, 'cat');
        const d1 = await post(dan, 'dan');
        await t.drain();

        const { relations } = t.ctx.store;
        const around = vi.spyOn(relations, 'around');
        // bob's page as the API serves it (checked against the serialized Page), its ids, and whom `around` was asked.
        const page = async (limit: number) => {
          around.mockClear();
          const res = await t.as(bob, { method: 'GET', url: `/api/v1/me/feed?limit=${limit}` });
          expect(res.statusCode).toBe(200);
          const asked = around.mock.calls.map(([viewer, others]) => [viewer, [...others].sort()]);
          expect(res.body).toBe(JSON.stringify(await t.ctx.services.feeds.page('bob', { limit })));
          const items = JSON.parse(res.body).items as (Status & { repostedBy: { alias: string } | null })[];
          return { ids: items.map((s) => `${s.id}${s.repostedBy ? ` by ${s.repostedBy.alias}` : ''}`), asked };
        };
        const edge = (owner: string, kind: 'block' | 'mute', target: string): RelationEdge => ({ owner, kind, target });
        const add = (e: RelationEdge) => relations.add(e, { createdAt: Date.now(), max: 100, outbox: [] });

        // Plain entries that quote nothing: no read of blocks and mutes at all.
        expect(await page(3)).toEqual({ ids: [d1, c1, a1], asked: [] });
        // The repost row's original author (eve) is the one name the entries' statement did not check.
        expect(await page(20)).toEqual({ ids: [d1, c1, a1, `${e1} by fay`], asked: [['bob', ['eve']]] });

        // bob mutes ann, dan blocks bob: their entries are still stored, and the next page leaves them out.
        await add(edge('bob', 'mute', 'ann'));
        await add(edge('dan', 'block', 'bob'));
        expect((await t.ctx.store.feeds.page('bob', { limit: 20 })).map((e) => e.statusId)).toContain(d1);
        expect(await page(3)).toEqual({ ids: [c1], asked: [] });
        // bob blocks cat.
        await add(edge('bob', 'block', 'cat'));
        expect(await page(3)).toEqual({ ids: [], asked: [] });
        // The repost row: hidden by its reposter (checked with the entries) or by its original's author (read apart).
        expect(await page(20)).toEqual({ ids: [`${e1} by fay`], asked: [['bob', ['eve']]] });
        await add(edge('bob', 'mute', 'fay'));
        expect((await page(20)).ids).toEqual([]);
        await relations.remove(edge('bob', 'mute', 'fay'));
        expect((await page(20)).ids).toEqual([`${e1} by fay`]);
        await add(edge('eve', 'block', 'bob'));
        expect((await page(20)).ids).toEqual([]);
        // Undone, every entry shows again on the next page.
        for (const e of [edge('eve', 'block', 'bob'), edge('bob', 'block', 'cat'), edge('dan', 'block', 'bob')])
          await relations.remove(e);
        await relations.remove(edge('bob', 'mute', 'ann'));
        expect(await page(20)).toEqual({ ids: [d1, c1, a1, `${e1} by fay`], asked: [['bob', ['eve']]] });
        around.mockRestore();
      });
  },
);
