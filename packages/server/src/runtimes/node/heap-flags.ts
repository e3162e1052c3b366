/**
 * The V8 flags the server process runs with (`npm start`, the `tweeter` command's first line, the bench), in one
 * place so they cannot drift apart.
 *
 * Why: every request body is read on the HTTP thread, and an image upload is about 64 body chunks of 64 KB, each a
 * Buffer whose bytes live outside the JavaScript heap. With V8's default young generation (semi-spaces that start at
 * 1 MB and grow only when much survives), the young generation was collected every ~100-150 ms under 20 uploads at
 * once; a chunk still waiting for its write to the spool file at two collections was promoted, and the old
 * generation counts its 64 KB of outside bytes towards its limit, so a few hundred promoted chunks started a full
 * (mark-compact) collection: 9-10 per 40 s of uploads, and more than 40 pauses over 10 ms on the HTTP thread.
 * Semi-spaces of at least 16 MB make young collections ~8 times rarer; with the spool copying each chunk at once
 * (http/upload-spool.ts) a chunk is dropped long before one runs, and the mark-compacts went from 6-11 to 0-1 per 45 s
 * of uploads (docs/benchmarks.md).
 *
 * One fixed size, 32 MB (min = max): with 16-32 the young generation grew to 32 MB a few seconds into traffic, and
 * its new pages were then written for the first time under load, each 4 KB page a fault on the thread allocating:
 * ~4,500 faults on the HTTP thread in a 1,000-like burst, ~40 µs of a like's ~600 µs (docs/benchmarks.md, issue 22
 * `s16-unread`). At one size nothing is committed later (V8 never shrinks them below the floor), and start-up writes
 * both semi-spaces once (startup-survivors.ts). The cost is memory: 64 MB for the two, resident from the start.
 *
 * `--no-memory-reducer`: V8's memory reducer shrinks a heap that looks idle with two or three mark-compacts in a row,
 * each a pause of 15-80 ms (155 ms on a loaded machine) on the thread that owns the heap, and they come as a lull
 * ends. In the bench they ran on every thread 16-33 s after start, as the writers' sign-in gave way to posting: in one
 * traced run they were behind 32 of the 61 slowest posts; when they ran earlier, the limits they lowered brought an
 * ordinary mark-compact into the first seconds of posting (docs/benchmarks.md, `s13-post`). The cost: a heap that
 * grew in a busy spell is not given back when the server goes idle; the ordinary collections still run.
 */
export const SERVER_NODE_FLAGS: readonly string[] = [
  '--min-semi-space-size=32',
  '--max-semi-space-size=32',
  '--no-memory-reducer',
];

/**
 * Whether node was started with the young-generation floor of SERVER_NODE_FLAGS, or the operator's own value of it:
 * `--min-semi-space-size` is not allowed in NODE_OPTIONS, so node's command line (execArgv) is the only place it can
 * be. (V8's new space size cannot tell: without the flag it grows under load and shrinks back when idle.)
 */
export function heapFlagsApplied(execArgv: readonly string[]): boolean {
  return execArgv.some((arg) => /^--min[-_]semi[-_]space[-_]size(=|$)/.test(arg));
}
