import { readdirSync, readFileSync } from 'node:fs';
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

/** This process's threads (Linux; [] elsewhere). A thread that ends while it is read is left out. */
export function listThreads(): ThreadInfo[] {
  if (!PER_THREAD_PRIORITY) return [];
  const out: ThreadInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/task');
  } catch {
    return out; // no /proc (a sandbox): nothing to lower
  }
  for (const entry of entries) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${entry}/stat`, 'utf8');
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
 * Lowers the calling thread's scheduling priority to `nice` (Linux; a no-op elsewhere or at 0). Returns whether it
 * could: a sandbox that forbids it leaves the thread at the server's priority, which is slower for readers but works.
 */
export function lowerThisThread(nice: number): boolean {
  if (!PER_THREAD_PRIORITY || nice <= 0) return false;
  try {
    setPriority(0, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lowers every libvips worker thread of this process to `nice`. Needed because they do not inherit the image
 * thread's priority: libvips starts them from libuv's pool threads (where sharp runs), which any thread may have
 * started first. Returns how many it changed. Only threads at a higher priority are touched (an unprivileged
 * process may lower priorities, never raise them).
 */
export function lowerLibvipsThreads(nice: number): number {
  if (!PER_THREAD_PRIORITY || nice <= 0) return 0;
  let changed = 0;
  for (const t of listThreads()) {
    if (!t.name.startsWith('libvips') || t.nice >= nice) continue;
    try {
      setPriority(t.tid, nice);
      changed += 1;
    } catch {
      // The thread ended between the listing and now (or a sandbox forbids it: it keeps its priority).
    }
  }
  return changed;
}
