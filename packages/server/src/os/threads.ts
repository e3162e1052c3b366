import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** One thread of this process, from /proc/self/task/<tid>/stat. */
export interface ThreadInfo {
  tid: number;
  /** The kernel's name of the thread (`comm`): libvips names its threads `libvips worker`. */
  name: string;
  nice: number;
  /** User plus system CPU time so far, in clock ticks (usually 1/100 s). */
  cpuTicks: number;
}

/** Nice values are per thread only on Linux; elsewhere setPriority(0) would lower the whole process. */
export const PER_THREAD_PRIORITY = process.platform === 'linux';

/**
 * The threads of this process, or of the process `pid` (Linux; [] elsewhere). A thread that ends while it is read
 * is left out.
 */
export function listThreads(pid: number | 'self' = 'self'): ThreadInfo[] {
  if (!PER_THREAD_PRIORITY) return [];
  const out: ThreadInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out; // no /proc (a sandbox): nothing to lower
  }
  for (const entry of entries) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The name sits in parentheses and may hold spaces; the fields after it are space-separated.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    out.push({
      tid: Number(entry),
      name: stat.slice(stat.indexOf('(') + 1, close),
      nice: Number(fields[16]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
    });
  }
  return out;
}

/**
 * Lowers this whole process to `nice`: every thread it has now (on Linux nice values are per thread, and
 * setPriority(0) would lower the calling thread alone); threads started later inherit it from the thread that starts
 * them. Elsewhere setPriority(0) is the process's. Returns how many threads it lowered (a sandbox may forbid it).
 */
export function lowerWholeProcess(nice: number): number {
  if (nice <= 0) return 0;
  if (!PER_THREAD_PRIORITY) {
    try {
      setPriority(0, nice);
      return 1;
    } catch {
      return 0;
    }
  }
  return lowerThreads(listThreads(), nice);
}

/** Lowers each of `threads` not already at `nice` or below; how many it lowered. */
function lowerThreads(threads: readonly ThreadInfo[], nice: number): number {
  let changed = 0;
  for (const t of threads) {
    if (t.nice >= nice) continue;
    try {
      setPriority(t.tid, nice);
      changed += 1;
    } catch {
      // Ended between the listing and now, or not allowed (a sandbox): it keeps its priority.
    }
  }
  return changed;
}

/**
 * Lowers the calling thread alone to `nice` (Linux: nice values are per thread, and setPriority(0) names the
 * caller): a worker thread doing bulk work (the job thread, the checkpointer) gives way to the HTTP thread when both
 * want a core. Elsewhere it does nothing (it would lower the whole process). False when nothing was lowered.
 */
export function lowerThisThread(nice: number): boolean {
  if (nice <= 0 || !PER_THREAD_PRIORITY) return false;
  try {
    setPriority(0, nice);
    return true;
  } catch {
    return false; // a sandbox may forbid it: the thread keeps its priority
  }
}

/** V8's thread pool size when node's command line does not set it (`--v8-pool-size`, node's default). */
const V8_POOL_SIZE_DEFAULT = 4;

/**
 * V8's helper threads of this process (Linux; [] elsewhere, or where they cannot be told): the pool node's platform
 * starts before any JavaScript runs, where V8 runs its optimizing compiles (TurboFan) and the parallel and concurrent
 * parts of every isolate's collections. Node names them all `node`, so they are told by their order: node starts the
 * platform's delayed-task thread right after the main thread, then the pool's `--v8-pool-size` threads (4 unless
 * set; 0, node's "as many as cores", is not told), each thread of a process getting a higher id than those started
 * before it. `execArgv` is node's own command line (process.execArgv).
 */
export function v8HelperThreads(execArgv: readonly string[] = process.execArgv): ThreadInfo[] {
  let size = V8_POOL_SIZE_DEFAULT;
  for (const arg of execArgv) {
    const m = /^--v8[-_]pool[-_]size=(\d+)$/.exec(arg);
    if (m) size = Number(m[1]);
  }
  if (size <= 0) return [];
  const threads = listThreads().sort((a, b) => a.tid - b.tid);
  // The main thread's id is the process's; the helpers come after it and the delayed-task thread.
  if (threads[0]?.tid !== process.pid || threads.length < size + 2) return [];
  const helpers = threads.slice(2, size + 2);
  return helpers.every((t) => t.name === 'node') ? helpers : [];
}

/**
 * Lowers V8's helper threads (v8HelperThreads) to `nice`, so that the optimizing compiles and the collections' helper
 * work give way to the HTTP thread when both want a core. Returns how many threads it lowered.
 */
export function lowerV8Helpers(nice: number, execArgv: readonly string[] = process.execArgv): number {
  if (nice <= 0) return 0;
  return lowerThreads(v8HelperThreads(execArgv), nice);
}

/**
 * Names the calling thread (Linux: its `comm`, as `top -H`, `perf sched` and /proc/<pid>/task/<tid>/comm show it; the
 * kernel keeps 15 bytes). Node leaves every thread but the main one named `node`, so the job thread, the checkpointer
 * and V8's helper threads could not be told apart when attributing a stall to a thread. The main thread is not renamed:
 * its name is the process's (`ps`, `pgrep node`). False where it cannot be done (not Linux, no /proc).
 */
export function nameThisThread(name: string): boolean {
  if (!PER_THREAD_PRIORITY) return false;
  try {
    // /proc/thread-self is the calling thread's own /proc/<pid>/task/<tid>: no tid is needed.
    writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
    return true;
  } catch {
    return false;
  }
}
