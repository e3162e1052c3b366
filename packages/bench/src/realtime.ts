import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';

/** The calling thread's kernel id (Linux: /proc/thread-self is `<pid>/task/<tid>`), or null elsewhere. */
export function thisThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Puts thread `tid` in the real-time class SCHED_FIFO at `priority` (1-99), or back in the normal class with 0,
 * through util-linux's `chrt` (Node has no binding for sched_setscheduler). True if it took; false where it cannot
 * (no chrt, not Linux, no CAP_SYS_NICE): the thread then keeps its class and the caller reports that.
 *
 * Why a load generator wants it: on the bench's two cores a sender thread woken by its timer waited for a core behind
 * the server's threads (or sat on a busy core's queue while the other core was idle), up to 4-8 ms, and that wait
 * was charged to the server. A real-time thread takes a core as soon as it wakes and gives it back when it sleeps: it
 * stands in for a client on a machine of its own. The CPU it uses is the same; only when it gets it changes.
 */
export function setRealtime(tid: number | null, priority: number): boolean {
  if (tid === null) return false;
  const args = priority > 0 ? ['-f', '-p', String(priority), String(tid)] : ['-o', '-p', '0', String(tid)];
  try {
    execFileSync('chrt', args, { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}
