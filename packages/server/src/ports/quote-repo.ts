// Quotes: which statuses quote a status, and how many. A reply's place in its thread is the comment repository's
// record of it (a comment is a direct reply: same id, `statusId` the parent), so threads need no port of their own.

/** One status quoting another. */
export interface QuoteEdge {
  quotedId: string;
  /** The quoting status. */
  id: string;
  author: string;
}

export interface QuoteRepo {
  /**
   * Records the edge and counts it in the quoted status's quote count; idempotent (a second add of the same edge
   * writes nothing). The count converges: on DynamoDB it is ADDed right after the edge (reconciled on a fault).
   */
  add(edge: QuoteEdge): Promise<void>;
  /** Removes the edge and uncounts it; false (nothing written) if it was not there. Converges as `add`. */
  remove(quotedId: string, id: string): Promise<boolean>;
  /** Statuses quoting `quotedId`, newest first; `before` is an exclusive id. Strongly consistent. */
  list(quotedId: string, range: { before?: string; limit: number }): Promise<QuoteEdge[]>;
  /** Quote counts per status; a status never quoted may be missing (read it as 0). */
  counts(statusIds: readonly string[]): Promise<Map<string, number>>;
  /** Sets the quote count of `quotedId` to the number of its edges; returns it. */
  recount(quotedId: string): Promise<number>;
}
