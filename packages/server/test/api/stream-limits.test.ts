import { STREAM_LIMITS } from '@tweeter/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientOptions } from 'ws';
import type { ChannelAuthorizer } from '../../src/stream/authorize.js';
import { ManualClock } from '../support/manual-clock.js';
import { eventually } from '../support/test-app.js';
import { TestStreamClient } from '../support/ws-client.js';
import { useTestApps } from '../support/use-test-app.js';

// The live stream's defences: frame size, bad frames, rates, quotas, slow consumers, dead peers, shutdown.
const allowAll: ChannelAuthorizer = async () => undefined;
const apps = useTestApps();
let clients: TestStreamClient[] = [];

afterEach(async () => {
  for (const c of clients) c.ws.terminate();
  clients = [];
});

/** A listening app with these settings, and a way to open clients signed in as one user. */
async function start(env: Record<string, string> = {}) {
  const clock = new ManualClock(Date.now());
  const app = await apps.start(env, { authorizeChannel: allowAll, clock });
  const url = `${(await app.listen()).replace(/^http/, 'ws')}/api/v1/stream`;
  const token = await app.register('limits');
  const connect = async (options?: ClientOptions) => {
    const c = await TestStreamClient.open(url, token, options);
    clients.push(c);
    return c;
  };
  return { app, clock, connect };
}

describe('bad frames', () => {
  it('answers malformed, unknown and binary frames with an error and stays usable', async () => {
    const { connect } = await start();
    const c = await connect();
    c.send('{not json');
    c.send({ type: 'dance', id: 1 });
    c.send({ type: 'subscribe', channel: 'bogus', id: 2 });
    c.send({ type: 'subscribe', id: 3 });
    c.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
    await eventually(async () => c.frames.length === 5);
    expect(c.frames).toEqual([
      { type: 'error', code: 'bad_json', message: 'frame is not valid JSON' },
      { type: 'error', id: 1, code: 'validation_failed', message: expect.stringContaining('"dance"') },
      { type: 'error', id: 2, code: 'validation_failed', message: expect.stringContaining('channel') },
      { type: 'error', id: 3, code: 'validation_failed', message: expect.stringContaining('channel') },
      { type: 'error', code: 'validation_failed', message: expect.stringContaining('text') },
    ]);
    expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'ack', op: 'ping' });
  });

  it(`closes with 1009 on a frame over ${STREAM_LIMITS.frameMaxBytes} bytes`, async () => {
    const { connect } = await start();
    const ok = await connect();
    ok.send({ type: 'ping', id: 'x'.repeat(10), pad: 'y'.repeat(STREAM_LIMITS.frameMaxBytes - 100) });
    expect(await ok.waitFor((f) => f.type === 'ack')).toMatchObject({ op: 'ping' });
    const big = await connect();
    big.send({ type: 'ping', pad: 'y'.repeat(STREAM_LIMITS.frameMaxBytes) });
    expect((await big.closed).code).toBe(1009);
  });
});

