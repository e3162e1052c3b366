// The image child's main module (see image-child.ts): decodes uploads in a process of its own, every thread of it
// at a lower priority than the server's, so a decode never takes a core a reader's request wants.
import { writeFile } from 'node:fs/promises';
import { AppError } from '../../domain/errors.js';
import { decodeImage } from '../../services/image-decode.js';
import { lowerWholeProcess } from '../../os/threads.js';
import type { FromImageChild, ToImageChild } from './image-child.js';

const send = process.send?.bind(process);
if (!send) throw new Error('image-child-entry runs as a child process with an IPC channel (started by ImageChild)');

// Before any work: the threads Node started already (V8's platform threads, the signal thread) are lowered here;
// the ones started later (libuv's pool on the first decode, libvips's workers from that pool) inherit the value.
// The nice value is the first argument (ImageChild passes it).
lowerWholeProcess(Number(process.argv[2] ?? 0));

// The server went away (a crash, a kill -9): nothing is left to answer, so this process ends too.
process.on('disconnect', () => process.exit(0));

process.on('message', (message: ToImageChild) => {
  const { id, sizes, limits } = message;
  const input = typeof message.input === 'string' ? message.input : asBuffer(message.input);
  decodeImage(input, sizes, limits)
    .then(async (out) => {
      const { type, width, height, blurhash } = out;
      const { output } = message;
      if (!output)
        return { id, ok: true as const, image: out.image, preview: out.preview, type, width, height, blurhash };
      // Written here, at this process's priority; the server only moves the files.
      await Promise.all([writeFile(output.image, out.image), writeFile(output.preview, out.preview)]);
      const image = { path: output.image, size: out.image.length };
      const preview = { path: output.preview, size: out.preview.length };
      return { id, ok: true as const, image, preview, type, width, height, blurhash };
    })
    .then(
      (reply: FromImageChild) => send(reply),
      (err: unknown) => {
        const reply: FromImageChild =
          err instanceof AppError
            ? {
                id,
                ok: false,
                code: err.code,
                message: err.message,
                retryAfterSeconds: 'retryAfterSeconds' in err ? Number(err.retryAfterSeconds) : undefined,
              }
            : { id, ok: false, code: null, message: err instanceof Error ? err.message : String(err) };
        send(reply);
      },
    );
});

// Advanced serialization hands Buffers over as plain Uint8Arrays.
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
