import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { RawSubscribers } from '../src/ws-raw-clients.js';

// A real `ws` server on loopback speaking just enough of the stream protocol: ack a subscribe, then send what the
// test asks to every socket.
async function startServer(): Promise<{ url: string; sockets: WebSocket[]; wss: WebSocketServer }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws, req) => {
    if (!req.url?.includes('token=t')) return ws.close(4401, 'no token');
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; channel: string; id: number };
      if (frame.type !== 'subscribe' || frame.channel !== 'board:1') return ws.send('{"type":"error"}');
      sockets.push(ws);
      ws.send(JSON.stringify({ type: 'ack', id: frame.id }));
    });
  });
  const { port } = wss.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/api/v1/stream`, sockets, wss };
}

describe('RawSubscribers (the ws bench receivers)', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('subscribes through a real upgrade and counts each message once per socket, whatever the frame size', async () => {
    const { url, sockets, wss } = await startServer();
    const clients = new RawSubscribers();
    stop = async () => {
      await clients.close();
      await new Promise((resolve) => wss.close(resolve));
    };
    await clients.open(url, 0, 5, 'board:1', (i) => `t${i}`);
    expect(clients.size).toBe(5);
    expect(clients.errors).toBe(0);

    // 7-bit, 16-bit and 64-bit payload lengths (the last one spans several reads); a ping and an unrelated frame
    // first (the ping must be answered, the other frame ignored); the marker sent twice counts once.
    for (const [index, padding] of [
      [0, 10],
      [1, 2_000],
      [2, 200_000],
    ] as const) {
      const marker = `wsbench-${index}-abc123`;
      const pongs = sockets.map((ws) => new Promise<void>((resolve) => ws.once('pong', () => resolve())));
      const lost = await clients.expect(
        index,
        marker,
        async () => {
          for (const ws of sockets) {
            ws.ping('hb');
            ws.send('{"type":"event","data":"other"}');
            const text = JSON.stringify({ type: 'event', data: `${'x'.repeat(padding)}${marker}` });
            ws.send(text);
            ws.send(text);
          }
        },
        5_000,
      );
      await Promise.all(pongs);
      expect(lost).toBe(0);
    }
    expect(clients.delays).toHaveLength(15);
    for (const ms of clients.delays) expect(ms).toBeGreaterThanOrEqual(0);

    // A message that never comes is counted lost for every socket; a socket the server drops is counted.
    expect(await clients.expect(3, 'wsbench-3-def456', async () => {}, 200)).toBe(5);
    sockets[0]?.terminate();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(clients.unexpectedCloses).toBe(1);
  });

  it('counts a refused subscribe as an error, not a subscriber', async () => {
    const { url, wss } = await startServer();
    const clients = new RawSubscribers();
    stop = async () => {
      await clients.close();
      await new Promise((resolve) => wss.close(resolve));
    };
    await clients.open(url, 0, 2, 'board:2', () => 't');
    await clients.open(url, 0, 1, 'board:1', () => 'nope');
    expect(clients.size).toBe(0);
    expect(clients.errors).toBe(3);
  });
});
