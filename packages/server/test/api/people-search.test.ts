import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// People search and suggestions through the HTTP API, on the real app: a SQLite file, or DynamoDB/SQS (dynalite and
// fauxqs) with TWEETER_TEST_SHAPE=aws-local. The index is written by the index.user job, so tests drain the queue.

const apps = useTestApps();

type Method = 'GET' | 'PUT' | 'DELETE' | 'POST' | 'PATCH';

function client(t: TestApp) {
  const call = (token: string, method: Method, url: string, payload?: unknown) =>
    t.as(token, { method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as object }) });
  const ok = async (token: string, method: Method, url: string, payload?: unknown) => {
    const res = await call(token, method, url, payload);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.statusCode === 204 ? undefined : res.json();
  };
  return {
    call,
    ok,
    async people(token: string, q: string, extra = ''): Promise<string[]> {
      const page = await ok(token, 'GET', `/search/users?q=${encodeURIComponent(q)}${extra}`);
      return (page.items as { alias: string }[]).map((p) => p.alias);
    },
    async suggestions(token: string): Promise<string[]> {
      const page = await ok(token, 'GET', '/me/suggestions?limit=100');
      return (page.items as { alias: string }[]).map((p) => p.alias);
    },
  };
}

const named = (firstName: string, lastName: string) => ({ firstName, lastName });

