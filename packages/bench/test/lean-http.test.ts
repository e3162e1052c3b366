import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { leanRequest } from '../src/lean-http.js';
import { startPaced } from '../src/paced.js';

// The load generator's lean transport against a real HTTP server on loopback: bodies of every size (split over
// several reads), error statuses, and a server that closes idle keep-alive sockets between requests.
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function listen(keepAliveTimeout: number) {
  const seen: string[] = [];
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      const n = Number(req.url?.split('/').at(-1));
      res.statusCode = n % 10 === 0 ? 404 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ n, pad: 'x'.repeat((n % 4) * 40_000) }));
    });
  });
  server.keepAliveTimeout = keepAliveTimeout;
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('lean HTTP requests (paced load)', () => {
  it('answers every request in order of its socket, with its status, whatever the body size', async () => {
    const { url, seen } = await listen(5_000);
    const requests = Array.from({ length: 200 }, (_, i) =>
      leanRequest(url, { method: 'PUT', path: `/r/${i}`, headers: { authorization: `Bearer t${i}` } }),
    );
    const result = await startPaced({
      baseUrl: url,
      connections: 4,
      rate: 2_000,
      durationS: 0.1,
      request: () => {
        throw new Error('lean only');
      },
      lean: (n) => requests[n % 200] as Buffer,
    }).done;
    // 200 or 201 requests were due (the last at the very end); each answered once, on its own request's terms.
    expect(result.socketErrors).toBe(0);
    expect(seen.length).toBe(result.responses);
    expect(result.responses).toBeGreaterThanOrEqual(200);
    const sent = Array.from({ length: result.responses }, (_, i) => i % 200);
    expect(result.non2xx).toBe(sent.filter((n) => n % 10 === 0).length); // every tenth answers 404
    expect(result.latencies.count).toBe(result.responses - result.non2xx);
    expect(seen.sort()).toEqual(sent.map((n) => `PUT /r/${n} Bearer t${n}`).sort());
  });

  it('goes on after the server closed its idle sockets', async () => {
    const { url, seen } = await listen(20);
    const get = leanRequest(url, { method: 'GET', path: '/r/1', headers: {} });
    const result = await startPaced({
      baseUrl: url,
      connections: 2,
      rate: 20, // 50 ms apart: each socket is closed as idle before its next request
      durationS: 0.5,
      request: () => {
        throw new Error('lean only');
      },
      lean: () => get,
    }).done;
    expect(result.latencies.count).toBe(seen.length);
    expect(result.latencies.count).toBeGreaterThanOrEqual(8);
  });

  it('queues requests past its first ring of 1,024 waiting and sends them in due order', async () => {
    const { url, seen } = await listen(5_000);
    const requests = Array.from({ length: 3000 }, (_, i) =>
      leanRequest(url, { method: 'GET', path: `/r/${i * 10 + 1}`, headers: {} }),
    );
    // One socket and 3,000 requests due within 50 ms: most wait, the ring doubles twice.
    const result = await startPaced({
      baseUrl: url,
      connections: 1,
      rate: 60_000,
      durationS: 0.05,
      request: () => {
        throw new Error('lean only');
      },
      lean: (n) => requests[n % 3000] as Buffer,
    }).done;
    expect(result.socketErrors).toBe(0);
    expect(result.responses).toBeGreaterThan(2_000);
    expect(result.latencies.count).toBe(result.responses);
    expect(seen).toEqual(Array.from({ length: result.responses }, (_, i) => `GET /r/${(i % 3000) * 10 + 1} undefined`));
  });
});
