import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conformanceChecker,
  PNG_1PX,
  useTestApp,
  type ConformanceChecker,
  type OpenApiDoc,
} from '@tweeter/server/test-support';
import { createTweeterClient, TweeterApiError, type TweeterClient } from '../src/index.js';

const t = useTestApp();
let baseUrl: string;
let checker: ConformanceChecker;
beforeAll(async () => {
  baseUrl = await t.listen();
  checker = conformanceChecker((await t.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApiDoc>());
});
afterAll(() => checker.flush());

/** A fetch whose every answer is also checked against the OpenAPI document, as the API tests' answers are. */
function checked(inner: (request: Request) => Promise<Response> = (request) => fetch(request)) {
  return async (request: Request): Promise<Response> => {
    const response = await inner(request);
    const copy = response.clone();
    checker.check(request.method, new URL(request.url).pathname, {
      statusCode: copy.status,
      headers: Object.fromEntries(copy.headers),
      body: await copy.text(),
    });
    return response;
  };
}

/** A client signed in as a newly registered `alias`. */
async function signedIn(alias: string, options: { fetch?: (r: Request) => Promise<Response> } = {}) {
  const client = createTweeterClient({ baseUrl, fetch: checked(options.fetch) });
  const auth = await client.call('registerUser', {
    body: { alias, firstName: 'First', lastName: 'Last', password: 'correct horse' },
  });
  client.setToken(auth.token);
  return client;
}

describe('@tweeter/client against the real server', () => {
  it('registers, signs in with the token and reads typed results', async () => {
    const ada = await signedIn('cl_ada');
    const me = await ada.call('getMe');
    expect(me).toMatchObject({ alias: 'cl_ada', followerCount: 0, followedByMe: false });
    const status = await ada.call('postStatus', { body: { post: 'hello @cl_bob https://example.com' } });
    expect(status.segments.map((s) => s.type)).toEqual(['text', 'mention', 'text', 'url']);
    expect(await ada.call('getStatus', { params: { path: { id: status.id } } })).toMatchObject({ id: status.id });
    expect(await ada.call('deleteStatus', { params: { path: { id: status.id } } })).toBeUndefined();
  });

  it('throws one error class with the status, the code, the details and the request id', async () => {
    const anonymous = createTweeterClient({ baseUrl, fetch: checked() });
    const unauthenticated = await anonymous.call('getMe').catch((err: unknown) => err);
    expect(unauthenticated).toBeInstanceOf(TweeterApiError);
    expect(unauthenticated).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect((unauthenticated as TweeterApiError).requestId).toMatch(/^[0-9A-Z]{26}$/);

    const ada = await signedIn('cl_err');
    const invalid = await ada.call('postStatus', { body: { post: '' } }).catch((err: unknown) => err);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed', details: [{ path: 'body.post' }] });
    const missing = await ada
      .call('getUser', { params: { path: { alias: 'nobody_here' } } })
      .catch((err: unknown) => err);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const taken = await anonymous
      .call('registerUser', { body: { alias: 'CL_ERR', firstName: 'A', lastName: 'B', password: 'password1' } })
      .catch((err: unknown) => err);
    expect(taken).toMatchObject({ status: 409, code: 'alias_taken' });
  });

  it('walks every page of a list with an async iterator, without repeats or gaps', async () => {
    const star = await signedIn('cl_star');
    const fans: TweeterClient[] = [];
    for (let i = 0; i < 7; i++) fans.push(await signedIn(`cl_fan_${i}`));
    for (const fan of fans) await fan.call('followUser', { params: { path: { alias: 'cl_star' } } });

    const pages = [];
    for await (const page of star.pages('listFollowers', {
      params: { path: { alias: 'cl_star' }, query: { limit: 3 } },
    })) {
      pages.push(page.items.map((u) => u.alias));
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const aliases: string[] = [];
    for await (const user of star.items('listFollowers', {
      params: { path: { alias: 'cl_star' }, query: { limit: 2 } },
    })) {
      aliases.push(user.alias);
    }
    expect(aliases).toEqual(pages.flat());
    expect(aliases.sort()).toEqual(fans.map((_, i) => `cl_fan_${i}`).sort());
  });

  it('retries a post lost on the way back with the same Idempotency-Key: one status, not two', async () => {
    let dropped = 0;
    const keys: (string | null)[] = [];
    // The server handles the first attempt, then the "network" loses the answer.
    const flaky = async (request: Request) => {
      if (request.method === 'POST' && new URL(request.url).pathname === '/api/v1/statuses') {
        keys.push(request.headers.get('idempotency-key'));
        const response = await fetch(request.clone());
        if (dropped++ === 0) throw new TypeError('fetch failed: connection reset');
        return response;
      }
      return fetch(request);
    };
    const ada = await signedIn('cl_retry', { fetch: flaky });
    const status = await ada.call('postStatus', { body: { post: 'posted exactly once' } });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    const story = await ada.call('getStory', { params: { path: { alias: 'cl_retry' } } });
    expect(story.items.map((s) => s.id)).toEqual([status.id]);

    // A caller's own key is used as it is.
    const again = await ada.call('postStatus', {
      body: { post: 'mine' },
      params: { header: { 'idempotency-key': 'my-key-1' } },
    });
    expect(keys.at(-1)).toBe('my-key-1');
    expect(
      await ada.call('postStatus', { body: { post: 'mine' }, params: { header: { 'idempotency-key': 'my-key-1' } } }),
    ).toEqual(again);
  });

  it('uploads an avatar as raw bytes', async () => {
    const ada = await signedIn('cl_avatar');
    const user = await ada.putAvatar(PNG_1PX, 'image/png');
    // Re-encoded by the server's upload pipeline.
    expect(user.imageUrl).toMatch(/^\/media\/avatars\/cl_avatar-.+\.(jpg|webp)$/);
    const image = await fetch(`${baseUrl}${user.imageUrl}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\/(jpeg|webp)$/);
    const wrong = await ada.putAvatar(new Uint8Array([1, 2, 3]), 'image/png').catch((err: unknown) => err);
    expect(wrong).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('uploads an image with alt text and posts a status carrying it', async () => {
    const ada = await signedIn('cl_media');
    const media = await ada.uploadMedia(PNG_1PX, 'image/png', 'one pixel');
    expect(media).toMatchObject({ type: 'image', width: 1, height: 1, alt: 'one pixel' });
    const status = await ada.call('postStatus', { body: { post: 'with a picture', mediaIds: [media.id] } });
    expect(status.media).toEqual([media]);
  });

  it('leaves the token off public operations, and reports a refused token to onUnauthenticated', async () => {
    const refused: TweeterApiError[] = [];
    const sent: string[] = [];
    const recording = (request: Request) => {
      sent.push(`${new URL(request.url).pathname} ${request.headers.has('authorization') ? 'token' : 'none'}`);
      return fetch(request);
    };
    const ada = createTweeterClient({ baseUrl, fetch: checked(recording), onUnauthenticated: (e) => refused.push(e) });
    const auth = await ada.call('registerUser', {
      body: { alias: 'cl_hook', firstName: 'A', lastName: 'B', password: 'correct horse' },
    });
    let token: string | null = auth.token;
    ada.setToken(() => token);
    expect(await ada.call('getMe')).toMatchObject({ alias: 'cl_hook' });
    // A wrong password is a 401 too, but of a public operation: no sign-out for it.
    const wrong = await ada
      .call('createSession', { body: { alias: 'cl_hook', password: 'wrong password' } })
      .catch((err: unknown) => err);
    expect(wrong).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(refused).toEqual([]);
    await ada.call('deleteCurrentSession');
    const revoked = await ada.call('getMe').catch((err: unknown) => err);
    expect(revoked).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(refused).toEqual([revoked]);
    // Without a token there is nothing to refuse.
    token = null;
    await ada.call('getMe').catch(() => undefined);
    expect(refused).toHaveLength(1);
    expect(sent).toEqual([
      '/api/v1/users none',
      '/api/v1/me token',
      '/api/v1/sessions none',
      '/api/v1/sessions/current token',
      '/api/v1/me token',
      '/api/v1/me none',
    ]);
  });

  it('says "network" when no answer comes, after retrying only what may repeat', async () => {
    const closed = await listenOnce(() => undefined);
    await new Promise((resolve) => closed.server.close(resolve));
    const attempts: string[] = [];
    const client = createTweeterClient({
      baseUrl: closed.url,
      token: 'some-token',
      fetch: (request) => {
        attempts.push(request.method);
        return fetch(request);
      },
    });
    const read = await client.call('getMe').catch((err: unknown) => err);
    expect(read).toBeInstanceOf(TweeterApiError);
    expect(read).toMatchObject({ status: 0, code: 'network' });
    expect((read as Error).message).toMatch(/^could not reach the server \(.+\)$/);
    expect(attempts).toEqual(['GET', 'GET', 'GET']);
    attempts.length = 0;
    const create = await client
      .call('createBoard', { body: { name: 'once', visibility: 'public' } })
      .catch((err: unknown) => err);
    expect(create).toMatchObject({ status: 0, code: 'network' });
    expect(attempts).toEqual(['POST']);
  });

  it('says "bad_response" for an answer that is not JSON or that validate refuses, with its status', async () => {
    const html = await listenOnce((res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Not the API</title>');
    });
    try {
      const client = createTweeterClient({ baseUrl: html.url });
      const err = await client.call('getMeta').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TweeterApiError);
      expect(err).toMatchObject({
        status: 200,
        code: 'bad_response',
        message: 'the server answered 200 with something that is not JSON',
      });
    } finally {
      await new Promise((resolve) => html.server.close(resolve));
    }
    const strict = createTweeterClient({
      baseUrl,
      fetch: checked(),
      validate: (id, body) => {
        if (id === 'getMeta') throw new Error('streamUrl: expected a wss: URL');
        return body;
      },
    });
    expect(await strict.call('getHealth')).toBeDefined();
    const refused = await strict.call('getMeta').catch((e: unknown) => e);
    expect(refused).toMatchObject({
      status: 200,
      code: 'bad_response',
      message: 'unexpected response from the server to getMeta: streamUrl: expected a wss: URL',
    });
    expect((refused as TweeterApiError).requestId).toMatch(/^[0-9A-Z]{26}$/);
  });
});

/** A plain HTTP server on 127.0.0.1 answering every request with `answer` (a server that is not the API). */
async function listenOnce(answer: (res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
