import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app.js';

// My own account: profile edits, password change, export (docs/api.md, "Accounts"). Runs on both shapes.
const t = useTestApp();
let n = 0;
const fresh = () => `me${++n}_${Math.random().toString(36).slice(2, 7)}`;

const patchMe = (token: string, payload: Record<string, unknown>) =>
  t.as(token, { method: 'PATCH', url: '/api/v1/me', payload });
const changePassword = (token: string, currentPassword: string, newPassword: string, ip = '10.1.0.1') =>
  t.as(token, {
    method: 'PUT',
    url: '/api/v1/me/password',
    payload: { currentPassword, newPassword },
    remoteAddress: ip,
  });
const login = (alias: string, password: string) =>
  t.inject({ method: 'POST', url: '/api/v1/sessions', payload: { alias, password } });

describe('PATCH /api/v1/me', () => {
  it('changes names and bio, and every Profile shows them', async () => {
    const alias = fresh();
    const token = await t.register(alias);
    expect((await t.as(token, { url: '/api/v1/me' })).json()).toMatchObject({ bio: '' });
    const res = await patchMe(token, { firstName: '  Ada ', bio: 'Engines, with @charles:\r\nhttps://example.com' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      alias,
      firstName: 'Ada',
      lastName: 'Last',
      bio: 'Engines, with @charles:\nhttps://example.com',
    });
    const other = await t.register(fresh());
    const seen = (await t.as(other, { url: `/api/v1/users/${alias}` })).json();
    expect(seen).toMatchObject({ firstName: 'Ada', bio: 'Engines, with @charles:\nhttps://example.com' });
    const followed = (await t.as(other, { method: 'PUT', url: `/api/v1/me/followees/${alias}` })).json();
    expect(followed).toMatchObject({ bio: 'Engines, with @charles:\nhttps://example.com', followedByMe: true });
  });

  it('counts the bio in code points: 160 emoji pass, 161 do not', async () => {
    const token = await t.register(fresh());
    expect((await patchMe(token, { bio: '🦆'.repeat(160) })).statusCode).toBe(200);
    const res = await patchMe(token, { bio: '🦆'.repeat(161) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: 'body.bio' });
    expect((await patchMe(token, { bio: '' })).json()).toMatchObject({ bio: '' });
  });

  it('refuses empty or long names and unknown fields with 400', async () => {
    const token = await t.register(fresh());
    for (const body of [{ firstName: '   ' }, { lastName: 'x'.repeat(51) }, { alias: 'other' }, { bio: 5 }]) {
      const res = await patchMe(token, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    expect((await t.inject({ method: 'PATCH', url: '/api/v1/me', payload: {} })).statusCode).toBe(401);
  });

  it('shows the new name on statuses at once (the author cache forgets the edit)', async () => {
    const token = await t.register(fresh());
    const posted = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'hello' } });
    const id = posted.json<{ id: string }>().id;
    expect((await t.as(token, { url: `/api/v1/statuses/${id}` })).json()).toMatchObject({
      author: { firstName: 'First' },
    });
    await patchMe(token, { firstName: 'Renamed' });
    expect((await t.as(token, { url: `/api/v1/statuses/${id}` })).json()).toMatchObject({
      author: { firstName: 'Renamed' },
    });
  });
});

