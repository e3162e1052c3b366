import type { Status, StatusContext } from '@tweeter/shared';
import { LIMITS } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { testShape } from '../support/aws-local.js';
import { useTestApp } from '../support/use-test-app.js';

// A thread's ancestors through the real app: on SQLite the chain of places is one recursive read, on DynamoDB
// (TWEETER_TEST_SHAPE=aws-local) it is read level by level; both answer the same.
const t = useTestApp({ env: { WRITE_RATE_LIMITS: 'off' } }, { per: 'test' });

const posted = async (token: string, payload: Record<string, unknown>): Promise<Status> => {
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload });
  if (res.statusCode !== 201) throw new Error(`post: ${res.statusCode} ${res.body}`);
  return res.json<Status>();
};
const ancestors = async (token: string, id: string): Promise<[string, boolean][]> => {
  const res = await t.as(token, { method: 'GET', url: `/api/v1/statuses/${id}/context` });
  if (res.statusCode !== 200) throw new Error(`context: ${res.statusCode} ${res.body}`);
  return res.json<StatusContext>().ancestors.map((s) => [s.id, s.deleted]);
};

describe('thread ancestors', () => {
  it('lists the chain root first with deleted ones in place, and the nearest LIMITS.ancestorsMax of a deeper one', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const chain = [await posted(ann, { post: 'root' })];
    // The bound needs a chain deeper than 200: on dynalite (a point read per level, ~1 s a post here) that is minutes,
    // so there the chain is 3 deep and the bound is checked on SQLite, whose recursive read this test is for.
    const depth = testShape() === 'aws-local' ? 3 : LIMITS.ancestorsMax + 3;
    for (let i = 1; i <= depth; i++) {
      chain.push(await posted(i % 2 ? bob : ann, { post: `level ${i}`, inReplyToId: chain[i - 1]?.id }));
    }
    const ids = chain.map((s) => s.id);
    const [root, first, second, third] = ids;
    // Three deep: the root and both replies above, root first.
    expect(await ancestors(ann, third ?? '')).toEqual([
      [root, false],
      [first, false],
      [second, false],
    ]);
    // A deleted reply and then a deleted root keep their places.
    expect((await t.as(bob, { method: 'DELETE', url: `/api/v1/statuses/${first}` })).statusCode).toBe(204);
    expect(await ancestors(ann, third ?? '')).toEqual([
      [root, false],
      [first, true],
      [second, false],
    ]);
    expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${root}` })).statusCode).toBe(204);
    expect(await ancestors(ann, third ?? '')).toEqual([
      [root, true],
      [first, true],
      [second, false],
    ]);
    if (depth <= LIMITS.ancestorsMax) return;
    // The deepest: only the nearest 200 above it (the root and the first levels are left out).
    const deepest = await ancestors(ann, ids[depth] ?? '');
    expect(deepest.map(([id]) => id)).toEqual(ids.slice(depth - LIMITS.ancestorsMax, depth));
    expect(deepest.every(([, deleted]) => !deleted)).toBe(true);
  }, 120_000);
});
