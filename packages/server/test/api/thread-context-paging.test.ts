import type { StatusContext } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app.js';

// GET /statuses/{id}/context past 200 descendants: `nextCursor` lists the next part of the tree in the same
// depth-first order, from wherever the last part stopped (deep in a branch or at the top), until none is left.
// SQLite (npm test); TWEETER_TEST_SHAPE=aws-local runs it on dynalite/fauxqs.
const t = useTestApp({}, { per: 'test' });

const T0 = Date.parse('2026-01-01T00:00:00Z');
const rid = (n: number) => `01KR${String(n).padStart(22, '0')}`;

describe('context paging', () => {
  it('pages the descendants depth first with a cursor; a foreign or made-up cursor is 400', async () => {
    const ann = await t.register('ann');
    const res = await t.as(ann, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'popular' } });
    const root = res.json<{ id: string }>().id;
    // 300 direct replies; the 11th has 170 replies; the 161st of those has 60. Written as the reply path writes them
    // (a status, then its place), 25 at a time: through the API this would take minutes on the emulators.
    const children = new Map<string, string[]>();
    const tree: { id: string; parent: string }[] = [];
    const add = (parent: string, count: number): string[] => {
      const ids = Array.from({ length: count }, (_, i) => rid(tree.length + i));
      for (const id of ids) tree.push({ id, parent });
      children.set(parent, ids);
      return ids;
    };
    const top = add(root, 300);
    const middle = add(top[10] ?? '', 170);
    add(middle[160] ?? '', 60);
    const { statuses, comments } = t.ctx.store;
    for (let i = 0; i < tree.length; i += 25) {
      await Promise.all(
        tree.slice(i, i + 25).map(async ({ id, parent }, j) => {
          const createdAt = T0 + i + j;
          const text = `r${i + j}`;
          const record = { id, author: 'ann', post: text, segments: [], createdAt, inReplyToId: parent };
          await statuses.create({ ...record, inReplyToAuthor: 'ann' }, { audience: 0 });
          await comments.create({ id, statusId: parent, author: 'ann', text, createdAt, deleted: false });
        }),
      );
    }
    const depthFirst: string[] = [];
    const walk = (id: string) => {
      for (const child of children.get(id) ?? []) {
        depthFirst.push(child);
        walk(child);
      }
    };
    walk(root);
    expect(depthFirst).toHaveLength(530);

    const read = async (cursor?: string) => {
      const query = cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`;
      const out = await t.as(ann, { method: 'GET', url: `/api/v1/statuses/${root}/context${query}` });
      expect(out.statusCode, out.body).toBe(200);
      return out.json<StatusContext>();
    };
    const parts: StatusContext[] = [await read()];
    for (let cursor = parts[0]?.nextCursor; cursor; cursor = parts.at(-1)?.nextCursor) parts.push(await read(cursor));
    // The first part stops three deep (in the 60), the second at the top level.
    expect(parts.map((p) => p.descendants.length)).toEqual([200, 200, 130]);
    expect(parts.map((p) => p.moreDescendants)).toEqual([true, true, false]);
    expect(parts.flatMap((p) => p.descendants.map((s) => s.id))).toEqual(depthFirst);
    expect(parts[1]?.ancestors).toEqual([]);

    // A cursor of another status's context, or one that names no reply: 400 validation_failed.
    const other = (await t.as(ann, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'other' } })).json<{
      id: string;
    }>().id;
    const foreign = await t.as(ann, {
      method: 'GET',
      url: `/api/v1/statuses/${other}/context?cursor=${encodeURIComponent(parts[0]?.nextCursor ?? '')}`,
    });
    expect([foreign.statusCode, foreign.json<{ error: { code: string } }>().error.code]).toEqual([
      400,
      'validation_failed',
    ]);
    const madeUp = Buffer.from(JSON.stringify({ k: rid(9999) })).toString('base64url');
    for (const cursor of [madeUp, 'not-a-cursor']) {
      const bad = await t.as(ann, { method: 'GET', url: `/api/v1/statuses/${root}/context?cursor=${cursor}` });
      expect(bad.statusCode).toBe(400);
    }
  });
});
