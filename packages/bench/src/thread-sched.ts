import { readFileSync } from 'node:fs';
import { forEachThread } from './proc-threads.js';

/** One thread's scheduler totals (Linux /proc/<pid>/task/<tid>/schedstat), in ns. */
interface Sched {
  name: string;
  runNs: number;
  /** Time spent runnable but waiting for a core (the run queue): on a shared machine, where a tail hides. */
  waitNs: number;
  /** Times it was put on a core (wake-ups and returns from preemption): a count, whatever the machine's load. */
  runs: number;
}

export type ThreadSched = Map<number, Sched>;

/** Every thread of `pid` with its CPU and run-queue wait so far; empty where /proc cannot be read. */
export function threadSched(pid: number | null): ThreadSched {
  return forEachThread(pid, (tid) => {
    const [run, wait, runs] = readFileSync(`/proc/${String(pid)}/task/${tid}/schedstat`, 'utf8')
      .trim()
      .split(' ');
    const comm = readFileSync(`/proc/${String(pid)}/task/${tid}/comm`, 'utf8').trim();
    return [Number(tid), { name: comm, runNs: Number(run), waitNs: Number(wait), runs: Number(runs) }];
  });
}

/**
 * Per thread name (threads of one name summed, e.g. libuv's pool), µs of CPU and µs of run-queue wait per request
 * between two readings; names under 2% of the CPU left out. The main thread is the one whose tid is the pid.
 */
export function schedPerRequest(
  pid: number | null,
  before: ThreadSched,
  after: ThreadSched,
  requests: number,
): { cpu: Record<string, number>; wait: Record<string, number>; runs: Record<string, number> } {
  const cpu = new Map<string, number>();
  const wait = new Map<string, number>();
  const runs = new Map<string, number>();
  for (const [tid, now] of after) {
    const was = before.get(tid);
    const name = tid === pid ? 'main' : now.name;
    cpu.set(name, (cpu.get(name) ?? 0) + now.runNs - (was?.runNs ?? 0));
    wait.set(name, (wait.get(name) ?? 0) + now.waitNs - (was?.waitNs ?? 0));
    runs.set(name, (runs.get(name) ?? 0) + now.runs - (was?.runs ?? 0));
  }
  const total = [...cpu.values()].reduce((a, b) => a + b, 0);
  const per = (ns: number): number => Math.round(ns / 1000 / Math.max(1, requests));
  const kept = [...cpu].filter(([, ns]) => ns > total / 50).sort((a, b) => b[1] - a[1]);
  return {
    cpu: Object.fromEntries(kept.map(([name, ns]) => [name, per(ns)])),
    wait: Object.fromEntries(kept.map(([name]) => [name, per(wait.get(name) ?? 0)])),
    // Per request, to two decimals (a count: 1.00 is one wake-up a request).
    runs: Object.fromEntries(
      kept.map(([name]) => [name, Math.round(((runs.get(name) ?? 0) * 100) / Math.max(1, requests)) / 100]),
    ),
  };
}
