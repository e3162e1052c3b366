import type { ErrorCode } from '@tweeter/shared';
import type { Worker } from 'node:worker_threads';
import {
  PayloadTooLargeError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../domain/errors.js';
import type { DecodeLimits, ImageInput, ImageSizes, ProcessedImage } from '../../services/image-decode.js';
import { startEntry } from './start-entry.js';

export interface ToImageThread {
  id: number;
  /** The bytes, or the path of a file holding them (read by libvips on the thread). */
  input: Uint8Array | string;
  sizes: ImageSizes;
  limits: DecodeLimits;
}

export type FromImageThread =
  | (Omit<ProcessedImage, 'image' | 'preview'> & { id: number; ok: true; image: Uint8Array; preview: Uint8Array })
  | { id: number; ok: false; code: ErrorCode | null; message: string; retryAfterSeconds?: number | undefined };

/** What the thread starts with. */
export interface ImageThreadData {
  /** The nice value (0-19) of the thread and of libvips's threads; 0 leaves them at the server's priority. */
  nice: number;
}

interface Pending {
  resolve: (out: ProcessedImage) => void;
  reject: (err: Error) => void;
}

/**
 * Decodes uploads on a thread of their own (an ImageDecoder for ImagePipeline). On the HTTP thread each decode
 * left ~10 MB of raw pixels and encoder output behind, and its collection (full GCs of a large heap) stalled feed
 * reads by 30-100 ms; here the upload's bytes move to the thread (transferred, not copied) and only the two encoded
 * files move back. The pipeline's semaphore still bounds how many run at once (the server's: one). On Linux the
 * thread and libvips's threads run at a lower priority (`nice`): when decodes and reads want the same core, the
 * reads get it. Started on the first upload.
 */
export class ImageThread {
  /** Decodes run at `nice` (Linux): readers' requests on the HTTP thread get the cores first. */
  constructor(private readonly data: ImageThreadData = { nice: 0 }) {}

  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  /** Decodes on the thread; bytes that own their whole ArrayBuffer move there (the caller's Buffer becomes empty). */
  readonly decode = (input: ImageInput, sizes: ImageSizes, limits: DecodeLimits): Promise<ProcessedImage> => {
    if (this.closed) return Promise.reject(new UnavailableError('the server is stopping', 5));
    const id = this.nextId++;
    const message: ToImageThread = { id, input, sizes, limits };
    return new Promise<ProcessedImage>((resolve, reject) => {
      // In flight from now on: close() waits for it, even while the thread is still starting.
      this.pending.set(id, { resolve, reject });
      this.started().then(
        (worker) => send(worker, message),
        (err: unknown) => this.settle({ id, ok: false, code: null, message: String(err) }),
      );
    });
  };

  /** Lets decodes in flight finish (a worker terminated inside libvips can take the process down), then stops it. */
  async close(): Promise<void> {
    this.closed = true;
    const settled = [...this.pending.values()].map(
      (p) =>
        new Promise<void>((done) => {
          const { resolve, reject } = p;
          p.resolve = (out) => (resolve(out), done());
          p.reject = (err) => (reject(err), done());
        }),
    );
    await Promise.all(settled);
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private async started(): Promise<Worker> {
    if (this.worker) return this.worker;
    // sharp loaded here first: with glibc, a thread that exits would otherwise unload libvips under the others.
    await import('sharp').catch(() => undefined);
    if (this.worker) return this.worker;
    const worker = startEntry('image-thread-entry', this.data);
    // Never what keeps the process alive: the request waiting on a decode does that.
    worker.unref();
    worker.on('message', (reply: FromImageThread) => this.settle(reply));
    worker.on('error', (err) => this.lost(worker, err.message));
    worker.on('exit', (code) => this.lost(worker, `exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private settle(reply: FromImageThread): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.ok) {
      const { id: _id, ok: _ok, image, preview, ...rest } = reply;
      pending.resolve({ ...rest, image: asBuffer(image), preview: asBuffer(preview) });
    } else {
      pending.reject(rebuild(reply.code, reply.message, reply.retryAfterSeconds));
    }
  }

  /** The thread died: what it held fails with 503 (retryable), and the next upload starts a new thread. */
  private lost(worker: Worker, why: string): void {
    if (this.worker === worker) this.worker = null;
    const failed = [...this.pending.values()];
    this.pending.clear();
    for (const p of failed) p.reject(new UnavailableError(`image processing stopped (${why}): retry`, 2));
  }
}

function send(worker: Worker, message: ToImageThread): void {
  const { input } = message;
  const whole =
    typeof input !== 'string' &&
    input.byteOffset === 0 &&
    input.byteLength === input.buffer.byteLength &&
    input.buffer instanceof ArrayBuffer;
  try {
    // A slice of Node's shared pool (a small body) must not move: the pool would go with it. It is copied.
    worker.postMessage(message, whole ? [input.buffer] : []);
  } catch {
    // A buffer that cannot move (memory of a native module's) is copied instead.
    worker.postMessage(message);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The thread's refusal as the same domain error decodeImage throws on this thread; anything else stays a 500. */
function rebuild(code: ErrorCode | null, message: string, retryAfterSeconds: number | undefined): Error {
  switch (code) {
    case 'payload_too_large':
      return new PayloadTooLargeError(message);
    case 'validation_failed':
      return new ValidationError(message);
    case 'unsupported_media_type':
      return new UnsupportedMediaTypeError(message);
    case 'unavailable':
      return new UnavailableError(message, retryAfterSeconds ?? 60);
    default:
      return new Error(message);
  }
}
