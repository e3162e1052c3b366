import { IMAGE_TYPES } from '@tweeter/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PayloadTooLargeError, ValidationError } from '../domain/errors.js';
import { outputPaths } from '../services/encoded-image.js';
import { isSpooledFile, SNIFF_BYTES, type SpooledFile } from '../services/images.js';
import { payloadTooLargeMessage } from './content-types.js';

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
  app.addHook('onResponse', (req) => discardSpooled(req.body));
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
  if (!isSpooledFile(body)) return;
  const { image, preview } = outputPaths(body.path);
  await Promise.all([body.path, image, preview].map((path) => rm(path, { force: true })));
}

async function spool(req: FastifyRequest, payload: NodeJS.ReadableStream, path: string): Promise<SpooledFile> {
  const limit = req.routeOptions.bodyLimit ?? 0;
  const tooLarge = () => new PayloadTooLargeError(payloadTooLargeMessage(req));
  // As Fastify's own parsers: a declared length over the limit is refused before a byte is read.
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const file = await open(path, 'wx');
  try {
    const { size, head } = await copyBody(payload as AsyncIterable<Buffer>, file, limit, tooLarge);
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
 * Copies each body chunk into a reused slab and writes whole slabs, at most one write behind the copying. A chunk is
 * a fresh Buffer of up to 64 KB (the HTTP parser's copy, external memory); held until its own write was done, it lived
 * across young collections under many uploads, was promoted, and its bytes counted towards the old generation's limit
 * (whole-heap collections on this thread). Copied at once, it is garbage before the next young collection.
 */
async function copyBody(
  payload: AsyncIterable<Buffer>,
  file: FileHandle,
  limit: number,
  tooLarge: () => Error,
): Promise<{ size: number; head: Buffer }> {
  let size = 0;
  const head: Buffer[] = [];
  let headSize = 0;
  let slab = takeSlab();
  let used = 0;
  let writing: Promise<void> | null = null;
  const write = async (full: Buffer, length: number) => {
    try {
      await file.write(full, 0, length);
    } finally {
      giveSlab(full);
    }
  };
  try {
    for await (const chunk of payload) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
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
          // The second slab is full too: wait for the first (the body stops being read meanwhile).
          if (writing) await writing;
          writing = write(slab, used);
          // Handled now (awaited later): a failed write while the next chunk is awaited is not an unhandled rejection.
          writing.catch(() => undefined);
          slab = takeSlab();
          used = 0;
        }
      }
    }
    if (writing) await writing;
    writing = null;
    if (used > 0) await file.write(slab, 0, used);
    return { size, head: Buffer.concat(head, headSize) };
  } finally {
    giveSlab(slab);
    if (writing) await writing.catch(() => undefined);
  }
}

// Slabs are kept for the next uploads up to a bound (2 per upload being received; more are left to the GC).
const SLAB_BYTES = 128 * 1024;
const FREE_SLABS_MAX = 32;
const freeSlabs: Buffer[] = [];

function takeSlab(): Buffer {
  return freeSlabs.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
}

function giveSlab(slab: Buffer): void {
  if (freeSlabs.length < FREE_SLABS_MAX) freeSlabs.push(slab);
}
