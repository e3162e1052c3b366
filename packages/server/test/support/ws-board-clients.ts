import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { WsConnection } from '../../src/adapters/ws/ws-connection.js';
import { WsStreamServer } from '../../src/adapters/ws/ws-stream-server.js';
import { eventually } from './test-app.js';

type StreamOptions = ConstructorParameters<typeof WsStreamServer>[0];

export interface BoardClients {
  /** The stream server of the running test (set by `start`). */
  readonly streams: WsStreamServer;
  /** The real `ws` clients, in the order they connected. */
  readonly clients: readonly WebSocket[];
  /** What each client received, one log per client, in order (`format` of each message). */
  readonly received: string[][];
  /** The server side of each connection, in the order they were accepted. */
  readonly conns: WsConnection[];
}

/**
 * Real `ws` clients of a real WsStreamServer behind a `ws` server on 127.0.0.1, each connection subscribed to
 * `board:b` (and identified as `u<i>`/`h<i>` when `identify`); everything is closed after each test of the file.
 */
export function useBoardClients(): {
  start(
    subscribers: number,
    options: StreamOptions,
    extra?: { identify?: boolean; format?: (data: Buffer, isBinary: boolean) => string },
  ): Promise<BoardClients>;
} {
  let wss: WebSocketServer | undefined;
  let server: WsStreamServer | undefined;
  const clients: WebSocket[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    server?.stop();
    server = undefined;
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    wss = undefined;
  });

  return {
    async start(subscribers, options, extra = {}) {
      const streams = new WsStreamServer(options);
      server = streams;
      const ws = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
      wss = ws;
      await new Promise<void>((resolve) => ws.once('listening', () => resolve()));
      const conns: WsConnection[] = [];
      ws.on('connection', (socket) => {
        const conn = new WsConnection(socket, 10, 0);
        streams.add(conn);
        if (extra.identify) streams.identify(conn, `u${conns.length}`, `h${conns.length}`);
        streams.subscribe(conn, 'board:b');
        conns.push(conn);
      });
      const { port } = ws.address() as AddressInfo;
      const format = extra.format ?? ((data: Buffer) => data.toString());
      const received: string[][] = [];
      for (let i = 0; i < subscribers; i++) {
        const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
        clients.push(client);
        const log: string[] = [];
        received.push(log);
        client.on('message', (data: Buffer, isBinary: boolean) => log.push(format(data, isBinary)));
        await new Promise<void>((resolve, reject) => {
          client.once('open', () => resolve());
          client.once('error', reject);
        });
      }
      await eventually(async () => conns.length === subscribers);
      return { streams, clients, received, conns };
    },
  };
}
