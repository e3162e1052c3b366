import { Worker } from 'node:worker_threads';
import type { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { Presence } from '../../src/adapters/ws/presence.js';
import { WsConnection } from '../../src/adapters/ws/ws-connection.js';
import { WsStreamServer } from '../../src/adapters/ws/ws-stream-server.js';

// The table of connected users the job threads read (adapters/ws/presence.ts), kept by the ws hub.
const fakeSocket = { readyState: 1, bufferedAmount: 0, send() {}, ping() {}, close() {}, terminate() {} };

let server: WsStreamServer | undefined;
afterEach(() => server?.stop());

function connect(hub: WsStreamServer, alias: string): WsConnection {
  const conn = new WsConnection(fakeSocket as unknown as WebSocket, 10, 0);
  hub.add(conn);
  hub.identify(conn, alias, `hash-${alias}`);
  return conn;
}

describe('Presence', () => {
  it('counts a user in with each identified connection and out when the last is gone', () => {
    const presence = new Presence();
    const hub = (server = new WsStreamServer({ heartbeatMs: 60_000, maxBufferedBytes: 1024, presence }));
    expect(presence.anyOf(['ann', 'bob'])).toBe(false);
    expect(hub.reaches(['ann'])).toBe(false);
    const a1 = connect(hub, 'ann');
    const a2 = connect(hub, 'ann');
    expect(presence.anyOf(['bob', 'ann'])).toBe(true);
    expect(hub.reaches(['bob', 'ann'])).toBe(true);
    hub.remove(a1);
    expect(presence.anyOf(['ann'])).toBe(true); // a second connection is still there
    hub.close(a2, 1000, 'bye');
    hub.remove(a2); // closed and removed: counted out once
    expect(presence.anyOf(['ann'])).toBe(false);
    expect(hub.reaches(['ann'])).toBe(false);
    // A connection that never identified is nobody's.
    const anonymous = new WsConnection(fakeSocket as unknown as WebSocket, 10, 0);
    hub.add(anonymous);
    hub.remove(anonymous);
    expect(presence.anyOf(['ann'])).toBe(false);
  });

  it('is seen by another thread through the shared buffer, without a message', async () => {
    const presence = new Presence();
    presence.enter('cyd');
    // The worker reads the table the way a job thread does; the answer is for the aliases it was given.
    const source = `
      const { workerData, parentPort } = require('node:worker_threads');
      const counts = new Int32Array(workerData.buffer);
      parentPort.on('message', () => parentPort.postMessage(Array.from(counts).reduce((a, b) => a + b, 0)));
    `;
    const worker = new Worker(source, { eval: true, workerData: { buffer: presence.buffer } });
    try {
      const total = (): Promise<number> =>
        new Promise((resolve) => {
          worker.once('message', resolve);
          worker.postMessage('count');
        });
      expect(await total()).toBe(1);
      presence.enter('dan');
      expect(await total()).toBe(2);
      presence.leave('cyd');
      presence.leave('dan');
      expect(await total()).toBe(0);
      const view = new Presence(presence.buffer);
      presence.enter('eve');
      expect(view.anyOf(['eve'])).toBe(true);
      expect(view.anyOf(['cyd', 'dan'])).toBe(false);
    } finally {
      await worker.terminate();
    }
  });
});
