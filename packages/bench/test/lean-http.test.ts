import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { leanRequest } from '../src/lean-http.js';
import { startLeanLoad } from '../src/load.js';
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
  const bodies: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      if (req.method === 'POST') bodies.push(`${req.headers['content-type']} ${body}`);
      const n = Number(req.url?.split('/').at(-1));
      res.statusCode = n % 10 === 0 ? 404 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ n, pad: 'x'.repeat((n % 4) * 40_000) }));
    });
  });
  server.keepAliveTimeout = keepAliveTimeout;
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, bodies };
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

  it('sends a POST with its JSON body (non-ASCII included) and reads the next answer on the same socket', async () => {
    const { url, seen, bodies } = await listen(5_000);
    const requests = [1, 2, 3].map((i) =>
      leanRequest(url, {
        method: 'POST',
        path: `/r/${i}`,
        headers: { authorization: `Bearer t${i}`, 'content-type': 'application/json' },
        body: JSON.stringify({ post: `status ${i} ‘café’ https://example.com/${i}` }),
      }),
    );
    // One socket: a body counted wrong (bytes, not characters) would leave bytes in the stream or stall the next one.
    const result = await startPaced({
      baseUrl: url,
      connections: 1,
      rate: 200,
      durationS: 0.1,
      request: () => {
        throw new Error('lean only');
      },
      lean: (n) => requests[n % 3] as Buffer,
    }).done;
    expect(result.socketErrors).toBe(0);
    expect(result.responses).toBeGreaterThanOrEqual(20);
    expect(result.latencies.count).toBe(result.responses);
    expect(seen.length).toBe(result.responses);
    const sent = Array.from({ length: result.responses }, (_, i) => (i % 3) + 1);
    expect(bodies).toEqual(sent.map((i) => `application/json {"post":"status ${i} ‘café’ https://example.com/${i}"}`));
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

describe('lean closed loop (sustained posting)', () => {
  it("sends each connection's request again once it is answered, one in flight each, and waits for the last", async () => {
    const inFlight = new Map<string, number>();
    const most = new Map<string, number>();
    let answered = 0;
    server = createServer((req, res) => {
      const who = req.headers.authorization ?? '';
      inFlight.set(who, (inFlight.get(who) ?? 0) + 1);
      most.set(who, Math.max(most.get(who) ?? 0, inFlight.get(who) ?? 0));
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          inFlight.set(who, (inFlight.get(who) ?? 0) - 1);
          answered += 1;
          res.statusCode = who === 'Bearer t2' ? 409 : 201;
          res.end(JSON.stringify({ who }));
        }, 2),
      );
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const requests = [0, 1, 2].map((i) =>
      leanRequest(url, {
        method: 'POST',
        path: '/api/v1/statuses',
        headers: { authorization: `Bearer t${i}`, 'content-type': 'application/json' },
        body: JSON.stringify({ post: `status ${i}` }),
      }),
    );
    const result = await startLeanLoad({ baseUrl: url, requests, durationS: 0.3 }).done;
    // Closed loop: never two of one connection's requests at once, and each sent many times.
    expect([...most.entries()].sort()).toEqual([
      ['Bearer t0', 1],
      ['Bearer t1', 1],
      ['Bearer t2', 1],
    ]);
    expect(result.socketErrors).toBe(0);
    expect(result.responses).toBeGreaterThan(30);
    expect(result.non2xx).toBeGreaterThan(10); // t2's 409s counted, not timed
    expect(result.latencies.count).toBe(result.responses - result.non2xx);
    // The requests in flight at the deadline were answered before it resolved (not counted: up to one a connection).
    expect([...inFlight.values()]).toEqual([0, 0, 0]);
    expect(answered - result.responses).toBeGreaterThanOrEqual(0);
    expect(answered - result.responses).toBeLessThanOrEqual(3);
  });
});
