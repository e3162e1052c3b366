import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { WsConnection } from '../../src/adapters/ws/ws-connection.js';
import { WsStreamServer } from '../../src/adapters/ws/ws-stream-server.js';
import { eventually } from '../support/test-app.js';

// The ws transport's indexing and delivery rules, over stand-in sockets (the real ones are in test/api/stream*.test.ts).
class FakeSocket {
  readyState = 1; // OPEN
  bufferedAmount = 0;
  sent: (Buffer | string)[] = [];
  pings = 0;
  closedWith: number | null = null;
  terminated = false;
  answersPings = true;
  conn?: WsConnection;
  send(data: Buffer | string): void {
    this.sent.push(data);
  }
  ping(): void {
    this.pings++;
    if (this.answersPings && this.conn) this.conn.alive = true;
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 2; // CLOSING
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3; // CLOSED
  }
}

let server: WsStreamServer;
afterEach(() => server.stop());

function connect(alias: string, channels: string[]): { conn: WsConnection; socket: FakeSocket } {
  const socket = new FakeSocket();
  const conn = new WsConnection(socket as unknown as WebSocket, 10, 0);
  socket.conn = conn;
  server.add(conn);
  server.identify(conn, alias, `hash-${alias}`);
  for (const c of channels) server.subscribe(conn, c);
  return { conn, socket };
}

describe('WsStreamServer', () => {
  it('sends toUsers events to those users’ connections on that channel, serialized once', () => {
    server = new WsStreamServer({ heartbeatMs: 60_000, maxBufferedBytes: 1024 });
    const ann1 = connect('ann', ['feed']);
    const ann2 = connect('ann', ['feed', 'board:b']);
    const annBoardOnly = connect('ann', ['board:b']);
    const bob = connect('bob', ['feed']);
    const cyd = connect('cyd', ['feed']);
    server.toUsers(['ann', 'bob', 'nobody'], { type: 'feed.status', channel: 'feed', data: { id: 'S1' } });
    expect([ann1, ann2, bob].map((c) => c.socket.sent.length)).toEqual([1, 1, 1]);
    expect(annBoardOnly.socket.sent).toEqual([]);
    expect(cyd.socket.sent).toEqual([]);
    const [first] = ann1.socket.sent;
    expect(ann2.socket.sent[0]).toBe(first); // the very same buffer: one JSON.stringify per event
    expect(JSON.parse(String(first))).toEqual({ type: 'feed.status', channel: 'feed', data: { id: 'S1' } });
  });

  it('broadcasts toChannel events to every subscriber, and forgets a connection when it goes', () => {
    server = new WsStreamServer({ heartbeatMs: 60_000, maxBufferedBytes: 1024 });
    const subs = [connect('a1', ['board:b']), connect('a2', ['board:b']), connect('a3', ['board:c'])];
    server.toChannel({ type: 'message.created', channel: 'board:b', data: {} });
    expect(subs.map((c) => c.socket.sent.length)).toEqual([1, 1, 0]);
    server.remove(subs[0]?.conn as WsConnection);
    server.unsubscribe(subs[1]?.conn as WsConnection, 'board:b');
    server.toChannel({ type: 'message.created', channel: 'board:b', data: {} });
    expect(subs.map((c) => c.socket.sent.length)).toEqual([1, 1, 0]);
    expect(server.stats()).toMatchObject({ connections: 2, authenticated: 2, subscriptions: 1, channels: 1 });
  });

  it('closes a connection whose unsent data is over the limit with 1013, and sends it nothing', () => {
    server = new WsStreamServer({ heartbeatMs: 60_000, maxBufferedBytes: 1024 });
    const [slow, fast] = [connect('s', ['board:b']), connect('f', ['board:b'])];
    slow.socket.bufferedAmount = 2048;
    server.toChannel({ type: 'message.created', channel: 'board:b', data: {} });
    expect(slow.socket).toMatchObject({ closedWith: 1013, sent: [] });
    expect(fast.socket.sent).toHaveLength(1);
    expect(server.stats()).toMatchObject({ slowConsumersDropped: 1, subscriptions: 1 });
  });

  it('pings every connection in slices and terminates one that missed the previous ping', async () => {
    server = new WsStreamServer({ heartbeatMs: 20, maxBufferedBytes: 1024, broadcastChunk: 2 });
    const live = Array.from({ length: 5 }, (_, i) => connect(`live${i}`, []));
    const dead = connect('dead', ['feed']);
    dead.socket.answersPings = false;
    await eventually(async () => dead.socket.terminated);
    expect(live.every((c) => c.socket.pings >= 2 && !c.socket.terminated)).toBe(true);
    expect(server.stats()).toMatchObject({ heartbeatTimeouts: 1, subscriptions: 0 });
  });

  it('closes the connections of a signed-out session only', () => {
    server = new WsStreamServer({ heartbeatMs: 60_000, maxBufferedBytes: 1024 });
    const [out, stays] = [connect('out', []), connect('stays', [])];
    server.closeSession('hash-out');
    expect([out.socket.closedWith, stays.socket.closedWith]).toEqual([4401, null]);
  });
});
