import { describe, expect, it } from 'vitest';
import { createApi } from '../src/api/client.js';
import { logOut, PostingFlow, register, setFollowing, signIn } from '../src/logic/flows.js';
import { SessionStore } from '../src/logic/session.js';
import { ADA, fakeFetch, memoryStorages, RecordingNotifier, status } from './support.js';

const AUTH = { user: ADA, token: 'tok', expiresAt: '2999-01-01T00:00:00.000Z' };
const PROFILE = {
  ...ADA,
  bio: '',
  followerCount: 1,
  followeeCount: 0,
  followedByMe: true,
  blockedByMe: false,
  mutedByMe: false,
  blocksMe: false,
};

function setup(handler: Parameters<typeof fakeFetch>[0]) {
  const net = fakeFetch(handler);
  const session = new SessionStore(memoryStorages());
  const notify = new RecordingNotifier();
  const api = createApi({
    baseUrl: 'http://tweeter.test',
    getToken: session.token,
    fetch: net.fetch,
    onUnauthenticated: () => session.signOut(),
  });
  return { net, session, notify, api };
}

describe('posting flow', () => {
  it('says "Posting status..." then "Status posted!", posting the trimmed text', async () => {
    const t = setup(() => ({ status: 201, body: status('01', 'hello') }));
    const result = await new PostingFlow(t).post('  hello  ');
    expect(result).toMatchObject({ ok: true, value: { id: '01' } });
    expect(t.notify.texts()).toEqual(['Posting status...', 'Status posted!']);
    expect(t.notify.dismissed).toEqual([1]); // the "Posting" toast goes when the answer comes
    expect(t.net.calls).toMatchObject([{ method: 'POST', path: '/api/v1/statuses', body: { post: 'hello' } }]);
  });

  it('shows the server message on failure, and retries the same text with the same idempotency key', async () => {
    let n = 0;
    const t = setup(() =>
      ++n === 1
        ? { status: 503, body: { error: { code: 'unavailable', message: 'server is shutting down' } } }
        : { status: 201, body: status('01', 'hello') },
    );
    let key = 0;
    const flow = new PostingFlow({ ...t, newKey: () => `k${++key}` });
    expect(await flow.post('hello')).toEqual({
      ok: false,
      message: 'Failed to post the status because of exception: server is shutting down',
    });
    expect(t.notify.shown.at(-1)).toEqual({
      kind: 'error',
      text: 'Failed to post the status because of exception: server is shutting down',
    });
    await flow.post('hello');
    await flow.post('another');
    const keys = t.net.calls.map((c) => c.headers['idempotency-key']);
    expect(keys).toEqual(['k1', 'k1', 'k2']);
  });

  it('explains an unreachable server', async () => {
    const t = setup(() => ({ status: 200 }));
    const api = createApi({
      baseUrl: 'http://tweeter.test',
      getToken: () => 'tok',
      fetch: async () => Promise.reject(new TypeError('fetch failed')),
    });
    const result = await new PostingFlow({ api, notify: t.notify }).post('hello');
    expect(result).toEqual({
      ok: false,
      message: 'Failed to post the status because of exception: could not reach the server (fetch failed)',
    });
  });
});

describe('sign in, log out, follow', () => {
  it('signs in and keeps the session; a wrong password shows the server message', async () => {
    const t = setup((_m, _p, body) =>
      (body as { password: string }).password === 'right'
        ? { status: 201, body: AUTH }
        : { status: 401, body: { error: { code: 'unauthenticated', message: 'wrong alias or password' } } },
    );
    expect(await signIn(t, 'ada', 'wrong', false)).toMatchObject({ ok: false });
    expect(t.notify.texts()).toEqual(['Failed to log user in because of exception: wrong alias or password']);
    expect(t.session.get()).toBeNull();
    expect(await signIn(t, ' ada ', 'right', true)).toMatchObject({ ok: true });
    expect(t.session.get()?.token).toBe('tok');
    expect(t.net.calls.at(-1)?.body).toEqual({ alias: 'ada', password: 'right' });
  });

  it('registers with trimmed names; a taken alias shows the server message', async () => {
    let taken = true;
    const t = setup(() =>
      taken
        ? { status: 409, body: { error: { code: 'alias_taken', message: 'alias "ada" is taken' } } }
        : { status: 201, body: AUTH },
    );
    const fields = { alias: ' ada ', firstName: ' Ada ', lastName: 'Lovelace ', password: 'correct horse' };
    expect(await register(t, fields, false)).toMatchObject({ ok: false });
    expect(t.notify.texts()).toEqual(['Failed to register user because of exception: alias "ada" is taken']);
    taken = false;
    expect(await register(t, fields, false)).toMatchObject({ ok: true });
    expect(t.session.get()?.user.alias).toBe('ada');
    expect(t.net.calls.at(-1)?.body).toEqual({
      alias: 'ada',
      firstName: 'Ada',
      lastName: 'Lovelace',
      password: 'correct horse',
    });
  });

  it('logs out with "Logging Out...", and forgets the session even when the server cannot be told', async () => {
    const t = setup(() => ({ status: 500, body: { error: { code: 'internal', message: 'boom (request 1)' } } }));
    t.session.signIn(AUTH, true);
    const result = await logOut(t);
    expect(t.notify.texts()).toEqual([
      'Logging Out...',
      'Failed to log user out because of exception: boom (request 1)',
    ]);
    expect(result.ok).toBe(false);
    expect(t.session.get()).toBeNull();
    expect(t.net.calls[0]).toMatchObject({
      method: 'DELETE',
      path: '/api/v1/sessions/current',
      headers: { authorization: 'Bearer tok' },
    });
  });

  it('follows and unfollows with the course toasts', async () => {
    const t = setup((method) => ({ status: 200, body: { ...PROFILE, followedByMe: method === 'PUT' } }));
    t.session.signIn(AUTH, false);
    const user = { ...PROFILE, followedByMe: false };
    expect(await setFollowing(t, user, true)).toMatchObject({ ok: true, value: { followedByMe: true } });
    expect(await setFollowing(t, user, false)).toMatchObject({ ok: true, value: { followedByMe: false } });
    expect(t.notify.texts()).toEqual(['Following Ada Lovelace...', 'Unfollowing Ada Lovelace...']);
    expect(t.net.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'PUT /api/v1/me/followees/ada',
      'DELETE /api/v1/me/followees/ada',
    ]);
  });

  it('forgets a session the server no longer accepts', async () => {
    const t = setup(() => ({ status: 401, body: { error: { code: 'unauthenticated', message: 'token expired' } } }));
    t.session.signIn(AUTH, true);
    await expect(t.api.feed()).rejects.toThrow('token expired');
    expect(t.session.get()).toBeNull();
  });

  it('rejects a response that does not match the contract', async () => {
    const t = setup(() => ({ status: 200, body: { items: [{ id: 1 }], nextCursor: null } }));
    await expect(t.api.feed()).rejects.toMatchObject({ code: 'bad_response' });
  });
});
