import { MessageChannel } from 'node:worker_threads';

// A port closed at once: a message posted on it is still serialized (so what it transfers is detached) and dropped.
const { port1: nowhere } = new MessageChannel();
nowhere.close();

/** Smaller Buffers are left to the GC: the point is the HTTP parser's body chunks (up to 64 KB each). */
const MIN_BYTES = 4096;

/**
 * Frees a body chunk's memory now rather than at the next young collection. Each chunk the HTTP parser hands over is
 * a fresh ArrayBuffer outside the JavaScript heap, and V8 counts those bytes until a collection sweeps them: once the
 * young generation holds 32 MB of them (8 uploads of 4 MB, dead or not) an allocation forces a scavenge ("external
 * memory pressure") on the HTTP thread. A transferred ArrayBuffer is detached: its bytes are uncounted and freed at
 * once. Only a Buffer that is the whole of its own ArrayBuffer is released (never a slice of a shared pool), and the
 * caller must not read it after.
 */
export function releaseChunk(chunk: Buffer): void {
  const whole = chunk.buffer;
  if (chunk.byteOffset !== 0 || chunk.length !== whole.byteLength || chunk.length < MIN_BYTES) return;
  if (!(whole instanceof ArrayBuffer)) return;
  try {
    nowhere.postMessage(null, [whole]);
  } catch {
    // Not transferable (marked so by its owner): left to the GC as before.
  }
}
