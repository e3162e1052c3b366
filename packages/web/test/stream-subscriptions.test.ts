import { afterEach, describe, expect, it, vi } from 'vitest';
import { scriptedClient } from './stream-support.js';

// Screens ask for channels whenever they mount: before the socket opens, while the sign-in is on its way, during a
// reconnect. Whatever the order, what the server is told must end up being what the screens want.
afterEach(() => vi.useRealTimers());

async function opened(c: ReturnType<typeof scriptedClient>) {
  c.client.start();
  await vi.waitFor(() => expect(c.sockets).toHaveLength(1));
  const s = c.sockets[0]!;
  s.open();
  return s;
}

describe('stream subscriptions across the handshake and reconnects', () => {
  it('a channel wanted between the open and the auth ack is subscribed after the ack, and live waits for it', async () => {
    const c = scriptedClient();
    const s = await opened(c);
    expect(s.frames()).toEqual(['auth']);
    c.client.subscribe('feed'); // the screen mounted while the sign-in was on its way
    expect(s.frames()).toEqual(['auth']);
    s.ackNext(); // auth
    expect(s.frames()).toEqual(['auth', 'subscribe feed']);
    expect(c.client.status.get()).toBe('connecting');
    expect(c.syncs()).toBe(0);
    s.ackNext(); // subscribe feed
    expect(c.client.status.get()).toBe('live');
    expect(c.syncs()).toBe(1);
    c.client.stop();
  });

  it('channels wanted before the socket opens go out after the sign-in; one released before it never does', async () => {
    const c = scriptedClient();
    c.client.subscribe('feed');
    c.client.subscribe('board:B1');
    c.client.subscribe('board:B2')(); // a screen that came and went
    const s = await opened(c);
    expect(s.sent).toEqual([{ type: 'auth', token: 'tok', id: 'auth' }]);
    s.ackNext();
    expect(s.sent.slice(1)).toEqual([
      { type: 'subscribe', channel: 'feed', id: 'sub:feed' },
      { type: 'subscribe', channel: 'board:B1', id: 'sub:board:B1' },
    ]);
    s.ackNext();
    expect(c.client.status.get()).toBe('connecting'); // board:B1 not answered yet
    s.ackNext();
    expect(c.client.status.get()).toBe('live');
    expect(c.syncs()).toBe(1);
    c.client.stop();
  });

  it('a channel released between the open and the auth ack is never sent; wanted again, it is sent once', async () => {
    const c = scriptedClient();
    const off = c.client.subscribe('board:B1');
    const s = await opened(c);
    off();
    c.client.subscribe('feed');
    s.ackAll();
    expect(s.frames()).toEqual(['auth', 'subscribe feed']);
    expect(c.client.status.get()).toBe('live');
    c.client.subscribe('board:B1');
    c.client.subscribe('board:B1'); // a second screen: counted, not sent again
    s.ackAll();
    expect(s.frames()).toEqual(['auth', 'subscribe feed', 'subscribe board:B1']);
    c.client.stop();
  });

  it('an unsubscribe waits for the ack of the subscribe it undoes, and a subscribe for the unsubscribe', async () => {
    const c = scriptedClient();
    const s = await opened(c);
    s.ackAll();
    const off = c.client.subscribe('board:B1');
    off(); // before the subscribe was answered: API Gateway could run the unsubscribe first
    expect(s.frames()).toEqual(['auth', 'subscribe board:B1']);
    s.ackNext();
    expect(s.sent.at(-1)).toEqual({ type: 'unsubscribe', channel: 'board:B1', id: 'unsub:board:B1' });
    c.client.subscribe('board:B1'); // back before the unsubscribe was answered
    expect(s.frames()).toEqual(['auth', 'subscribe board:B1', 'unsubscribe board:B1']);
    s.ackAll();
    expect(s.frames()).toEqual(['auth', 'subscribe board:B1', 'unsubscribe board:B1', 'subscribe board:B1']);
    off(); // a second release of the same hold changes nothing
    expect(s.frames()).toHaveLength(4);
    c.client.stop();
  });

  it('during a reconnect and its handshake: the new connection gets exactly the channels wanted by then', async () => {
    vi.useFakeTimers();
    const c = scriptedClient();
    const offFeed = c.client.subscribe('feed');
    const offB1 = c.client.subscribe('board:B1');
    const first = await opened(c);
    first.ackAll();
    expect(c.syncs()).toBe(1);
    first.drop(1006);
    expect(c.client.status.get()).toBe('reconnecting');
    offB1(); // while away
    c.client.subscribe('board:B2');
    await vi.advanceTimersByTimeAsync(500);
    const s = c.sockets[1]!;
    s.open();
    c.client.subscribe('board:B3'); // during the new handshake
    offFeed();
    expect(s.frames()).toEqual(['auth']);
    s.ackNext();
    expect(s.frames()).toEqual(['auth', 'subscribe board:B2', 'subscribe board:B3']);
    expect(c.client.status.get()).toBe('reconnecting');
    s.ackAll();
    expect(c.client.status.get()).toBe('live');
    expect(c.syncs()).toBe(2);
    expect(first.frames()).toEqual(['auth', 'subscribe feed', 'subscribe board:B1']); // nothing went to the dead one
    c.client.stop();
  });

  it('a refused channel does not hold up live and is not asked again on that connection; a reconnect asks again', async () => {
    vi.useFakeTimers();
    const c = scriptedClient();
    c.client.subscribe('board:P');
    c.client.subscribe('feed');
    const first = await opened(c);
    first.ackNext();
    first.refuseNext('forbidden');
    first.ackNext();
    expect(c.client.status.get()).toBe('live');
    c.client.subscribe('board:P'); // counted; the connection already has its answer
    expect(first.frames()).toEqual(['auth', 'subscribe board:P', 'subscribe feed']);
    first.drop(1006);
    await vi.advanceTimersByTimeAsync(500);
    const s = c.sockets[1]!;
    s.open();
    s.ackAll();
    expect(s.frames()).toEqual(['auth', 'subscribe board:P', 'subscribe feed']);
    c.client.stop();
  });

  it('a revoked channel is not unsubscribed (the server dropped it); wanted again later, it is asked again', async () => {
    const c = scriptedClient();
    const off = c.client.subscribe('board:B1');
    const s = await opened(c);
    s.ackAll();
    s.receive({ type: 'error', code: 'forbidden', message: 'access to board:B1 was revoked', channel: 'board:B1' });
    off();
    c.client.subscribe('board:B1');
    s.ackAll();
    expect(s.frames()).toEqual(['auth', 'subscribe board:B1', 'subscribe board:B1']);
    c.client.stop();
  });
});
