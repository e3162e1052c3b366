/**
 * A JSON body built from pieces into one Buffer: cached pieces are bytes already (copied, not encoded again) and
 * the small per-request pieces are strings, encoded once into the body. The response is then written as it is,
 * with no string concatenation, flattening or second UTF-8 encoding of the whole page.
 */
export class JsonBytes {
  private readonly pieces: (Buffer | string)[] = [];
  private length = 0;
  // The strings pushed since the last Buffer, joined: written into the body as one piece (one encode and one length
  // each, not one per string: a feed page pushes three strings a status).
  private text = '';

  push(piece: Buffer | string): this {
    if (typeof piece === 'string') {
      this.text += piece;
      return this;
    }
    this.flush();
    this.pieces.push(piece);
    this.length += piece.length;
    return this;
  }

  /** Every piece pushed so far, in order, as one Buffer. */
  toBuffer(): Buffer {
    this.flush();
    const out = Buffer.allocUnsafe(this.length);
    let at = 0;
    for (const piece of this.pieces) at += typeof piece === 'string' ? out.write(piece, at) : piece.copy(out, at);
    return out;
  }

  private flush(): void {
    if (this.text === '') return;
    this.pieces.push(this.text);
    this.length += Buffer.byteLength(this.text);
    this.text = '';
  }
}
