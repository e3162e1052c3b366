import type { AuditEntry, Board, Member, Page } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { socialApi } from '../support/social.js';
import { useTestApp } from '../support/use-test-app.js';

const t = useTestApp({}, { per: 'test' });
const api = socialApi(t);

const UNKNOWN = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

async function users<A extends string>(...aliases: A[]): Promise<Record<A, string>> {
  const tokens = {} as Record<A, string>;
  for (const a of aliases) tokens[a] = await t.register(a);
  return tokens;
}

const listBoards = async (token: string, query = ''): Promise<Page<Board>> =>
  (await t.as(token, { method: 'GET', url: `/api/v1/boards${query}` })).json();
const members = async (token: string, id: string, query = ''): Promise<Page<Member>> =>
  (await t.as(token, { method: 'GET', url: `/api/v1/boards/${id}/members${query}` })).json();
const audit = (token: string, id: string, query = '') =>
  t.as(token, { method: 'GET', url: `/api/v1/boards/${id}/audit${query}` });
const patch = (token: string, id: string, payload: Record<string, unknown>) =>
  t.as(token, { method: 'PATCH', url: `/api/v1/boards/${id}`, payload });

describe('creating and reading boards', () => {
  it('the creator becomes the owner and only member', async () => {
    const { ann } = await users('ann');
    const res = await t.as(ann, {
      method: 'POST',
      url: '/api/v1/boards',
      payload: { name: '  Rust fans  ', visibility: 'private', retentionDays: 30 },
    });
    expect(res.statusCode).toBe(201);
    const board = res.json<Board>();
    expect(board).toEqual({
      id: expect.any(String),
      name: 'Rust fans',
      description: '',
      visibility: 'private',
      owner: { alias: 'ann', firstName: 'First', lastName: 'Last', imageUrl: null },
      memberCount: 1,
      myRole: 'owner',
      retentionDays: 30,
      createdAt: expect.any(String),
    });
    expect((await api.getBoard(ann, board.id)).json()).toEqual(board);
    expect((await members(ann, board.id)).items).toEqual([{ user: board.owner, role: 'owner' }]);
  });

  it.each([
    [{ name: '', visibility: 'public' }, 'body.name'],
    [{ name: 'x'.repeat(81), visibility: 'public' }, 'body.name'],
    [{ name: 'ok', description: 'd'.repeat(501), visibility: 'public' }, 'body.description'],
    [{ name: 'ok', visibility: 'secret' }, 'body.visibility'],
    [{ name: 'ok' }, 'body.visibility'],
    [{ name: 'ok', visibility: 'public', retentionDays: 0 }, 'body.retentionDays'],
    [{ name: 'ok', visibility: 'public', retentionDays: 3651 }, 'body.retentionDays'],
    [{ name: 'ok', visibility: 'public', retentionDays: 1.5 }, 'body.retentionDays'],
  ])('rejects %j with 400 at %s and writes nothing', async (payload, path) => {
    const { ann } = await users('ann');
    const res = await t.as(ann, { method: 'POST', url: '/api/v1/boards', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe(path);
    expect((await listBoards(ann)).items).toEqual([]);
  });

  it('counts code points: 80 emoji make a valid name, and 500 a valid description', async () => {
    const { ann } = await users('ann');
    const board = await api.createBoard(ann, { name: '🦀'.repeat(80), description: '🦀'.repeat(500) });
    expect(board.name).toBe('🦀'.repeat(80));
  });

  it('a private board is 403 to non-members and an unknown board 404 on every route', async () => {
    const { ann, bob } = await users('ann', 'bob');
    const secret = await api.createBoard(ann, { visibility: 'private' });
    const routes: [string, string][] = [
      ['GET', ''],
      ['GET', '/members'],
      ['GET', '/messages'],
      ['GET', '/audit'],
      ['POST', '/messages'],
      ['PATCH', ''],
      ['PUT', '/members/bob'],
      ['DELETE', '/members/bob'],
    ];
    for (const [method, suffix] of routes) {
      const payload =
        method === 'POST'
          ? { text: 'hi' }
          : method === 'PUT'
            ? { role: 'member' }
            : method === 'PATCH'
              ? {}
              : undefined;
      const known = await t.as(bob, { method: method as 'GET', url: `/api/v1/boards/${secret.id}${suffix}`, payload });
      expect(known.statusCode, `${method} ${suffix}`).toBe(403);
      expect(known.json().error.code).toBe('forbidden');
      const unknown = await t.as(bob, { method: method as 'GET', url: `/api/v1/boards/${UNKNOWN}${suffix}`, payload });
      expect(unknown.statusCode, `${method} ${suffix} unknown`).toBe(404);
    }
  });

  it('lists public boards and my private ones, newest first, across pages with no repeats', async () => {
    const { ann, bob } = await users('ann', 'bob');
    const expected: string[] = [];
    for (let i = 0; i < 7; i++) {
      const visibility = i % 3 === 0 ? 'private' : 'public';
      const owner = i % 2 === 0 ? ann : bob;
      const board = await api.createBoard(owner, { name: `b${i}`, visibility });
      if (visibility === 'public' || owner === bob) expected.unshift(board.id);
    }
    await api.createBoard(ann, { name: 'late', visibility: 'private' }).then(async (b) => {
      expect((await api.putMember(ann, b.id, 'bob')).statusCode).toBe(200);
      expected.unshift(b.id);
    });
    const seen: Board[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page = await listBoards(bob, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.map((b) => b.id)).toEqual(expected);
    expect(seen.find((b) => b.name === 'late')?.myRole).toBe('member');
    expect(seen.find((b) => b.name === 'b1')?.myRole).toBe('owner');
    expect(seen.find((b) => b.name === 'b2')?.myRole).toBeNull();
  });
});

describe('members', () => {
  it('anyone may join a public board, not a private one; memberCount stays exact', async () => {
    const { ann, bob, cat } = await users('ann', 'bob', 'cat');
    const open = await api.createBoard(ann);
    const closed = await api.createBoard(ann, { visibility: 'private' });
    const joined = await api.putMember(bob, open.id, '@BOB');
    expect(joined.statusCode).toBe(200);
    expect(joined.json()).toEqual({ user: expect.objectContaining({ alias: 'bob' }), role: 'member' });
    expect((await api.putMember(bob, open.id, 'bob')).statusCode).toBe(200); // idempotent
    expect((await api.putMember(cat, closed.id, 'cat')).statusCode).toBe(403);
    expect((await api.putMember(bob, open.id, 'bob', 'moderator')).statusCode).toBe(403);
    expect((await api.getBoard(cat, open.id)).json()).toMatchObject({ memberCount: 2, myRole: null });
    expect((await api.getBoard(bob, open.id)).json()).toMatchObject({ memberCount: 2, myRole: 'member' });
    expect((await api.removeMember(bob, open.id, 'bob')).statusCode).toBe(204);
    expect((await api.removeMember(bob, open.id, 'bob')).statusCode).toBe(204); // idempotent
    expect((await api.getBoard(ann, open.id)).json()).toMatchObject({ memberCount: 1 });
  });

  it('members cannot add or remove others; moderators can, but only the owner makes or removes moderators', async () => {
    const { ann, bob, cat, dan } = await users('ann', 'bob', 'cat', 'dan');
    const b = await api.createBoard(ann, { visibility: 'private' });
    expect((await api.putMember(ann, b.id, 'bob')).statusCode).toBe(200);
    expect((await api.putMember(bob, b.id, 'cat')).statusCode).toBe(403); // a member
    expect((await api.putMember(bob, b.id, 'bob', 'moderator')).statusCode).toBe(403);
    expect((await api.putMember(ann, b.id, 'bob', 'moderator')).json()).toMatchObject({ role: 'moderator' });
    expect((await api.putMember(bob, b.id, 'cat')).statusCode).toBe(200); // now a moderator
    expect((await api.putMember(bob, b.id, 'cat', 'moderator')).statusCode).toBe(403);
    expect((await api.putMember(bob, b.id, 'dan')).statusCode).toBe(200);
    expect((await api.removeMember(cat, b.id, 'dan')).statusCode).toBe(403); // a member
    expect((await api.removeMember(bob, b.id, 'dan')).statusCode).toBe(204);
    expect((await api.putMember(ann, b.id, 'cat', 'moderator')).statusCode).toBe(200);
    expect((await api.removeMember(bob, b.id, 'cat')).statusCode).toBe(403); // a moderator
    expect((await api.putMember(bob, b.id, 'cat', 'member')).statusCode).toBe(403); // unmaking one
    expect((await api.putMember(ann, b.id, 'cat', 'member')).json()).toMatchObject({ role: 'member' });
    expect((await api.removeMember(bob, b.id, 'cat')).statusCode).toBe(204);
    expect((await api.getBoard(dan, b.id)).statusCode).toBe(403); // removed from a private board
    expect((await api.getBoard(ann, b.id)).json()).toMatchObject({ memberCount: 2 });
  });

  it('the owner cannot leave, be removed or change role: 409', async () => {
    const { ann, bob } = await users('ann', 'bob');
    const b = await api.createBoard(ann);
    await api.putMember(ann, b.id, 'bob', 'moderator');
    for (const res of [
      await api.removeMember(ann, b.id, 'ann'),
      await api.removeMember(bob, b.id, 'ann'),
      await api.putMember(ann, b.id, 'ann', 'member'),
    ]) {
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('conflict');
    }
    expect((await api.getBoard(ann, b.id)).json()).toMatchObject({ memberCount: 2, myRole: 'owner' });
  });

  it('unknown users are 404, bad roles 400, and members are listed by alias across pages', async () => {
    const { ann } = await users('ann', 'zoe', 'bob', 'kim', 'eve');
    const b = await api.createBoard(ann);
    expect((await api.putMember(ann, b.id, 'nobody')).statusCode).toBe(404);
    expect((await api.removeMember(ann, b.id, 'nobody')).statusCode).toBe(404);
    expect((await api.putMember(ann, b.id, 'bob', 'owner')).statusCode).toBe(400);
    for (const a of ['zoe', 'bob', 'kim', 'eve']) await api.putMember(ann, b.id, a);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await members(ann, b.id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((m) => `${m.user.alias}:${m.role}`));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['ann:owner', 'bob:member', 'eve:member', 'kim:member', 'zoe:member']);
  });
});

describe('changing a board and its audit log', () => {
  it('only the owner may PATCH; fields left out stay', async () => {
    const { ann, bob } = await users('ann', 'bob');
    const b = await api.createBoard(ann, { name: 'old', description: 'about' });
    await api.putMember(ann, b.id, 'bob', 'moderator');
    expect((await patch(bob, b.id, { name: 'mine' })).statusCode).toBe(403);
    expect((await patch(ann, b.id, { name: 'x'.repeat(81) })).statusCode).toBe(400);
    const res = await patch(ann, b.id, { name: 'new', retentionDays: 7 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'new', description: 'about', retentionDays: 7, myRole: 'owner' });
    expect((await patch(ann, b.id, { retentionDays: null })).json()).toMatchObject({ retentionDays: null });
  });

  it('records moderation by others, newest first, readable by the owner only', async () => {
    const { ann, bob, cat } = await users('ann', 'bob', 'cat', 'dan');
    const b = await api.createBoard(ann);
    await api.putMember(bob, b.id, 'bob'); // joining oneself: not audited
    await api.putMember(ann, b.id, 'bob', 'moderator');
    await api.putMember(bob, b.id, 'dan');
    await api.putMember(cat, b.id, 'cat');
    const msg = await api.postOk(cat, b.id, 'spam');
    await api.deleteMessage(bob, b.id, msg.id);
    await api.removeMember(bob, b.id, 'dan');
    await api.removeMember(cat, b.id, 'cat'); // leaving: not audited
    await patch(ann, b.id, { retentionDays: 30 });
    await patch(ann, b.id, { retentionDays: 30, name: 'renamed' }); // retention unchanged: not audited

    expect((await audit(bob, b.id)).statusCode).toBe(403); // a moderator
    expect((await audit(cat, b.id)).statusCode).toBe(403);
    const entries: AuditEntry[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await audit(ann, b.id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json<Page<AuditEntry>>();
      entries.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(entries.map((e) => [e.actor.alias, e.action, e.target, e.detail])).toEqual([
      ['ann', 'board.retention', b.id, { from: null, to: 30 }],
      ['bob', 'member.remove', 'dan', { role: 'member' }],
      ['bob', 'message.delete', msg.id, { author: 'cat' }],
      ['bob', 'member.add', 'dan', { role: 'member' }],
      ['ann', 'member.role', 'bob', { from: 'member', to: 'moderator' }],
    ]);
    expect(new Date(entries[0]?.createdAt ?? '').getTime()).toBeGreaterThan(0);
  });
});
