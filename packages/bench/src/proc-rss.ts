import { readFileSync } from 'node:fs';
import { forEachThread } from './proc-threads.js';

/**
 * Resident memory of `pid` and of its child processes (the server's image child), in bytes, from Linux /proc:
 * read by the bench without asking the server anything. undefined where /proc cannot be read (not Linux, the
 * process gone).
 */
export function residentBytes(pid: number): number | undefined {
  const own = vmRss(pid);
  if (own === undefined) return undefined;
  let total = own;
  // A child is listed under the thread that started it.
  const children = forEachThread(pid, (tid) => [tid, readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')]);
  for (const list of children.values()) {
    for (const child of list.trim().split(/\s+/)) if (child !== '') total += vmRss(Number(child)) ?? 0;
  }
  return total;
}

function vmRss(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined;
  }
}
