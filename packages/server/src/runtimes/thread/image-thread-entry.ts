// The body of the image thread (see image-thread.ts): decodes uploads so their pixels never touch the HTTP thread.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../domain/errors.js';
import { decodeImage } from '../../services/image-decode.js';
import type { FromImageThread, ImageThreadData, ToImageThread } from './image-thread.js';
import { lowerLibvipsThreads, lowerThisThread } from './thread-priority.js';

const port = parentPort;
if (!port) throw new Error('image-thread-entry runs in a worker thread (started by ImageThread)');

// Decodes yield the cores to the HTTP thread's reads: this thread, and libvips's threads (which do most of a
// decode's work and do not inherit this thread's priority), run at a lower priority.
const { nice } = workerData as ImageThreadData;
lowerThisThread(nice);
let inFlight = 0;
let watch: NodeJS.Timeout | null = null;
const LIBVIPS_WATCH_MS = 50;

/** libvips may start a thread during any decode; each is lowered within LIBVIPS_WATCH_MS of starting. */
function decoding(delta: 1 | -1): void {
  inFlight += delta;
  lowerLibvipsThreads(nice);
  if (inFlight > 0 && watch === null && nice > 0) {
    watch = setInterval(() => lowerLibvipsThreads(nice), LIBVIPS_WATCH_MS);
  } else if (inFlight === 0 && watch !== null) {
    clearInterval(watch);
    watch = null;
  }
}

port.on('message', (message: ToImageThread) => {
  const { id, sizes, limits } = message;
  decoding(1);
  const input =
    typeof message.input === 'string'
      ? message.input
      : Buffer.from(message.input.buffer, message.input.byteOffset, message.input.byteLength);
  const decoded = decodeImage(input, sizes, limits);
  decoded.finally(() => decoding(-1)).catch(() => undefined);
  decoded.then(
    (out) => {
      // Copies into plain ArrayBuffers (sharp's own memory cannot be handed over), which then move, not copy.
      const image = new Uint8Array(out.image);
      const preview = new Uint8Array(out.preview);
      const { type, width, height, blurhash } = out;
      const reply: FromImageThread = { id, ok: true, image, preview, type, width, height, blurhash };
      port.postMessage(reply, [image.buffer, preview.buffer]);
    },
    (err: unknown) => {
      const reply: FromImageThread =
        err instanceof AppError
          ? {
              id,
              ok: false,
              code: err.code,
              message: err.message,
              retryAfterSeconds: 'retryAfterSeconds' in err ? Number(err.retryAfterSeconds) : undefined,
            }
          : { id, ok: false, code: null, message: err instanceof Error ? err.message : String(err) };
      port.postMessage(reply);
    },
  );
});
