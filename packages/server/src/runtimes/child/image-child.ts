import type { ErrorCode } from '@tweeter/shared';
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  PayloadTooLargeError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../domain/errors.js';
import { outputPaths, type EncodedFile } from '../../services/encoded-image.js';
import type { DecodeLimits, ImageInput, ImageSizes, ProcessedImage } from '../../services/image-decode.js';

export interface ToImageChild {
  id: number;
  /** The path of a file holding the bytes (a spooled upload: libvips reads it in the child), or the bytes. */
  input: Uint8Array | string;
  sizes: ImageSizes;
  limits: DecodeLimits;
  /** Where to write the two encoded files (a spooled upload's: they never come back over the channel). */
  output?: { image: string; preview: string } | undefined;
}

type Sent = Uint8Array | EncodedFile;

export type FromImageChild =
  | (Omit<ProcessedImage, 'image' | 'preview'> & { id: number; ok: true; image: Sent; preview: Sent })
  | { id: number; ok: false; code: ErrorCode | null; message: string; retryAfterSeconds?: number | undefined };

export interface ImageChildOptions {
  /** The nice value (0-19) of the whole child process, every thread of it; 0 leaves it at the server's. */
  nice: number;
  /** Times a decode is sent to a child in all: a decode whose child died is sent again to the next one. */
  attempts?: number;
}

interface Pending {
  message: ToImageChild;
  attempts: number;
  resolve: (out: ProcessedImage) => void;
  reject: (err: Error) => void;
}

/**
 * Decodes uploads in a child process (an ImageDecoder for ImagePipeline): sharp, libvips's workers and the share of
 * a decode that runs on libuv's pool all run in that process, which is niced as a whole, so on a loaded machine the
 * server's readers get the cores first. In a thread of the server only the threads it could find were lowered, and
 * libuv's pool (shared with the server's file reads) stayed at normal priority. A spooled upload goes by its path
 * and its two encoded files are written beside it by the child (the server moves them into the blob store), so no
 * image byte passes through the server's threads; bytes in memory (a direct upload's job) go and come over IPC. One child, started on the first upload; when it dies (killed, out
 * of memory) the decodes it held are sent to a new one (at-least-once: a decode has no effect but its answer), and a
 * decode that loses its child `attempts` times is a 503 with Retry-After.
 */
export class ImageChild {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private readonly attempts: number;
  /** Children started so far (the first one and each restart), for tests and /metrics. */
  starts = 0;

  constructor(private readonly options: ImageChildOptions = { nice: 0 }) {
    this.attempts = options.attempts ?? 2;
  }

  /** The running child's process id (null before the first upload or after it died), for tests. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  readonly decode = (input: ImageInput, sizes: ImageSizes, limits: DecodeLimits): Promise<ProcessedImage> => {
    if (this.closed) return Promise.reject(new UnavailableError('the server is stopping', 5));
    const id = this.nextId++;
    const output = typeof input === 'string' ? outputPaths(input) : undefined;
    const message: ToImageChild = { id, input, sizes, limits, output };
    return new Promise<ProcessedImage>((resolve, reject) => {
      const p: Pending = { message, attempts: 0, resolve, reject };
      this.pending.set(id, p);
      this.send(p);
    });
  };

  /** Lets decodes in flight finish, then stops the child. */
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
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      await exited;
    }
  }

  private send(p: Pending): void {
    p.attempts += 1;
    let child: ChildProcess;
    try {
      child = this.started();
    } catch (err) {
      this.pending.delete(p.message.id);
      p.reject(new UnavailableError(`image processing could not start: ${String(err)}`, 5));
      return;
    }
    // Bytes in memory are copied over the channel (a direct upload's job); an upload the server spooled goes by path.
    child.send(p.message, (err) => {
      if (err) this.lost(child, err.message);
    });
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(entryPath(), [String(this.options.nice)], {
      execArgv: entryExecArgv(),
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.starts += 1;
    // The main thread at once (the child lowers the threads it has; later ones inherit that).
    if (child.pid !== undefined && this.options.nice > 0) {
      try {
        setPriority(child.pid, this.options.nice);
      } catch {
        // Not allowed here (a sandbox): the child still tries for itself.
      }
    }
    // Never what keeps the server alive: a request waiting on a decode does that.
    child.unref();
    child.channel?.unref();
    child.on('message', (reply: FromImageChild) => this.settle(reply));
    child.on('error', (err) => this.lost(child, err.message));
    child.on('exit', (code, signal) => this.lost(child, signal ?? `exit code ${code}`));
    this.child = child;
    return child;
  }

  private settle(reply: FromImageChild): void {
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

  /** The child died: what it held goes to a new child, unless it already lost `attempts` children (then 503). */
  private lost(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = null;
    const held = [...this.pending.values()];
    for (const p of held) {
      if (p.attempts < this.attempts && !this.closed) {
        this.send(p);
      } else {
        this.pending.delete(p.message.id);
        p.reject(new UnavailableError(`image processing stopped (${why}): retry`, 2));
      }
    }
  }
}

/** The built `.js` entry, or, when this module runs from its TypeScript source (vitest, tsx), the `.ts` one. */
function entryPath(): string {
  const extension = extname(fileURLToPath(import.meta.url));
  return fileURLToPath(new URL(`./image-child-entry${extension}`, import.meta.url));
}

/** From source the child needs tsx's loader; built, nothing (the server's own flags are not the child's). */
function entryExecArgv(): string[] {
  if (extname(fileURLToPath(import.meta.url)) !== '.ts') return [];
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return ['--import', pathToFileURL(join(tsxDir, 'dist/loader.mjs')).href];
}

function asBuffer(bytes: Sent): Buffer | EncodedFile {
  return bytes instanceof Uint8Array ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

/** The child's refusal as the same domain error decodeImage throws in-process; anything else stays a 500. */
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
