import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// Status search, hashtag pages and trends through the HTTP API, on the real app (a SQLite file, or DynamoDB/SQS
// with TWEETER_TEST_SHAPE=aws-local): the search contract as a client sees it.

const apps = useTestApps();

interface Page {
  items: { id: string; post: string; author: { alias: string }; segments: { type: string; tag?: string }[] }[];
  nextCursor: string | null;
}

function client(t: TestApp) {
  const get = (token: string, url: string) => t.as(token, { method: 'GET', url: `/api/v1${url}` });
  return {
    get,
    async page(token: string, url: string): Promise<Page> {
      const res = await get(token, url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      return res.json<Page>();
    },
    async post(token: string, text: string): Promise<string> {
      const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    },
    async put(token: string, url: string): Promise<void> {
      const res = await t.as(token, { method: 'PUT', url: `/api/v1${url}` });
      expect(res.statusCode, res.body).toBe(200);
    },
    /** Every id of a search, following cursors `limit` at a time. */
    async every(token: string, url: string, limit: number): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 50; i++) {
        const sep = url.includes('?') ? '&' : '?';
        const p: Page = await this.page(
          token,
          `${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        // Never an empty page while more results exist.
        if (p.nextCursor !== null) expect(p.items.length).toBeGreaterThan(0);
        ids.push(...p.items.map((s) => s.id));
        if (p.nextCursor === null) return ids;
        cursor = p.nextCursor;
      }
      throw new Error('paging did not end');
    },
  };
}

describe('status search', () => {
  it('finds statuses with every word, newest first; hashtags are segments with a tag page; trends count accounts', async () => {
    const t = await apps.start();
    const api = client(t);
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const a = await api.post(ann, 'Zoë loves #Rust and #TypeScript');
    const b = await api.post(bob, 'Learning rust with @ann today #rust');
    const c = await api.post(bob, 'zoe says hello');
    await t.drain();

    const found = await api.page(ann, `/search/statuses?q=${encodeURIComponent('ZOE')}`);
    expect(found.items.map((s) => s.id)).toEqual([c, a]);
    expect(found.items[1]?.segments.filter((s) => s.type === 'hashtag').map((s) => s.tag)).toEqual([
      'rust',
      'typescript',
    ]);
    expect((await api.page(ann, '/search/statuses?q=rust')).items.map((s) => s.id)).toEqual([b, a]);
    expect(
      (await api.page(ann, `/search/statuses?q=${encodeURIComponent('@ann rust')}`)).items.map((s) => s.id),
    ).toEqual([b]);
    expect((await api.page(ann, '/tags/Rust/statuses')).items.map((s) => s.id)).toEqual([b, a]);
    expect((await api.page(ann, '/tags/typescript/statuses')).items.map((s) => s.id)).toEqual([a]);

    const trends = await api.get(ann, '/trends/tags');
    expect(trends.statusCode).toBe(200);
    expect(trends.json()).toEqual({
      items: [
        { tag: 'rust', statuses: 2, accounts: 2 },
        { tag: 'typescript', statuses: 1, accounts: 1 },
      ],
    });
  });

  it('leaves out blocked and muted accounts before the page is cut: no empty page while results remain', async () => {
    const t = await apps.start();
    const api = client(t);
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    const dan = await t.register('dan');
    const own = await api.post(ann, 'needle by ann');
    const older = [await api.post(cat, 'needle one'), await api.post(cat, 'needle two')];
    for (let i = 0; i < 12; i++) await api.post(bob, `needle from bob ${i}`);
    const fromDan = await api.post(dan, 'needle from dan');
    await api.put(ann, '/me/mutes/bob');
    await api.put(dan, '/me/blocks/ann');
    await t.drain();

    // The 13 newest matches are hidden from ann (dan blocks her, she mutes bob): the first page still fills.
    const first = await api.page(ann, '/search/statuses?q=needle&limit=2');
    expect(first.items.map((s) => s.id)).toEqual([older[1], older[0]]);
    expect(first.nextCursor).not.toBeNull();
    expect(await api.every(ann, '/search/statuses?q=needle', 1)).toEqual([older[1], older[0], own]);
    expect(await api.every(ann, '/search/statuses?q=needle', 3)).toEqual([older[1], older[0], own]);
    // Someone else sees them all, page by page with no repeats or gaps.
    const cats = await api.every(cat, '/search/statuses?q=needle', 5);
    expect(cats).toHaveLength(16);
    expect(new Set(cats).size).toBe(16);
    expect(cats[0]).toBe(fromDan);
    // The block goes both ways: dan does not see ann's status either.
    const dans = await api.every(dan, '/search/statuses?q=needle', 20);
    expect(dans).toHaveLength(15);
    expect(dans).not.toContain(own);
  });

  it('a deleted status leaves the results; a deleted account takes all of its statuses out', async () => {
    const t = await apps.start();
    const api = client(t);
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const keep = await api.post(ann, 'ephemeral #gone test');
    const drop = await api.post(ann, 'ephemeral #gone again');
    await api.post(bob, 'ephemeral words from bob #gone');
    await t.drain();
    const del = await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${drop}` });
    expect(del.statusCode).toBe(204);
    await t.drain();
    expect((await api.page(bob, '/search/statuses?q=ephemeral')).items.map((s) => s.author.alias)).toEqual([
      'bob',
      'ann',
    ]);
    expect((await api.page(bob, '/tags/gone/statuses')).items.map((s) => s.id)).toContain(keep);

    const gone = await t.as(bob, { method: 'DELETE', url: '/api/v1/me', payload: { password: 'correct horse' } });
    expect(gone.statusCode).toBe(204);
    await t.drain();
    expect((await api.page(ann, '/search/statuses?q=ephemeral')).items.map((s) => s.id)).toEqual([keep]);
  });
});

