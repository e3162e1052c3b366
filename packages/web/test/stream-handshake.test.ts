import type { EventFrame } from '@tweeter/shared';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, eventually, type TestApp } from '@tweeter/server/test-support';
import { StreamClient, type WebSocketLike } from '../src/logic/stream.js';

/**
 * A real `ws` socket that runs `afterOpen` right after the client's own open handler (the auth frame is sent, its
 * ack not yet back: the window in which a mounting screen used to lose its subscription) and can be cut.
 */
class TappedSocket implements WebSocketLike {
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  private opened: ((ev: unknown) => void) | null = null;
  constructor(
    readonly inner: WebSocket,
    afterOpen: () => void,
  ) {
    inner.onopen = (ev) => {
      this.opened?.(ev);
      afterOpen();
    };
    inner.onmessage = (ev) => this.onmessage?.({ data: ev.data });
    inner.onclose = (ev) => this.onclose?.({ code: ev.code });
    inner.onerror = (ev) => this.onerror?.(ev);
  }
  get onopen() {
    return this.opened;
  }
  set onopen(fn: ((ev: unknown) => void) | null) {
    this.opened = fn;
  }
  get readyState() {
    return this.inner.readyState;
  }
  send(data: string) {
    this.inner.send(data);
  }
  close(code?: number, reason?: string) {
    this.inner.close(code, reason);
  }
}

// The stream client against the real server: what the server ends up holding for the connection, and events that
// really arrive, whatever the order in which the screens asked.
describe('stream subscriptions against a real server', () => {
  let server: TestApp;
  let streamUrl: string;
  let ada: string;
  let bob: string;
  let board: string;
  const clients: StreamClient[] = [];

  beforeAll(async () => {
    server = await createTestApp();
    streamUrl = `${(await server.listen()).replace(/^http/, 'ws')}/api/v1/stream`;
    ada = await server.register('ada');
    bob = await server.register('bob');
    await server.as(bob, { method: 'PUT', url: '/api/v1/me/followees/ada' });
    const res = await server.as(ada, {
      method: 'POST',
      url: '/api/v1/boards',
      payload: { name: 'b', visibility: 'public' },
    });
    board = `board:${res.json<{ id: string }>().id}`;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.stop();
  });
  afterAll(() => server.close());

  /** Bob's client; `afterOpen[i]` runs in the handshake window of the i-th connection. */
  function bobClient(afterOpen: (() => void)[] = []) {
    const sockets: TappedSocket[] = [];
    const events: EventFrame[] = [];
    const client = new StreamClient({
      url: async () => streamUrl,
      token: () => bob,
      connect: (url) => {
        const hook = afterOpen[sockets.length] ?? (() => undefined);
        const s = new TappedSocket(new WebSocket(url), hook);
        sockets.push(s);
        return s;
      },
      random: () => 0,
    });
    client.onEvent((e) => events.push(e));
    clients.push(client);
    return { client, sockets, events };
  }

  /** The channels the server holds for bob's open connections. */
  const held = () =>
    [...server.ctx.hub.sessions().values()]
      .flat()
      .filter((conn) => !conn.closed)
      .flatMap((conn) => [...conn.channels])
      .sort();

  async function postAndHear(events: EventFrame[], text: string) {
    await server.as(ada, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
    await eventually(async () => events.some((e) => (e.data as { post?: string }).post === text));
  }

  it('channels wanted before the socket opens: held once live, and a post arrives', async () => {
    const { client, events } = bobClient();
    client.subscribe('feed');
    client.subscribe(board);
    client.start();
    await eventually(async () => client.status.get() === 'live');
    expect(held()).toEqual([board, 'feed']);
    await postAndHear(events, 'before open');
  });

  it('wanted between the open and the auth ack: subscribed; released in that window: not held', async () => {
    const c = bobClient([
      () => {
        c.client.subscribe('feed');
        releaseBoard();
      },
    ]);
    const releaseBoard = c.client.subscribe(board);
    c.client.start();
    await eventually(async () => c.client.status.get() === 'live');
    await eventually(async () => held().join() === 'feed');
    await postAndHear(c.events, 'between open and ack');
  });

  it('during a reconnect: the new connection holds what is wanted by the end of its handshake', async () => {
    const c = bobClient([
      () => undefined,
      () => c.client.subscribe('feed'), // wanted again during the new handshake
    ]);
    const offFeed = c.client.subscribe('feed');
    c.client.start();
    await eventually(async () => c.client.status.get() === 'live');
    c.sockets[0]!.inner.terminate();
    await eventually(async () => c.client.status.get() === 'reconnecting');
    offFeed(); // released while away
    c.client.subscribe(board);
    await eventually(async () => c.sockets.length === 2 && c.client.status.get() === 'live');
    await eventually(async () => held().join() === `${board},feed`);
    await postAndHear(c.events, 'after a reconnect');
  });
});
