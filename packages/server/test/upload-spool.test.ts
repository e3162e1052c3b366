import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../src/http/errors.js';
import { spoolImageBodies } from '../src/http/upload-spool.js';
import { outputPaths } from '../src/services/encoded-image.js';
import { isSpooledFile, SNIFF_BYTES } from '../src/services/images.js';

const LIMIT = 256 * 1024;

/** A body of `size` bytes that are not all the same (so a wrong offset shows). */
function bytes(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) % 251));
}

/** Polls until `check` holds (a file is removed after the response is sent, not before). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await check()).toBe(true);
}

describe('image bodies spooled to a temporary file', () => {
  let dir: string;
  let app: FastifyInstance;
  let url: string;
  const seen: { size: number; head: number; onDisk: Buffer | null }[] = [];
  const empty = async () => (await readdir(dir)).length === 0;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spool-test-'));
    app = Fastify();
    app.setErrorHandler(errorHandler);
    spoolImageBodies(app, dir);
    app.post('/up', { bodyLimit: LIMIT }, async (req) => {
      if (!isSpooledFile(req.body)) throw new Error('not spooled');
      seen.push({ size: req.body.size, head: req.body.head.length, onDisk: await readFile(req.body.path) });
      return { ok: true };
    });
    app.post('/big', { bodyLimit: 16 * LIMIT }, async (req) => {
      if (!isSpooledFile(req.body)) throw new Error('not spooled');
      seen.push({ size: req.body.size, head: req.body.head.length, onDisk: await readFile(req.body.path) });
      return { ok: true };
    });
    // A handler that fails after the image child wrote its two files beside the upload.
    app.post('/decoded-then-failed', { bodyLimit: LIMIT }, async (req) => {
      if (!isSpooledFile(req.body)) throw new Error('not spooled');
      const { image, preview } = outputPaths(req.body.path);
      await Promise.all([writeFile(image, 'image'), writeFile(preview, 'preview')]);
      throw new Error('the store was down');
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    seen.length = 0;
  });
  afterEach(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands the handler a file of the whole body and its first bytes, and removes it once answered', async () => {
    const body = bytes(200_000);
    const res = await fetch(`${url}/up`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.onDisk?.equals(body)).toBe(true);
    expect([seen[0]?.size, seen[0]?.head]).toEqual([200_000, SNIFF_BYTES]);
    await eventually(empty);
  });

  it('writes bodies of many slabs, several at once in chunks of odd sizes, each byte for byte (slabs are reused)', async () => {
    const bodies = [0, 1, 2, 3].map((n) => {
      const body = bytes(3 * LIMIT + 1000 * n + 1);
      body[0] = n; // each body differs from the first byte on
      return body;
    });
    const send = async (body: Buffer) => {
      // Pieces of 1 to 100,000 bytes, so chunks straddle the slabs' ends.
      const pieces: Buffer[] = [];
      for (let at = 0, step = 1; at < body.length; at += step, step = (step * 37 + 11) % 100_000) {
        pieces.push(body.subarray(at, at + step));
      }
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = pieces.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
      const init = { method: 'POST', headers: { 'content-type': 'image/png' }, body: stream, duplex: 'half' };
      return (await fetch(`${url}/big`, init as RequestInit)).status;
    };
    expect(await Promise.all(bodies.map(send))).toEqual([200, 200, 200, 200]);
    expect(seen).toHaveLength(4);
    for (const got of seen) {
      const body = bodies.find((b) => b.length === got.size);
      expect(got.onDisk && body && got.onDisk.equals(body)).toBe(true);
    }
    await eventually(empty);
  });

  it('also removes what the image child wrote beside the upload and was not stored (a request failed after it)', async () => {
    const res = await fetch(`${url}/decoded-then-failed`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: bytes(1000),
    });
    expect(res.status).toBe(500);
    await eventually(empty);
  });

  it('refuses a body past the limit with 413, declared or streamed without a length, and keeps no file', async () => {
    const declared = await fetch(`${url}/up`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: bytes(LIMIT + 1),
    });
    expect(declared.status).toBe(413);
    // Chunked: no Content-Length, so only the count while it streams can refuse it.
    const chunks = async function* () {
      for (let i = 0; i < 8; i++) yield bytes(64 * 1024);
    };
    const streamed = await fetch(`${url}/up`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: ReadableStream.from(chunks()),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()) as unknown).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(seen).toHaveLength(0);
    await eventually(empty);
  });

  it('removes the file of an upload cut off half-way, and goes on serving', async () => {
    const { port } = new URL(url);
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/up',
      headers: { 'content-type': 'image/webp', 'content-length': 200_000 },
    });
    req.on('error', () => undefined);
    req.write(bytes(100_000));
    // Half of it is in the file when the client goes away.
    await eventually(async () => (await readdir(dir)).length === 1);
    req.destroy();
    await eventually(empty);
    expect(seen).toHaveLength(0);
    const res = await fetch(`${url}/up`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: bytes(10) });
    expect(res.status).toBe(200);
    expect(seen[0]?.onDisk?.equals(bytes(10))).toBe(true);
  });
});
