import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/tokens.js';
import { createChannelAuthorizer, type ChannelAuthorizer } from '../../src/stream/authorize.js';
import { ManualClock } from '../support/manual-clock.js';
import { eventually } from '../support/test-app.js';
import { TestStreamClient } from '../support/ws-client.js';
import { useTestApps } from '../support/use-test-app.js';

// The live stream's promises about order and about sessions and board access that change while it is open.
const apps = useTestApps();
let clients: TestStreamClient[] = [];
afterEach(async () => {
  for (const c of clients) c.ws.terminate();
  clients = [];
});

/**
 * A listening app whose channel check can be held at a gate (`hold`) or followed by a hook (`after`), so a
 * test decides exactly what happens while a subscribe is being authorized.
 */
async function start(env: Record<string, string> = {}, clock = new ManualClock(Date.now())) {
  let real: ChannelAuthorizer = async () => undefined;
  const gate: { hold?: Promise<void>; after?: () => Promise<void> } = {};
  const authorizeChannel: ChannelAuthorizer = async (viewer, channel) => {
    if (gate.hold) await gate.hold;
    await real(viewer, channel);
    const after = gate.after;
    gate.after = undefined;
    if (after) await after();
  };
  const app = await apps.start(env, { authorizeChannel, clock });
  real = createChannelAuthorizer(app.ctx.services);
  const url = `${(await app.listen()).replace(/^http/, 'ws')}/api/v1/stream`;
  const connect = async (token: string) => {
    const c = await TestStreamClient.open(url, token);
    clients.push(c);
    await c.request({ type: 'ping' }); // signed in
    return c;
  };
  return { app, clock, gate, connect };
}

const answers = (c: TestStreamClient) =>
  c.frames.map((f) =>
    f.type === 'ack' ? `ack ${String(f.id)}` : f.type === 'error' ? `${f.code} ${String(f.id)}` : f.type,
  );

describe('answers in order', () => {
  it('answers pipelined frames in the order sent, errors included, even behind a slow subscribe', async () => {
    const { app, gate, connect } = await start();
    const c = await connect(await app.register('ann'));
    let open!: () => void;
    gate.hold = new Promise((resolve) => (open = resolve));
    c.send({ type: 'subscribe', channel: 'feed', id: 1 });
    c.send('{not json');
    c.send({ type: 'dance', id: 2 });
    c.send({ type: 'ping', id: 3 });
    c.send({ type: 'unsubscribe', channel: 'feed', id: 4 });
    c.ws.send(Buffer.from('{"type":"ping","id":5}'), { binary: true });
    // Let the subscribe finish only once the server has read every frame (the sign-in ping and these six).
    const [conn] = [...app.ctx.hub.sessions().values()].flat();
    await eventually(async () => conn?.framesReceived === 7);
    gate.hold = undefined;
    open();
    await eventually(async () => c.frames.length === 7);
    expect(answers(c).slice(1)).toEqual([
      'ack 1',
      'bad_json undefined',
      'validation_failed 2',
      'ack 3',
      'ack 4',
      'validation_failed undefined',
    ]);
  }, 20_000);

  it('answers rate_limited frames after the frames before them, then closes 1008 after the last answer', async () => {
    const { app, gate, connect } = await start({ WS_RATE_PER_SECOND: '1', WS_RATE_BURST: '3' });
    const c = await connect(await app.register('ann')); // one token spent
    let open!: () => void;
    gate.hold = new Promise((resolve) => (open = resolve));
    c.send({ type: 'subscribe', channel: 'feed', id: 1 }); // held at the gate
    c.send({ type: 'ping', id: 2 });
    // Tokens: 2 left after sign-in; 1 and 2 take them, 3 and 4 are limited, 5 is a full burst in debt: close.
    for (let id = 3; id <= 10; id++) c.send({ type: 'ping', id });
    // Release the subscribe only once the server has decided to close (while ack 1 is still owed).
    const draining = () => [...app.ctx.hub.sessions().values()].flat().some((conn) => conn.draining);
    await eventually(async () => draining());
    open();
    expect(await c.closed).toEqual({ code: 1008, reason: 'message rate limit exceeded' });
    expect(answers(c).slice(1)).toEqual(['ack 1', 'ack 2', 'rate_limited 3', 'rate_limited 4']);
  });
});

describe('sessions that end while connected', () => {
  it('closes with 4401 "session expired" once the token expires', async () => {
    const clock = new ManualClock(Date.now());
    const { app, connect } = await start({ TOKEN_TTL_DAYS: '1', WS_SESSION_CHECK_MS: '50' }, clock);
    const c = await connect(await app.register('ann'));
    clock.advance(86_400_000 + 1);
    expect(await c.closed).toEqual({ code: 4401, reason: 'session expired' });
    expect(c.frames.at(-1)).toMatchObject({ type: 'error', code: 'unauthenticated' });
  });

  it('closes with 4401 "signed out" when the session is removed behind this process', async () => {
    const { app, connect } = await start({ WS_SESSION_CHECK_MS: '50' });
    const token = await app.register('ann');
    const other = await connect(await app.register('bob'));
    const c = await connect(token);
    await app.ctx.store.sessions.delete(hashToken(token)); // as another process's sign-out would
    expect(await c.closed).toEqual({ code: 4401, reason: 'signed out' });
    expect(await other.request({ type: 'ping' })).toMatchObject({ type: 'ack' });
  });

  it('checks the session again on every subscribe', async () => {
    const { app, connect } = await start({ WS_SESSION_CHECK_MS: '3600000' });
    const token = await app.register('ann');
    const c = await connect(token);
    expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
    await app.ctx.store.sessions.delete(hashToken(token));
    c.send({ type: 'subscribe', channel: 'feed', id: 'again' });
    expect(await c.closed).toEqual({ code: 4401, reason: 'signed out' });
    expect(c.frames.at(-1)).toMatchObject({ type: 'error', code: 'unauthenticated' });
  });
});

describe('private boards', () => {
  it('refuses a subscribe whose check raced a removal, and the removed member hears nothing', async () => {
    const { app, gate, connect } = await start();
    const [owner, eve] = [await app.register('owner'), await app.register('eve')];
    const board = (
      await app.as(owner, { method: 'POST', url: '/api/v1/boards', payload: { name: 'S', visibility: 'private' } })
    ).json() as { id: string };
    const members = `/api/v1/boards/${board.id}/members/eve`;
    expect((await app.as(owner, { method: 'PUT', url: members, payload: { role: 'member' } })).statusCode).toBe(200);
    const c = await connect(eve);
    // The check reads "member", then the owner removes eve before the subscription is made.
    gate.after = async () => {
      expect((await app.as(owner, { method: 'DELETE', url: members })).statusCode).toBe(204);
    };
    expect(await c.request({ type: 'subscribe', channel: `board:${board.id}` })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    const say = await app.as(owner, {
      method: 'POST',
      url: `/api/v1/boards/${board.id}/messages`,
      payload: { text: 'members only' },
    });
    expect(say.statusCode).toBe(201);
    expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'ack' });
    expect(c.events('message.created')).toEqual([]);
    expect(app.ctx.hub.stats().subscriptions).toBe(0);
  });
});