describe('PUT /api/v1/me/password', () => {
  it('changes the password, ends every other session at once, keeps this one', async () => {
    const alias = fresh();
    const token = await t.register(alias);
    const other = login(alias, 'correct horse');
    const otherToken = (await other).json<{ token: string }>().token;
    // Both sessions used once, so both are in the session cache.
    expect((await t.as(otherToken, { url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await t.as(token, { url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await changePassword(token, 'correct horse', 'battery staple')).statusCode).toBe(204);
    expect((await t.as(otherToken, { url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await t.as(token, { url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await login(alias, 'correct horse')).statusCode).toBe(401);
    expect((await login(alias, 'battery staple')).statusCode).toBe(201);
  });

  it('answers a wrong current password with 403 wrong_password, counted by the login limit', async () => {
    const alias = fresh();
    const token = await t.register(alias);
    const limit = t.config.login.maxFailures;
    for (let i = 0; i < limit; i++) {
      const res = await changePassword(token, 'not it', 'battery staple', '10.2.0.1');
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('wrong_password');
    }
    const over = await changePassword(token, 'correct horse', 'battery staple', '10.2.0.1');
    expect(over.statusCode).toBe(429);
    // The same limit as sign-ins from that address: a sign-in from it is refused too.
    const signIn = await t.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { alias, password: 'correct horse' },
      remoteAddress: '10.2.0.1',
    });
    expect(signIn.statusCode).toBe(429);
  });

  it('answers a new password that fails the registration rules with 400 naming the rule', async () => {
    const token = await t.register(fresh());
    const res = await changePassword(token, 'correct horse', 'short');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({
      path: 'body.newPassword',
      message: 'must be 8 to 256 characters',
    });
    expect((await changePassword(token, '', 'battery staple')).statusCode).toBe(400);
  });
});

describe('GET /api/v1/me/export', () => {
  it('streams my profile, statuses, comments, reactions, follows and boards as one JSON attachment', async () => {
    const alias = fresh();
    const friend = fresh();
    const token = await t.register(alias);
    const friendToken = await t.register(friend);
    await patchMe(token, { bio: 'hi' });
    const ids: string[] = [];
    for (const post of ['one', 'two', 'three']) {
      const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post } });
      ids.push(res.json<{ id: string }>().id);
    }
    const friendPost = await t.as(friendToken, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'yo' } });
    const friendStatus = friendPost.json<{ id: string }>().id;
    await t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${friend}` });
    await t.as(friendToken, { method: 'PUT', url: `/api/v1/me/followees/${alias}` });
    await t.as(token, { method: 'POST', url: `/api/v1/statuses/${friendStatus}/comments`, payload: { text: 'nice' } });
    await t.as(token, { method: 'PUT', url: `/api/v1/statuses/${friendStatus}/reactions/like` });
    const board = await t.as(token, {
      method: 'POST',
      url: '/api/v1/boards',
      payload: { name: 'mine', visibility: 'public' },
    });
    const boardId = board.json<{ id: string }>().id;
    await t.drain();

    const res = await t.as(token, { url: '/api/v1/me/export' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="tweeter-${alias}-`));
    const doc = res.json();
    expect(doc).toMatchObject({
      format: 'tweeter-export/1',
      profile: { alias, bio: 'hi', followerCount: 1, followeeCount: 1 },
      // The comment is a reply: a status I wrote, listed with my statuses too.
      statuses: [{ post: 'nice' }, ...[...ids].reverse().map((id) => ({ id }))],
      comments: [{ statusId: friendStatus, text: 'nice', deleted: false }],
      reactions: [{ targetType: 'status', targetId: friendStatus, kind: 'like' }],
      followers: [friend],
      followees: [friend],
      boards: [{ id: boardId, name: 'mine', role: 'owner', owner: alias }],
    });
    expect(doc.statuses.map((s: { post: string }) => s.post)).toEqual(['nice', 'three', 'two', 'one']);
  });

  it('exports more statuses than one page, in order, and answers 401 without a token', async () => {
    const alias = fresh();
    const token = await t.register(alias);
    const now = Date.now();
    const records = Array.from({ length: 1203 }, (_, i) => ({
      id: `01${String(now + i).padStart(14, '0')}${String(i).padStart(10, '0')}`.slice(0, 26),
      author: alias,
      post: `status ${i}`,
      segments: [],
      createdAt: now + i,
    }));
    for (const status of records) await t.ctx.store.statuses.create(status, { audience: 0 });
    const doc = (await t.as(token, { url: '/api/v1/me/export' })).json<{ statuses: { post: string }[] }>();
    expect(doc.statuses).toHaveLength(1203);
    expect(doc.statuses[0]?.post).toBe('status 1202');
    expect(doc.statuses.at(-1)?.post).toBe('status 0');
    expect((await t.inject({ url: '/api/v1/me/export' })).statusCode).toBe(401);
  }, 60_000);
});
