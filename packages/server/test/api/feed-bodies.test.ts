import { describe, expect, it, vi } from 'vitest';
import { BodyBuffers } from '../../src/services/json-bytes.js';
import { testShape } from '../support/aws-local.js';
import { useTestApps } from '../support/use-test-app.js';

// A feed page's body is written into memory that earlier pages' bodies used once their responses were written
// (BodyBuffers, given back on the response's 'finish'). Over a real socket, many pages at once and one after another,
// every body is its own page's, byte for byte the serialized Page, and the memory is taken again.
const apps = useTestApps();

describe.skipIf(testShape() === 'aws-local')("feed pages' bodies in memory used again", () => {
  it('are each their own page over a real socket, many at once, and the memory is taken again', async () => {
    const t = await apps.start();
    const viewers = ['ann', 'bob', 'cat', 'dan'];
    const tokens = await Promise.all(viewers.map((a) => t.register(a)));
    const authors = ['eve', 'fay', 'gus'];
    const authorTokens = await Promise.all(authors.map((a) => t.register(a)));
    for (const token of tokens)
      for (const author of authors) {
        const res = await t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${author}` });
        expect(res.statusCode).toBeLessThan(300);
      }
    // Each viewer follows everyone but one author, so the pages differ.
    for (const [i, token] of tokens.entries())
      await t.as(token, { method: 'DELETE', url: `/api/v1/me/followees/${authors[i % authors.length]}` });
    for (let n = 0; n < 12; n++)
      for (const [i, token] of authorTokens.entries()) {
        const post = `${authors[i]} ${n} ${'x'.repeat(20 * n)}`;
        const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post } });
        expect(res.statusCode).toBe(201);
      }
    await t.drain();

    const take = vi.spyOn(BodyBuffers.prototype, 'take');
    const base = await t.listen();
    const expected = new Map<string, string>();
    for (const viewer of viewers)
      for (const limit of [5, 20])
        expected.set(`${viewer} ${limit}`, JSON.stringify(await t.ctx.services.feeds.page(viewer, { limit })));
    const read = async (i: number, limit: number) => {
      const res = await fetch(`${base}/api/v1/me/feed?limit=${limit}`, {
        headers: { authorization: `Bearer ${tokens[i]}` },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(expected.get(`${viewers[i]} ${limit}`));
    };
    // One after another, then many at once (several in flight on each connection's turn).
    for (let round = 0; round < 3; round++) for (let i = 0; i < viewers.length; i++) await read(i, 20);
    await Promise.all(Array.from({ length: 64 }, (_, n) => read(n % viewers.length, n % 3 === 0 ? 5 : 20)));
    for (let i = 0; i < viewers.length; i++) await read(i, 5);

    // Every page's body was taken there, and pages read one after another wrote into the same memory.
    expect(take).toHaveBeenCalledTimes(3 * viewers.length + 64 + viewers.length);
    const memory = take.mock.results.map((r) => (r.value as Buffer).buffer);
    expect(new Set(memory.slice(0, 3 * viewers.length)).size).toBe(1);
    expect(new Set(memory).size).toBeLessThan(memory.length / 2);
    take.mockRestore();
  });
});

describe('BodyBuffers', () => {
  it('takes a body back once, only one of its own, and leaves a longer body to the allocator', () => {
    const bodies = new BodyBuffers(1024, 2);
    const a = bodies.take(100);
    expect(a.length).toBe(100);
    bodies.give(a);
    bodies.give(a); // twice: nothing more
    const b = bodies.take(10);
    const c = bodies.take(10);
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(a.buffer);
    bodies.give(Buffer.alloc(10)); // not from here
    const long = bodies.take(4096);
    expect(long.length).toBe(4096);
    bodies.give(long);
    const d = bodies.take(10);
    expect([b.buffer, c.buffer]).not.toContain(d.buffer);
  });
});
