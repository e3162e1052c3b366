import type { ServerFrame } from '@tweeter/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/tokens.js';
import { socialApi } from '../support/social.js';
import type { TestApp } from '../support/test-app.js';
import { TestStreamClient } from '../support/ws-client.js';

/** One running transport of the Realtime port, with the app whose writes produce the events. */
export interface RealtimeTransport {
  t: TestApp;
  /** Where stream clients connect. */
  streamUrl: string;
  /** Errors the transport's handlers threw (the suite expects none). */
  errors(): unknown[];
  close(): Promise<void>;
}

export interface RealtimeContractOptions {
  name: string;
  /** Starts the transport over an app configured with `env` (added to the test settings). */
  create(env: Record<string, string>): Promise<RealtimeTransport>;
  /** False where the transport closes without the stream's close codes (API Gateway's DeleteConnection). */
  closeCodes: boolean;
  /** Case name → why this transport cannot pass it. */
  skip?: Partial<Record<string, string>>;
}

// Long deadlines: no case should meet the sign-in timer or the periodic session sweep by accident.
const ENV = { WS_AUTH_TIMEOUT_MS: '60000', WS_SESSION_CHECK_MS: '3600000', WS_MAX_SUBSCRIPTIONS: '2' };

/**
 * The Realtime contract: what a client of the stream sees, whichever transport carries it (the `ws` server in
 * process, API Gateway's WebSocket API through the Lambda handlers). Every transport's test calls this.
 */
