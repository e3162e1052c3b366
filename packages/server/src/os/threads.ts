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
  let changed = 0;
  for (const t of listThreads()) {
    if (t.nice >= nice) continue;
    try {
      setPriority(t.tid, nice);
      changed += 1;
    } catch {
      // Ended between the listing and now, or not allowed: it keeps its priority.
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
