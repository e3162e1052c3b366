import { IMAGE_TYPES } from '@tweeter/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PayloadTooLargeError, ValidationError } from '../domain/errors.js';
import { outputPaths } from '../services/encoded-image.js';
import { isSpooledFile, SNIFF_BYTES, type SpooledFile } from '../services/images.js';
import { payloadTooLargeMessage } from './content-types.js';
import { releaseChunk } from './release-chunk.js';

/**
 * Image bodies (uploads of up to 8 MiB) go to a temporary file as they arrive, never into one Buffer on this thread:
 * buffered, each was ~4-8 MB of chunks and their concatenation, held while it waited for a decode slot, and their
 * collection stalled the reads this thread answers. The handler gets a SpooledFile (its path, size and first bytes,
 * for the checks); the file is removed when the handler is done (discardSpooled) or the response is sent, or at once
 * when the body is refused or cut off.
 */
export function spoolImageBodies(app: FastifyInstance, into?: string): void {
  // A folder of this app's own (made on the first upload, removed on close), unless a test names one.
  let folder: Promise<string> | null = into === undefined ? null : Promise.resolve(into);
  const dir = (): Promise<string> =>
    (folder ??= mkdtemp(join(tmpdir(), 'tweeter-uploads-')).catch((err: unknown) => {
      folder = null; // tried again on the next upload
      throw err;
    }));

  app.addContentTypeParser([...IMAGE_TYPES], (req, payload, done) => {
    dir()
      .then((d) => spool(req, payload, join(d, randomUUID())))
      .then(
        (file) => done(null, file),
        (err: Error) => done(err, undefined),
      );
  });
  // Also for a body refused after it was read (a bad query string, no token) before any handler ran.
  // A callback hook that returns at once for a body that is no spooled file: every request of the app runs it, and
  // an async hook costs each one a promise and a microtask turn.
  app.addHook('onResponse', (req, _reply, done) => {
    if (isSpooledFile(req.body)) {
      discardSpooled(req.body).catch((err: unknown) => req.log.error({ err }, 'removing an upload failed'));
    }
    done();
  });
  app.addHook('onClose', async () => {
    if (folder && into === undefined) await rm(await folder, { recursive: true, force: true });
  });
}

/**
 * Removes an upload's file as soon as its handler is done with it (a client that went away may never see the
 * response whose sending removes it otherwise), and what the image child wrote beside it that was not stored (a
 * request that failed after the decode). Nothing for a body that is not a spooled file.
 */
export async function discardSpooled(body: unknown): Promise<void> {
  // Once per upload: the handler's call and the response's hook would each cost three removals on the pool.
  if (!isSpooledFile(body) || discarded.has(body)) return;
  discarded.add(body);
  const { image, preview } = outputPaths(body.path);
  await Promise.all([body.path, image, preview].map((path) => rm(path, { force: true })));
}

const discarded = new WeakSet<SpooledFile>();

async function spool(req: FastifyRequest, payload: NodeJS.ReadableStream, path: string): Promise<SpooledFile> {
  const limit = req.routeOptions.bodyLimit ?? 0;
  const tooLarge = () => new PayloadTooLargeError(payloadTooLargeMessage(req));
  // As Fastify's own parsers: a declared length over the limit is refused before a byte is read.
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const file = await open(path, 'wx');
  try {
    const { size, head } = await copyBody(payload, file, limit, tooLarge);
    await file.close();
    return { path, size, head };
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    if (err instanceof PayloadTooLargeError) throw err;
    throw new ValidationError('the upload ended before its last byte');
  }
}

/**
 * Copies each body chunk into a reused slab and writes whole slabs in order, at most two writes behind the copying
 * (the body is paused meanwhile). A chunk is a fresh Buffer of up to 64 KB (the HTTP parser's copy, outside the
 * JavaScript heap): copied at once and released (release-chunk.ts), it is neither kept across a young collection nor
 * counted towards V8's trigger of one. Chunks come from 'data' events, never from read(), which joins buffered
 * chunks into one more fresh Buffer.
 */
function copyBody(
  payload: NodeJS.ReadableStream,
  file: FileHandle,
  limit: number,
  tooLarge: () => Error,
): Promise<{ size: number; head: Buffer }> {
  const body = payload as Readable;
  return new Promise((resolve, reject) => {
    let size = 0;
    const head: Buffer[] = [];
    let headSize = 0;
    let slab = takeSlab();
    let used = 0;
    let writing: Promise<void> | null = null;
    let inFlight = 0;
    let paused = false;
    let settled = false;

    const queueWrite = (full: Buffer, length: number) => {
      inFlight += 1;
      const previous = writing;
      // Chained: each write goes at the file's position after the one before.
      writing = (async () => {
        try {
          if (previous) await previous;
          await file.write(full, 0, length);
        } finally {
          giveSlab(full);
          inFlight -= 1;
          if (paused && inFlight < 2 && !settled) {
            paused = false;
            body.resume();
          }
        }
      })();
      writing.catch((err: Error) => finish(err));
      if (inFlight >= 2) {
        paused = true;
        body.pause();
      }
    };

    const onData = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) return finish(tooLarge());
      if (headSize < SNIFF_BYTES) {
        // A copy: keeping a slice would keep the whole chunk.
        const part = Buffer.from(chunk.subarray(0, SNIFF_BYTES - headSize));
        head.push(part);
        headSize += part.length;
      }
      for (let offset = 0; offset < chunk.length;) {
        const copied = chunk.copy(slab, used, offset);
        used += copied;
        offset += copied;
        if (used === slab.length) {
          queueWrite(slab, used);
          slab = takeSlab();
          used = 0;
        }
      }
      releaseChunk(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (err: Error) => finish(err);
    const onClose = () => finish(new Error('the body was cut off'));

    function finish(err: Error | null): void {
      if (settled) return;
      settled = true;
      body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      // A body over the limit is left as Fastify's own parsers leave it (Node discards the rest after the 413 is
      // sent); a broken one is dropped.
      if (err && !(err instanceof PayloadTooLargeError)) body.destroy();
      const last = slab;
      const pending = writing;
      void (async () => {
        try {
          if (err) {
            await pending?.catch(() => undefined);
            throw err;
          }
          await pending;
          if (used > 0) await file.write(last, 0, used);
        } finally {
          giveSlab(last);
        }
      })().then(() => resolve({ size, head: Buffer.concat(head, headSize) }), reject);
    }

    if (body.destroyed) return finish(new Error('the body was cut off'));
    body.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

// Slabs are kept for the next uploads up to a bound (up to 3 per upload being received; more are left to the GC).
const SLAB_BYTES = 128 * 1024;
const FREE_SLABS_MAX = 32;
const freeSlabs: Buffer[] = [];

function takeSlab(): Buffer {
  return freeSlabs.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
}

function giveSlab(slab: Buffer): void {
  if (freeSlabs.length < FREE_SLABS_MAX) freeSlabs.push(slab);
}
