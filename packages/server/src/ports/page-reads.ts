/**
 * A page's reads in one consistent read of the store, where the store can give one cheaply (SQLite's read-only
 * connection: one read transaction instead of one a statement). The page's reads must all be synchronous underneath
 * (no I/O awaited between them), so the read never outlives the turn the page runs in.
 */
export interface PageReads {
  /** Runs `read`, its store reads inside one read transaction that ends when `read` settles. */
  run<T>(read: () => Promise<T>): Promise<T>;
}
