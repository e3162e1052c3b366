import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '@tweeter/server/test-support';
import { createApi, errorMessage, isTransient, TweeterApiError } from '../src/api/client.js';
import { failure, PostingFlow, signIn } from '../src/logic/flows.js';
import { SessionStore } from '../src/logic/session.js';
import { memoryStorages, RecordingNotifier } from './support.js';

// The app's API layer (on @tweeter/client) against a real server: what a refused token, a body that breaks the
// contract and a lost connection look like to the screens.
describe('the app API layer against a real server', () => {
  const server = useTestApp();
  let base: string;

  beforeAll(async () => {
    base = await server.listen();
    await server.register('api_ada', { firstName: 'Ada', lastName: 'Lovelace', password: 'correct horse' });
  });

  function client(fetchVia?: (request: Request) => Promise<Response>) {
    const session = new SessionStore(memoryStorages());
    const notify = new RecordingNotifier();
    let refused = 0;
    const api = createApi({
      baseUrl: base,
      getToken: session.token,
      fetch: fetchVia,
      onUnauthenticated: () => {
        refused++;
        session.signOut();
      },
    });
    return { session, notify, api, refused: () => refused };
  }

  it('returns results parsed by the shared schemas, with the session token', async () => {
    const c = client();
    expect(await signIn(c, 'api_ada', 'correct horse', false)).toMatchObject({ ok: true });
    const me = await c.api.me();
    expect(me).toMatchObject({ alias: 'api_ada', firstName: 'Ada', followerCount: 0, followedByMe: false });
    const feed = await c.api.feed();
    expect(feed).toEqual({ items: [], nextCursor: null });
  });

  it('forgets the session when the server refuses its token, and says why', async () => {
    const c = client();
    await signIn(c, 'api_ada', 'correct horse', false);
    // Revoked elsewhere (another tab logging out, an expiry): the next call is refused.
    const other = client();
    other.session.signIn(c.session.get()!, false);
    await other.api.logout();
    const err = await c.api.feed().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TweeterApiError);
    expect(err).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(c.refused()).toBe(1);
    expect(c.session.get()).toBeNull();
    expect(isTransient(err)).toBe(false);
    // A wrong password is not a lost session: nothing is signed out for it.
    const d = client();
    expect(await signIn(d, 'api_ada', 'not the password', false)).toMatchObject({ ok: false });
    expect(d.notify.texts()).toEqual(['Failed to log user in because of exception: alias or password is wrong']);
    expect(d.refused()).toBe(0);
  });

  it('turns a body that breaks the contract into a clear error, never a crash', async () => {
    // A proxy (or a server of another version) that answers a status without its author.
    const drifted = async (request: Request) => {
      const response = await fetch(request);
      if (request.method !== 'GET' || !new URL(request.url).pathname.startsWith('/api/v1/statuses/')) return response;
      const { author: _author, ...rest } = (await response.json()) as Record<string, unknown>;
      return Response.json(rest, { status: response.status, headers: response.headers });
    };
    const c = client(drifted);
    await signIn(c, 'api_ada', 'correct horse', false);
    const posted = await new PostingFlow(c).post('a status to read back');
    expect(posted.ok).toBe(true);
    const id = posted.ok ? posted.value.id : '';
    const err = await c.api.status(id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TweeterApiError);
    expect(err).toMatchObject({ status: 200, code: 'bad_response' });
    expect(failure('load the status', err)).toMatch(
      /^Failed to load the status because of exception: unexpected response from the server to getStatus: author: /,
    );
    expect(isTransient(err)).toBe(false);
    expect(c.session.get()).not.toBeNull();
  });

  it('explains a server that cannot be reached', async () => {
    const c = client(() => Promise.reject(new TypeError('fetch failed')));
    c.session.signIn(
      {
        token: 't',
        user: { alias: 'x', firstName: 'X', lastName: 'Y', imageUrl: null },
        expiresAt: '2999-01-01T00:00:00.000Z',
      },
      false,
    );
    const err = await c.api.feed().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: 'network' });
    expect(errorMessage(err)).toBe('could not reach the server (fetch failed)');
    expect(isTransient(err)).toBe(true);
    expect(c.session.get()).not.toBeNull();
  });
});