describe('GET /search/users', () => {
  it('ranks exact alias, then alias prefix, then names (by followers), case- and accent-insensitively', async () => {
    const t = await apps.start();
    const api = client(t);
    const me = await t.register('viewer', named('Val', 'Viewer'));
    await t.register('zoe', named('Plain', 'Person'));
    await t.register('zoe_smith', named('Jo', 'Smith'));
    await t.register('anna', named('Zoë', 'Ångström'));
    const bea = await t.register('bea', named('Beatrice', 'Zoellner'));
    await t.register('zed', named('Zed', 'Other'));
    // bea has more followers than anna: among name matches she comes first.
    await api.ok(me, 'PUT', '/me/followees/bea');
    await t.drain();
    const expected = ['zoe', 'zoe_smith', 'bea', 'anna'];
    expect(await api.people(me, 'zoe')).toEqual(expected);
    expect(await api.people(me, 'ZOË')).toEqual(expected);
    expect(await api.people(me, '@Zoe')).toEqual(expected);
    expect(await api.people(me, 'angs')).toEqual(['anna']);
    expect(await api.people(me, 'zoë ångström')).toEqual(['anna']);
    expect(await api.people(me, 'beatrice zoe')).toEqual(['bea']);
    expect(await api.people(me, 'nobody_here')).toEqual([]);
    // The page is a page of Profiles, as seen by the viewer.
    const page = await api.ok(me, 'GET', '/search/users?q=bea');
    expect(page.items[0]).toMatchObject({ alias: 'bea', firstName: 'Beatrice', followedByMe: true, followerCount: 1 });
    expect(bea).toBeTruthy();
  });

  it('never shows accounts blocked either way, and filters before paging', async () => {
    const t = await apps.start();
    const api = client(t);
    const me = await t.register('viewer', named('Val', 'Viewer'));
    const tokens: Record<string, string> = {};
    for (const a of ['mo_a', 'mo_b', 'mo_c', 'mo_d', 'mo_e']) tokens[a] = await t.register(a, named('Mo', a));
    await api.ok(me, 'PUT', '/me/blocks/mo_b');
    await api.ok(tokens.mo_d ?? '', 'PUT', '/me/blocks/viewer');
    await t.drain();
    expect(await api.people(me, 'mo')).toEqual(['mo_a', 'mo_c', 'mo_e']);
    // Pages of one: every page has its item, and the last says there is no more.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.ok(me, 'GET', `/search/users?q=mo&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items).toHaveLength(1);
      seen.push(page.items[0].alias as string);
      cursor = page.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(['mo_a', 'mo_c', 'mo_e']);
    // The blocked side does not find me either.
    expect(await api.people(tokens.mo_b ?? '', 'viewer')).toEqual([]);
    expect(await api.people(tokens.mo_d ?? '', 'val')).toEqual([]);
  });

  it("shows the viewer's follow and mute of each account, and none on the viewer's own profile", async () => {
    const t = await apps.start();
    const api = client(t);
    const me = await t.register('viewer', named('Vic', 'Viewer'));
    for (const a of ['sa_follow', 'sa_mute', 'sa_both', 'sa_none'])
      await api.ok(await t.register(a, named('Sam', a)), 'PATCH', '/me', { bio: `bio of ${a}` });
    await api.ok(me, 'PUT', '/me/followees/sa_follow');
    await api.ok(me, 'PUT', '/me/followees/sa_both');
    await api.ok(me, 'PUT', '/me/mutes/sa_mute');
    await api.ok(me, 'PUT', '/me/mutes/sa_both');
    await t.drain();
    const page = await api.ok(me, 'GET', '/search/users?q=sa');
    const flags = Object.fromEntries(
      (page.items as { alias: string; followedByMe: boolean; mutedByMe: boolean; bio: string }[]).map((p) => [
        p.alias,
        [p.followedByMe, p.mutedByMe, p.bio],
      ]),
    );
    expect(flags).toEqual({
      sa_both: [true, true, 'bio of sa_both'],
      sa_follow: [true, false, 'bio of sa_follow'],
      sa_mute: [false, true, 'bio of sa_mute'],
      sa_none: [false, false, 'bio of sa_none'],
    });
    const own = await api.ok(me, 'GET', '/search/users?q=viewer');
    expect(own.items).toEqual([
      {
        alias: 'viewer',
        firstName: 'Vic',
        lastName: 'Viewer',
        imageUrl: null,
        bio: '',
        followerCount: 0,
        followeeCount: 2,
        followedByMe: false,
        blockedByMe: false,
        mutedByMe: false,
        blocksMe: false,
      },
    ]);
  });

  it('follows profile edits and leaves with a deleted account', async () => {
    const t = await apps.start();
    const api = client(t);
    const me = await t.register('viewer', named('Val', 'Viewer'));
    const ann = await t.register('ann', named('Annabel', 'Lee'));
    await t.drain();
    expect(await api.people(me, 'lee')).toEqual(['ann']);
    await api.ok(ann, 'PATCH', '/me', { lastName: 'Poe' });
    await t.drain();
    expect(await api.people(me, 'lee')).toEqual([]);
    expect(await api.people(me, 'poe')).toEqual(['ann']);
    await api.ok(ann, 'DELETE', '/me', { password: 'correct horse' });
    // Gone at once (the account's record is gone), and from the index once the job ran.
    expect(await api.people(me, 'annabel')).toEqual([]);
    await t.drain();
    expect(await api.people(me, 'ann')).toEqual([]);
  });

  it('answers 400 to a missing, empty or over-long q, and treats query syntax as words', async () => {
    const t = await apps.start();
    const api = client(t);
    const me = await t.register('viewer', named('Val', 'Viewer'));
    await t.register('star_one', named('Star', 'Gazer'));
    await t.drain();
    for (const url of [
      '/search/users',
      '/search/users?q=',
      '/search/users?q=%20%20',
      `/search/users?q=${'a'.repeat(201)}`,
    ]) {
      const res = await api.call(me, 'GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation_failed' } });
    }
    expect((await api.call(me, 'GET', `/search/users?q=${'a'.repeat(200)}`)).statusCode).toBe(200);
    // FTS5 / LIKE / regex syntax is never interpreted: * and quotes are separators, NEAR and OR are words to match.
    for (const q of [
      '*',
      '"',
      "'",
      'st*',
      '"star"',
      'star OR x',
      'NEAR(star gazer)',
      'star%',
      'st_r',
      '\\',
      '^star',
      '(',
      '-star',
      'star:gazer',
    ]) {
      const res = await api.call(me, 'GET', `/search/users?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
    }
    expect(await api.people(me, '"star"')).toEqual(['star_one']);
    expect(await api.people(me, 'star*')).toEqual(['star_one']);
    expect(await api.people(me, 'star OR x')).toEqual([]);
    expect(await api.people(me, 'st_r')).toEqual([]);
    expect(await api.people(me, '*')).toEqual([]);
  });
});

describe('GET /me/suggestions', () => {
  it('ranks those followed by most of my followees; never me, my followees, blocked or muted', async () => {
    const t = await apps.start();
    const api = client(t);
    const tok: Record<string, string> = {};
    for (const a of ['me_', 'faa', 'fbb', 'fcc', 'xxx', 'yyy', 'zzz', 'mute_me', 'blk', 'blocks_me']) {
      tok[a] = await t.register(a, named('N', a));
    }
    const token = (a: string) => tok[a] ?? '';
    const follow = (a: string, b: string) => api.ok(token(a), 'PUT', `/me/followees/${b}`);
    for (const f of ['faa', 'fbb', 'fcc']) await follow('me_', f);
    // xxx is followed by three of my followees, yyy by two, zzz by one.
    for (const f of ['faa', 'fbb', 'fcc']) await follow(f, 'xxx');
    for (const f of ['faa', 'fbb']) await follow(f, 'yyy');
    await follow('faa', 'zzz');
    for (const f of ['faa', 'fbb', 'fcc']) {
      await follow(f, 'mute_me');
      await follow(f, 'blk');
      await follow(f, 'blocks_me');
      await follow(f, 'me_');
    }
    await follow('faa', 'fbb'); // one I already follow
    await api.ok(token('me_'), 'PUT', '/me/mutes/mute_me');
    await api.ok(token('me_'), 'PUT', '/me/blocks/blk');
    await api.ok(token('blocks_me'), 'PUT', '/me/blocks/me_');
    await t.drain();
    const list = await api.suggestions(token('me_'));
    expect(list.slice(0, 3)).toEqual(['xxx', 'yyy', 'zzz']);
    for (const never of ['me_', 'faa', 'fbb', 'fcc', 'mute_me', 'blk', 'blocks_me']) expect(list).not.toContain(never);
  });

  it('gives a new account with an empty feed active accounts followed by many', async () => {
    const t = await apps.start();
    const api = client(t);
    const star = await t.register('star', named('Star', 'Power'));
    const quiet = await t.register('quiet', named('Quiet', 'One'));
    const fans: string[] = [];
    for (let i = 0; i < 10; i++) fans.push(await t.register(`fan${i}`, named('Fan', `${i}`)));
    for (const fan of fans) {
      await api.ok(fan, 'PUT', '/me/followees/star');
      await api.ok(fan, 'PUT', '/me/followees/quiet');
    }
    await api.ok(star, 'POST', '/statuses', { post: 'hello, new people' });
    await t.drain();
    const newbie = await t.register('newbie', named('New', 'Bie'));
    const list = await api.suggestions(newbie);
    // star posted lately; quiet, followed as much, never posted: not active.
    expect(list).toContain('star');
    expect(list).not.toContain('quiet');
    expect(list).not.toContain('newbie');
    expect(quiet).toBeTruthy();
  });

  it('pages with the common cursor rules and refuses a foreign cursor', async () => {
    const t = await apps.start();
    const api = client(t);
    const me = await t.register('viewer', named('Val', 'Viewer'));
    expect(await api.ok(me, 'GET', '/me/suggestions')).toEqual({ items: [], nextCursor: null });
    expect((await api.call(me, 'GET', '/me/suggestions?cursor=nope')).statusCode).toBe(400);
    expect((await api.call(me, 'GET', '/me/suggestions?limit=0')).statusCode).toBe(400);
  });
});
