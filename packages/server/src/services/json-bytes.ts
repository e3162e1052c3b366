/**
 * A JSON body built from pieces into one Buffer: cached pieces are bytes already (copied, not encoded again) and
 * the small per-request pieces are strings, encoded once into the body. The response is then written as it is,
 * with no string concatenation, flattening or second UTF-8 encoding of the whole page.
 */
export class JsonBytes {
  private readonly pieces: (Buffer | string)[] = [];
  private length = 0;

  push(piece: Buffer | string): this {
    this.pieces.push(piece);
    this.length += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
    return this;
  }

  /** Every piece pushed so far, in order, as one Buffer; from `bodies` where given (see BodyBuffers). */
  toBuffer(bodies?: BodyBuffers): Buffer {
    const out = bodies ? bodies.take(this.length) : Buffer.allocUnsafe(this.length);
    let at = 0;
    for (const piece of this.pieces) at += typeof piece === 'string' ? out.write(piece, at) : piece.copy(out, at);
    return out;
  }
}

/**
 * Response bodies' memory used again: a body taken here is handed back (`give`) once its response is written, and the
 * next body is written into the same memory. A feed page's body (~25 KB) is past Node's buffer pool, so each was
 * fresh malloc'd memory, freed only when a scavenge collected its Buffer: a scavenge freed a hundred or so at once, the
 * allocator gave the top of its heap back to the system, and the next bodies faulted their pages in again (~4% of
 * the HTTP thread at 1,000 pages/s, in `toBuffer`'s copy and `malloc`). A body longer than `size` is allocated as
 * before. Only a body taken and not yet given back is taken back, once: giving one twice, or one not from here, does
 * nothing.
 */
export class BodyBuffers {
  private readonly free: ArrayBuffer[] = [];
  private readonly out = new WeakSet<ArrayBuffer>();

  constructor(
    private readonly size = 64 * 1024,
    private readonly keep = 32,
  ) {}

  /** A Buffer of `length` bytes, its contents undefined (as Buffer.allocUnsafe's). */
  take(length: number): Buffer {
    if (length > this.size) return Buffer.allocUnsafe(length);
    const memory = this.free.pop() ?? new ArrayBuffer(this.size);
    this.out.add(memory);
    return Buffer.from(memory, 0, length);
  }

  /** `body` (from `take`) is written and nothing refers to it any more: its memory is taken again. */
  give(body: Buffer): void {
    const memory = body.buffer;
    if (!(memory instanceof ArrayBuffer) || !this.out.delete(memory)) return;
    if (this.free.length < this.keep) this.free.push(memory);
  }
}
