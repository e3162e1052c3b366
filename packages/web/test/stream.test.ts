import { afterEach, describe, expect, it, vi } from 'vitest';
import { scriptedClient } from './stream-support.js';

afterEach(() => vi.useRealTimers());

const setup = scriptedClient;

describe('live stream client', () => {
  it('signs in with a frame, subscribes, goes live, and syncs; events reach listeners', async () => {
    const { client, sockets } = setup();
    const events: unknown[] = [];
    let syncs = 0;
    client.subscribe('feed');
    client.onEvent((e) => events.push(e));
    client.onSync(() => syncs++);
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const s = sockets[0]!;
    expect(client.status.get()).toBe('connecting');
    s.open();
    expect(s.sent).toEqual([{ type: 'auth', token: 'tok', id: 'auth' }]);
    s.ackAll();
    expect(s.sent).toEqual([
      { type: 'auth', token: 'tok', id: 'auth' },
      { type: 'subscribe', channel: 'feed', id: 'sub:feed' },
    ]);
    expect(client.status.get()).toBe('live');
    expect(syncs).toBe(1);
    s.receive({ type: 'feed.delete', channel: 'feed', data: { id: '01' } });
    s.receive({ type: 'something.new', channel: 'feed', data: {} });
    expect(events).toEqual([{ type: 'feed.delete', channel: 'feed', data: { id: '01' } }]);
    client.subscribe('board:B1');
    expect(s.sent.at(-1)).toEqual({ type: 'subscribe', channel: 'board:B1', id: 'sub:board:B1' });
    client.stop();
  });

  it('tells onRevoked listeners which channel the server took away, and nothing for answers to frames', async () => {
    const { client, sockets } = setup();
    const revoked: string[] = [];
    client.subscribe('board:B1');
    client.onRevoked((channel) => revoked.push(channel));
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const s = sockets[0]!;
    s.open();
    s.ackAll();
    expect(client.status.get()).toBe('live');
    // An answer to a frame of ours (it has an id) and an error without a channel are not revocations.
    s.receive({ type: 'error', id: 7, code: 'forbidden', message: 'this board is private', channel: 'board:B2' });
    s.receive({ type: 'error', code: 'rate_limited', message: 'slow down' });
    expect(revoked).toEqual([]);
    s.receive({
      type: 'error',
      code: 'forbidden',
      message: 'access to board:B1 was revoked: you were removed from it',
      channel: 'board:B1',
    });
    expect(revoked).toEqual(['board:B1']);
    expect(client.status.get()).toBe('live');
    client.stop();
  });

  it('after a lost connection: "reconnecting", backoff, then the same subscriptions and another sync', async () => {
    vi.useFakeTimers();
    const { client, sockets } = setup();
    let syncs = 0;
    client.subscribe('feed');
    client.onSync(() => syncs++);
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0]!.open();
    sockets[0]!.ackAll();
    sockets[0]!.drop(1006);
    expect(client.status.get()).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(499);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop(1006); // fails again: the wait doubles
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    const s = sockets[2]!;
    s.open();
    expect(s.frames()).toEqual(['auth']);
    s.ackAll();
    expect(s.frames()).toEqual(['auth', 'subscribe feed']);
    expect(client.status.get()).toBe('live');
    expect(syncs).toBe(2);
    client.stop();
  });

  it('stops and reports a refused token (4401) instead of retrying it', async () => {
    vi.useFakeTimers();
    const { client, sockets } = setup();
    let refused = 0;
    client.onUnauthenticated(() => refused++);
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0]!.open();
    sockets[0]!.drop(4401);
    expect(refused).toBe(1);
    expect(client.status.get()).toBe('idle');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('closes a connection whose ping goes unanswered, then reconnects', async () => {
    vi.useFakeTimers();
    const { client, sockets } = setup();
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const s = sockets[0]!;
    s.close = () => s.drop(4000);
    s.open();
    s.ackAll();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.sent.at(-1)).toEqual({ type: 'ping', id: 'ping' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(client.status.get()).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(500);
    expect(sockets).toHaveLength(2);
    client.stop();
  });
});