describe('status search: bad input', () => {
  it('answers 400 for a missing, empty, blank or over-long q, an invalid tag or a forged cursor', async () => {
    const t = await apps.start();
    const api = client(t);
    const ann = await t.register('ann');
    const bad = [
      '/search/statuses',
      '/search/statuses?q=',
      '/search/statuses?q=%20%20',
      `/search/statuses?q=${'a'.repeat(201)}`,
      '/search/statuses?q=x&limit=0',
      '/search/statuses?q=x&cursor=!!!',
      '/tags/123/statuses',
      '/tags/a%20b/statuses',
      `/tags/${'x'.repeat(101)}/statuses`,
      '/tags/%23rust/statuses',
      '/tags/rust/statuses?cursor=bm90LWpzb24',
    ];
    for (const url of bad) {
      const res = await api.get(ann, url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
    }
    expect((await api.get(ann, `/search/statuses?q=${'é'.repeat(200)}`)).statusCode).toBe(200);
    const anon = await t.inject({ method: 'GET', url: '/api/v1/search/statuses?q=x' });
    expect(anon.statusCode).toBe(401);
  });

  it('never reads query syntax: FTS5 operators, quotes, *, NEAR and column filters are plain words', async () => {
    const t = await apps.start();
    const api = client(t);
    const ann = await t.register('ann');
    const near = await api.post(ann, 'We met NEAR the old mill, "quoted" AND starred*');
    const other = await api.post(ann, 'terms: mill');
    await t.drain();
    const hostile = [
      '"',
      '""',
      '"unbalanced quote',
      '*',
      'mill*',
      'NEAR(mill old, 3)',
      'NEAR',
      'mill AND NOT old',
      'mill OR x',
      '-mill',
      '^mill',
      'terms:mill',
      '{terms}: mill',
      '(mill',
      'mill)',
      "' OR 1=1 --",
      '\\',
      '\u0000',
    ];
    for (const q of hostile) {
      const res = await api.get(ann, `/search/statuses?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
    }
    const ids = async (q: string) =>
      (await api.page(ann, `/search/statuses?q=${encodeURIComponent(q)}`)).items.map((s) => s.id);
    expect(await ids('near mill')).toEqual([near]);
    expect(await ids('"quoted" AND starred*')).toEqual([near]);
    expect(await ids('NEAR(mill old, 3)')).toEqual([]); // "3" is a word neither has
    expect(await ids('mill*')).toEqual([other, near]);
    expect(await ids('terms:mill')).toEqual([other]);
    expect(await ids('mill OR x')).toEqual([]); // OR is a word, x too: no status has both
  });
});