describe('per-connection limits', () => {
  // The frame-rate buckets run on the app's clock: a manual clock makes the counts exact on a busy machine.
  it('answers frames over the rate with rate_limited, in order, and recovers after a pause', async () => {
    const { clock, connect } = await start({ WS_RATE_PER_SECOND: '20', WS_RATE_BURST: '10' });
    const c = await connect();
    for (let i = 0; i < 15; i++) c.send({ type: 'ping', id: i });
    await eventually(async () => c.frames.length === 15);
    expect(c.frames.map((f) => (f.type === 'ack' ? f.id : `limited ${String(f.type === 'error' && f.code)}`))).toEqual([
      ...Array.from({ length: 10 }, (_, i) => i),
      ...Array.from({ length: 5 }, () => 'limited rate_limited'),
    ]);
    clock.advance(1000); // 20 tokens back, up to the burst of 10
    for (let i = 0; i < 10; i++) expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'ack' });
  });

  it('closes with 1008 when the excess persists, after answering every frame before it', async () => {
    const { connect } = await start({ WS_RATE_PER_SECOND: '20', WS_RATE_BURST: '10' });
    const c = await connect();
    await c.request({ type: 'ping' }); // signed in, one token spent
    for (let i = 0; i < 100; i++) c.send({ type: 'ping', id: i });
    expect(await c.closed).toEqual({ code: 1008, reason: 'message rate limit exceeded' });
    // 9 tokens left, then rate_limited until the balance is a full burst (10) in debt: the 19th frame closes.
    const answers = c.frames.slice(1);
    expect(answers.map((f) => f.type === 'ack' || (f.type === 'error' && f.code))).toEqual([
      ...Array.from({ length: 9 }, () => true),
      ...Array.from({ length: 9 }, () => 'rate_limited'),
    ]);
    expect(answers.map((f) => (f as { id?: number }).id)).toEqual([...Array(18).keys()]);
  });

  it('refuses subscriptions beyond the maximum until one is dropped', async () => {
    const { connect } = await start({ WS_MAX_SUBSCRIPTIONS: '3' });
    const c = await connect();
    for (const ch of ['feed', 'board:a', 'board:b']) {
      expect(await c.request({ type: 'subscribe', channel: ch })).toMatchObject({ type: 'ack' });
    }
    expect(await c.request({ type: 'subscribe', channel: 'board:c' })).toMatchObject({
      type: 'error',
      code: 'validation_failed',
      message: expect.stringContaining('at most 3 subscriptions'),
    });
    expect(await c.request({ type: 'subscribe', channel: 'board:a' })).toMatchObject({ type: 'ack' });
    await c.request({ type: 'unsubscribe', channel: 'board:a' });
    expect(await c.request({ type: 'subscribe', channel: 'board:c' })).toMatchObject({ type: 'ack' });
  });
});

describe('slow consumers', () => {
  it('closes a client that stops reading with 1013, while a fast one receives everything', async () => {
    const { app, connect } = await start({ WS_MAX_BUFFERED_BYTES: String(256 * 1024) });
    const [fast, slow] = [await connect(), await connect()];
    for (const c of [fast, slow]) await c.request({ type: 'subscribe', channel: 'board:x' });
    slow.ws.pause(); // stops reading the socket: kernel buffers fill, then the server's
    const text = 'z'.repeat(16 * 1024);
    let sent = 0;
    // Paced by the fast client's receipts, so only the slow one falls behind.
    while (app.ctx.hub.stats().slowConsumersDropped === 0 && sent < 5000) {
      app.ctx.realtime.toChannel({ type: 'message.created', channel: 'board:x', data: { n: sent, text } });
      sent++;
      await eventually(async () => fast.events('message.created').length === sent);
    }
    expect(app.ctx.hub.stats().slowConsumersDropped).toBe(1);
    app.ctx.realtime.toChannel({ type: 'message.created', channel: 'board:x', data: { n: sent++, text } });
    await eventually(async () => fast.events('message.created').length === sent);
    expect(fast.events('message.created').map((e) => (e.data as { n: number }).n)).toEqual([...Array(sent).keys()]);
    slow.ws.resume();
    expect(await slow.closed).toEqual({ code: 1013, reason: 'too slow: reconnect and catch up' });
    expect(slow.events('message.created').length).toBeLessThan(sent);
    expect(await fast.request({ type: 'ping' })).toMatchObject({ type: 'ack' });
  });
});

describe('heartbeat', () => {
  it('drops a connection that does not answer pings, and keeps one that does', async () => {
    const { app, connect } = await start({ WS_HEARTBEAT_MS: '250' });
    const live = await connect();
    let pings = 0;
    live.ws.on('ping', () => pings++);
    const dead = await connect({ autoPong: false });
    expect((await dead.closed).code).toBe(1006); // terminated: no closing handshake
    expect(app.ctx.hub.stats().heartbeatTimeouts).toBe(1);
    // Three more heartbeats, counted as they reach the live client (not guessed from a sleep).
    const seen = pings;
    await eventually(async () => pings >= seen + 3);
    expect(await live.request({ type: 'ping' })).toMatchObject({ type: 'ack' });
    expect(app.ctx.hub.stats().heartbeatTimeouts).toBe(1);
  });
});

describe('shutdown', () => {
  it('closes every connection with 1001 when the app closes', async () => {
    const { app, connect } = await start();
    const [a, b] = [await connect(), await connect()];
    await a.request({ type: 'subscribe', channel: 'feed' });
    const closing = app.app.close();
    for (const c of [a, b]) expect(await c.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    await closing;
    expect(app.ctx.hub.stats()).toMatchObject({ connections: 0, subscriptions: 0 });
  });
});
