import { readFileSync } from 'node:fs';
import { forEachThread } from './proc-threads.js';

/** CPU ms per thread of a process (Linux /proc/<pid>/task/<tid>/stat, utime + stime), keyed `tid name`. */
export type ThreadCpu = Map<string, number>;

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux). */
const TICK_MS = 10;

/** The process's threads and the CPU each has used so far; empty where /proc cannot be read (not Linux, no pid). */
export function threadCpu(pid: number | null): ThreadCpu {
  return forEachThread(pid, (tid) => {
    const stat = readFileSync(`/proc/${String(pid)}/task/${tid}/stat`, 'utf8');
    // `pid (comm) state ...`: comm may hold spaces, so fields are counted after its closing parenthesis.
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    return [`${tid} ${name}`, ticks * TICK_MS];
  });
}

/** CPU ms each thread used between two readings, busiest first, threads under 1% of the total left out. */
export function cpuSince(before: ThreadCpu, after: ThreadCpu): { total: number; threads: [string, number][] } {
  const threads: [string, number][] = [...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)]);
  const total = threads.reduce((sum, [, v]) => sum + v, 0);
  return { total, threads: threads.filter(([, v]) => v > total / 100).sort((a, b) => b[1] - a[1]) };
}
