import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The built module, as `tweeter serve` runs it (bin/tweeter.js loads dist). */
const BUILT = new URL('../../dist/os/threads.js', import.meta.url).href;

type Thread = { tid: number; name: string; nice: number; ticks: number };

/**
 * A child node lowers V8's helpers as the server does at start, then makes V8 optimize 400 hot functions (TurboFan's
 * compiles run on the helpers) and allocate (the scavenges' helper tasks): every thread's nice value and the CPU ticks
 * it spent meanwhile.
 */
function run(nodeArgs: string[], nice: number): { lowered: number; main: number; threads: Thread[] } {
  const script = `
    const { readdirSync, readFileSync } = await import('node:fs');
    const { lowerV8Helpers } = await import(${JSON.stringify(BUILT)});
    const read = () => readdirSync('/proc/self/task').map((t) => {
      const stat = readFileSync('/proc/self/task/' + t + '/stat', 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { tid: Number(t), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), nice: Number(f[16]), ticks: Number(f[11]) + Number(f[12]) };
    });
    const lowered = lowerV8Helpers(${nice});
    const before = new Map(read().map((t) => [t.tid, t.ticks]));
    let acc = 0;
    for (let k = 0; k < 400; k++) {
      const f = new Function('x', 'let s = 0; for (let i = 0; i < 50; i++) { s += (x * ' + k + ' + i) % 7; } return s;');
      for (let i = 0; i < 20000; i++) acc += f(i);
    }
    let keep = [];
    for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 100000) keep = []; }
    const threads = read().map((t) => ({ ...t, ticks: t.ticks - (before.get(t.tid) ?? 0) }));
    process.stdout.write(JSON.stringify({ lowered, main: process.pid, threads, acc: acc > 0 }));
  `;
  const child = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { lowered: number; main: number; threads: Thread[] };
}

describe.runIf(process.platform === 'linux')("V8's helper threads lowered", () => {
  it.each([
    ['the default pool', [], 4],
    ['--v8-pool-size=2', ['--v8-pool-size=2'], 2],
  ])(
    'with %s: the threads that run the compiles are the ones lowered, the main thread is not',
    (_, args, size) => {
      const { lowered, main, threads } = run(args, 10);
      expect(lowered).toBe(size);
      const byTid = [...threads].sort((a, b) => a.tid - b.tid);
      // The main thread (the HTTP thread in the server) and the platform's delayed-task thread keep their priority.
      expect(byTid[0]).toMatchObject({ tid: main, nice: 0 });
      expect(byTid[1]?.nice).toBe(0);
      const low = threads.filter((t) => t.nice === 10);
      expect(low).toHaveLength(size);
      // Every thread but the main one that worked meanwhile (V8's compiles and GC helpers) is among those lowered:
      // the helpers were told right (a tick is 10 ms; the compiles took ~400 ms of them in a run of this script).
      const worked = threads.filter((t) => t.tid !== main && t.ticks > 0);
      expect(worked.length).toBeGreaterThan(0);
      for (const t of worked) expect(low.map((l) => l.tid)).toContain(t.tid);
    },
    30_000,
  );

  it('leaves every thread as it is at 0', () => {
    const { lowered, threads } = run([], 0);
    expect(lowered).toBe(0);
    expect(threads.every((t) => t.nice === 0)).toBe(true);
  }, 30_000);
});
