import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/**
 * The job thread's young generation (MB a semi-space). Why its own: the writer takes a post's message only between
 * two of its turns, so its pauses are a post's wait. With the server's semi-spaces (16-32 MB then, 32 now,
 * heap-flags.ts, sized for the HTTP thread's upload chunks) the job thread scavenged about once a second at 200
 * posts/s, 21 ms each on a loaded machine (docs/benchmarks.md, issue 19 `s9-post`); a small young generation scavenges more often but in a
 * fraction of the time, what a post's p99 needs.
 */
export const JOB_THREAD_SEMI_SPACE_MB = { min: 8, max: 8 } as const;

/**
 * Starts a worker whose isolate gets `semiSpaceMb` for its young generation. A worker's `resourceLimits` cannot do it:
 * V8 lets the process's `--max-semi-space-size` flag win over an isolate's constraints. So the flags are set for the
 * moment the worker's isolate is created (V8 reads them only while configuring a new heap; the running heaps keep
 * theirs) and put back as the worker comes online, to the process's own values (0: V8's default).
 */
export function startWithSemiSpace(
  semiSpaceMb: { min: number; max: number },
  start: () => Worker,
  execArgv: readonly string[] = process.execArgv,
): Worker {
  setFlagsFromString(`--max-semi-space-size=${semiSpaceMb.max}`);
  setFlagsFromString(`--min-semi-space-size=${semiSpaceMb.min}`);
  let worker: Worker;
  try {
    worker = start();
  } catch (err) {
    restoreSemiSpace(execArgv);
    throw err;
  }
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    restoreSemiSpace(execArgv);
  };
  worker.once('online', restore);
  worker.once('exit', restore);
  return worker;
}

function restoreSemiSpace(execArgv: readonly string[]): void {
  // Max first, min second, each to the process's value: V8 keeps min ≤ max when it configures a heap.
  setFlagsFromString(`--max-semi-space-size=${flagValue(execArgv, 'max')}`);
  setFlagsFromString(`--min-semi-space-size=${flagValue(execArgv, 'min')}`);
}

/** The value of `--{min,max}-semi-space-size` on node's command line (its last one), 0 when absent. */
export function flagValue(execArgv: readonly string[], which: 'min' | 'max'): number {
  const pattern = new RegExp(`^--${which}[-_]semi[-_]space[-_]size=(\\d+)$`);
  let value = 0;
  for (const arg of execArgv) {
    const m = pattern.exec(arg);
    if (m?.[1]) value = Number(m[1]);
  }
  return value;
}