export function runRealtimeContract(options: RealtimeContractOptions): void {
  const skip = options.skip ?? {};
  let transport: RealtimeTransport;
  let clients: TestStreamClient[] = [];
  let users = 0;

  describe(`Realtime contract: ${options.name}`, () => {
    beforeAll(async () => {
      transport = await options.create(ENV);
    });
    afterAll(async () => {
      for (const c of clients) c.ws.terminate();
      clients = [];
      await transport?.close();
    });

    function testCase(name: string, fn: () => Promise<void>): void {
      const reason = skip[name];
      const run = async () => {
        await fn();
        expect(transport.errors()).toEqual([]);
      };
      if (reason !== undefined) it.skip(`${name} (skipped: ${reason})`, run);
      else it(name, run, 30_000);
    }

    /** A fresh user: its alias and token. */
    async function user(): Promise<{ alias: string; token: string }> {
      const alias = `rt${++users}_${Math.random().toString(36).slice(2, 8)}`;
      return { alias, token: await transport.t.register(alias) };
    }

    async function connect(token?: string): Promise<TestStreamClient> {
      const c = await TestStreamClient.open(transport.streamUrl, token);
      clients.push(c);
      return c;
    }

    async function subscribe(c: TestStreamClient, channel: string): Promise<void> {
      expect(await c.request({ type: 'subscribe', channel })).toMatchObject({ type: 'ack', op: 'subscribe', channel });
    }

    async function follow(fan: string, star: string): Promise<void> {
      const res = await transport.t.as(fan, { method: 'PUT', url: `/api/v1/me/followees/${star}` });
      expect(res.statusCode).toBe(200);
    }

    async function post(token: string, text: string): Promise<string> {
      const res = await transport.t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
      expect(res.statusCode).toBe(201);
      return res.json<{ id: string }>().id;
    }

    /** Every job done and every push handed over, so what was sent has been sent. */
    async function settle(): Promise<void> {
      await transport.t.drain();
      await transport.t.ctx.realtime.flush();
    }

    const ids = (c: TestStreamClient, type: string) => c.events(type).map((e) => (e.data as { id: string }).id);
    const isError = (code: string) => (f: ServerFrame) => f.type === 'error' && f.code === code;

    testCase('signs in with a good ?token=, or with an auth frame after answering earlier frames', async () => {
      const { token } = await user();
      const byQuery = await connect(token);
      await subscribe(byQuery, 'feed');

      const byFrame = await connect();
      expect(await byFrame.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({
        type: 'error',
        code: 'unauthenticated',
      });
      expect(await byFrame.request({ type: 'auth', token })).toMatchObject({ type: 'ack', op: 'auth' });
      expect(await byFrame.request({ type: 'auth', token })).toMatchObject({
        type: 'error',
        code: 'validation_failed',
      });
      await subscribe(byFrame, 'feed');
    });

    testCase('refuses a bad token in an auth frame: unauthenticated, then closed', async () => {
      const c = await connect();
      c.send({ type: 'auth', token: 'not-a-token', id: 'a1' });
      expect(await c.waitFor(isError('unauthenticated'))).toMatchObject({ id: 'a1' });
      const closed = await c.closed;
      if (options.closeCodes) expect(closed).toEqual({ code: 4401, reason: 'unauthenticated' });
    });

    testCase('refuses a bad ?token= with an unauthenticated error and close 4401', async () => {
      const c = await connect('not-a-token');
      await c.waitFor(isError('unauthenticated'));
      expect(await c.closed).toEqual({ code: 4401, reason: 'unauthenticated' });
    });

    testCase('refuses the upgrade of a bad ?token= with HTTP 401', async () => {
      await expect(connect('not-a-token')).rejects.toThrow(/401/);
    });

    testCase('answers ping with an ack echoing its id, signed in or not', async () => {
      const anonymous = await connect();
      expect(await anonymous.request({ type: 'ping' })).toMatchObject({ type: 'ack', op: 'ping' });
      anonymous.send({ type: 'ping', id: 'p-1' });
      expect(await anonymous.waitFor((f) => f.type === 'ack' && f.id === 'p-1')).toEqual({
        type: 'ack',
        id: 'p-1',
        op: 'ping',
      });
      const signedIn = await connect((await user()).token);
      expect(await signedIn.request({ type: 'ping' })).toMatchObject({ type: 'ack', op: 'ping' });
    });

    testCase('answers malformed frames with an error and stays usable', async () => {
      const c = await connect((await user()).token);
      c.send('{not json');
      expect(await c.waitFor(isError('bad_json'))).not.toHaveProperty('id');
      expect(await c.request({ type: 'dance' })).toMatchObject({ type: 'error', code: 'validation_failed' });
      expect(await c.request({ type: 'subscribe', channel: 'boards' })).toMatchObject({
        type: 'error',
        code: 'validation_failed',
      });
      await subscribe(c, 'feed');
    });

    testCase('authorizes board channels: public to all, private to members only, unknown not found', async () => {
      const [owner, member, outsider] = [await user(), await user(), await user()];
      const api = socialApi(transport.t);
      const open = await api.createBoard(owner.token, { name: 'open', visibility: 'public' });
      const secret = await api.createBoard(owner.token, { name: 'secret', visibility: 'private' });
      await api.putMember(owner.token, secret.id, member.alias);

      const o = await connect(outsider.token);
      await subscribe(o, `board:${open.id}`);
      expect(await o.request({ type: 'subscribe', channel: `board:${secret.id}` })).toMatchObject({
        type: 'error',
        code: 'forbidden',
      });
      expect(await o.request({ type: 'subscribe', channel: 'board:01JF3W9V6Q2M8K5T1R7N4X0ABC' })).toMatchObject({
        type: 'error',
        code: 'not_found',
      });
      await subscribe(await connect(member.token), `board:${secret.id}`);
    });

    testCase('refuses subscriptions beyond the maximum until one is dropped', async () => {
      const { token } = await user();
      const api = socialApi(transport.t);
      const board = await api.createBoard(token, { name: 'many', visibility: 'public' });
      const c = await connect(token);
      await subscribe(c, 'feed');
      await subscribe(c, `board:${board.id}`);
      await subscribe(c, 'feed'); // twice is harmless, and no second subscription
      const third = await api.createBoard(token, { name: 'third', visibility: 'public' });
      expect(await c.request({ type: 'subscribe', channel: `board:${third.id}` })).toMatchObject({
        type: 'error',
        code: 'validation_failed',
      });
      expect(await c.request({ type: 'unsubscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
      await subscribe(c, `board:${third.id}`);
    });

    testCase('delivers an event to a subscribed connection and not to one that did not subscribe', async () => {
      const [star, listening, idle] = [await user(), await user(), await user()];
      await follow(listening.token, star.alias);
      await follow(idle.token, star.alias);
      const on = await connect(listening.token);
      await subscribe(on, 'feed');
      const off = await connect(idle.token);
      expect(await off.request({ type: 'ping' })).toMatchObject({ type: 'ack' }); // signed in, not subscribed

      const first = await post(star.token, 'first');
      await on.waitFor((f) => f.type === 'feed.status');
      expect(on.events('feed.status')[0]).toMatchObject({ channel: 'feed', data: { id: first, post: 'first' } });
      await settle();
      // Anything sent to `off` for the first post was sent before this ack: it would be in `off.frames` by now.
      await subscribe(off, 'feed');
      const second = await post(star.token, 'second');
      await off.waitFor((f) => f.type === 'feed.status');
      expect(ids(off, 'feed.status')).toEqual([second]);
    });

    testCase('stops delivering a channel once unsubscribed', async () => {
      const { token } = await user();
      const api = socialApi(transport.t);
      const [left, kept] = [
        await api.createBoard(token, { name: 'left', visibility: 'public' }),
        await api.createBoard(token, { name: 'kept', visibility: 'public' }),
      ];
      const c = await connect(token);
      await subscribe(c, `board:${left.id}`);
      await subscribe(c, `board:${kept.id}`);
      const before = await api.postOk(token, left.id, 'before');
      await c.waitFor((f) => f.type === 'message.created');
      expect(await c.request({ type: 'unsubscribe', channel: `board:${left.id}` })).toMatchObject({
        type: 'ack',
        op: 'unsubscribe',
        channel: `board:${left.id}`,
      });
      await api.postOk(token, left.id, 'after');
      await settle();
      const marker = await api.postOk(token, kept.id, 'marker');
      await c.waitFor((f) => f.type === 'message.created' && f.channel === `board:${kept.id}`);
      expect(ids(c, 'message.created')).toEqual([before.id, marker.id]);
    });

    testCase('refuses the next subscribe of a session signed out elsewhere: unauthenticated, then closed', async () => {
      const { token } = await user();
      const c = await connect(token);
      await subscribe(c, 'feed');
      await transport.t.ctx.store.sessions.delete(hashToken(token)); // as another process's sign-out would
      c.send({ type: 'subscribe', channel: 'feed', id: 'again' });
      expect(await c.waitFor(isError('unauthenticated'))).toMatchObject({ message: 'signed out: sign in again' });
      const closed = await c.closed;
      if (options.closeCodes) expect(closed).toEqual({ code: 4401, reason: 'signed out' });
      expect(c.frames.some((f) => f.type === 'ack' && f.id === 'again')).toBe(false);
    });

    testCase("closes the other sessions' connections when the password changes, and keeps this one", async () => {
      const { alias, token } = await user();
      const login = await transport.t.inject({
        method: 'POST',
        url: '/api/v1/sessions',
        payload: { alias, password: 'correct horse' },
      });
      const other = login.json<{ token: string }>().token;
      const [mine, theirs] = [await connect(token), await connect(other)];
      await subscribe(mine, 'feed');
      await subscribe(theirs, 'feed');
      const res = await transport.t.as(token, {
        method: 'PUT',
        url: '/api/v1/me/password',
        payload: { currentPassword: 'correct horse', newPassword: 'battery staple' },
      });
      expect(res.statusCode).toBe(204);
      expect(await theirs.waitFor(isError('unauthenticated'))).toMatchObject({ message: 'signed out: sign in again' });
      const closed = await theirs.closed;
      if (options.closeCodes) expect(closed).toEqual({ code: 4401, reason: 'signed out' });
      expect(await mine.request({ type: 'ping' })).toMatchObject({ type: 'ack', op: 'ping' });
      await settle();
    });

    testCase('revokes a private board from a removed member at once, naming the channel', async () => {
      const [owner, member] = [await user(), await user()];
      const api = socialApi(transport.t);
      const board = await api.createBoard(owner.token, { name: 'inner', visibility: 'private' });
      await api.putMember(owner.token, board.id, member.alias);
      const channel = `board:${board.id}`;
      const c = await connect(member.token);
      await subscribe(c, channel);
      await subscribe(c, 'feed');
      await api.postOk(owner.token, board.id, 'before');
      await c.waitFor((f) => f.type === 'message.created');

      await api.removeMember(owner.token, board.id, member.alias);
      const revoked = await c.waitFor(isError('forbidden'));
      expect(revoked).toMatchObject({ channel, message: expect.stringContaining(channel) });
      expect(revoked).not.toHaveProperty('id');
      await api.postOk(owner.token, board.id, 'after');
      await settle();
      // A later event on the member's own feed proves the pipe works and nothing of the board came first.
      const star = await user();
      await follow(member.token, star.alias);
      // The follow's backfill first (it copies statuses quietly): the marker must arrive by its own fan-out.
      await settle();
      await post(star.token, 'marker');
      await c.waitFor((f) => f.type === 'feed.status');
      expect(c.events('message.created')).toHaveLength(1);
      expect(await c.request({ type: 'subscribe', channel })).toMatchObject({ type: 'error', code: 'forbidden' });
    });
  });
}
