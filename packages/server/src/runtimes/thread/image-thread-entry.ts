// The body of the image thread (see image-thread.ts): decodes uploads so their pixels never touch the HTTP thread.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../domain/errors.js';
import { decodeImage } from '../../services/image-decode.js';
import type { FromImageThread, ToImageThread } from './image-thread.js';

const port = parentPort;
if (!port) throw new Error('image-thread-entry runs in a worker thread (started by ImageThread)');

port.on('message', (message: ToImageThread) => {
  const { id, sizes, limits } = message;
  const input =
    typeof message.input === 'string'
      ? message.input
      : Buffer.from(message.input.buffer, message.input.byteOffset, message.input.byteLength);
  decodeImage(input, sizes, limits).then(
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
