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

  /** Every piece pushed so far, in order, as one Buffer. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    let at = 0;
    for (const piece of this.pieces) at += typeof piece === 'string' ? out.write(piece, at) : piece.copy(out, at);
    return out;
  }
}
