import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/use-test-app.js';

// A first page's index read is shared by the requests of the same words for a second (search-first-pages.ts), on the
// real app over a SQLite file or DynamoDB/SQS (TWEETER_TEST_SHAPE=aws-local). What lags is only a status indexed
// within that second; blocks, mutes and deletions are read for every request.

const apps = useTestApps();

describe('GET /search/statuses first pages', () => {
  it('shares the index read for a second, yet drops a blocked author and a deleted status at once', async () => {
    let now = Date.UTC(2026, 0, 5, 12);
    const t = await apps.start({}, { clock: { now: () => now } });
    const ann = await t.register('ann');
    const cal = await t.register('cal');
    const viewer = await t.register('viewer');
    const post = async (token: string, text: string): Promise<string> => {
      const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const search = async (q: string): Promise<string[]> => {
      const res = await t.as(viewer, { url: `/api/v1/search/statuses?q=${encodeURIComponent(q)}&limit=5` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: { id: string }[] }>().items.map((s) => s.id);
    };
    const first = await post(ann, 'A quokka at sunrise');
    now += 10;
    const second = await post(cal, 'Another quokka, another sunrise');
    await t.drain();
    expect(await search('quokka sunrise')).toEqual([second, first]);

    // Within the second, a status indexed since is not shown yet; another query's words read the index afresh.
    now += 10;
    const third = await post(ann, 'Quokka selfie at sunrise');
    await t.drain();
    expect(await search('quokka sunrise')).toEqual([second, first]);
    expect(await search('sunrise quokka selfie')).toEqual([third]);

    // Blocks and deletions are never late.
    const blocked = await t.as(viewer, { method: 'PUT', url: '/api/v1/me/blocks/cal' });
    expect(blocked.statusCode, blocked.body).toBeLessThan(300);
    expect(await search('quokka sunrise')).toEqual([first]);
    const deleted = await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${first}` });
    expect(deleted.statusCode, deleted.body).toBeLessThan(300);
    expect(await search('quokka sunrise')).toEqual([]);

    // Once the second has passed, the index is read again.
    now += 1_000;
    expect(await search('quokka sunrise')).toEqual([third]);

    // /metrics counts the first pages served from a shared read and those that read the index.
    const metrics = (await t.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^tweeter_search_first_pages_total\{outcome="shared"\} 3$/m);
    expect(metrics).toMatch(/^tweeter_search_first_pages_total\{outcome="read"\} 3$/m);
  });
});
