#!/usr/bin/env python3
"""Samples every thread's CPU of every node process (and the machine's busy time) every 20 ms, stamped on
CLOCK_MONOTONIC (the clock of post-trace-preload.mjs), until killed; then `--show` joins it to a trace:

  python3 packages/bench/scripts/thread-cpu-sampler.py record /tmp/pt/cpu.txt &   # before the traced run
  python3 packages/bench/scripts/thread-cpu-sampler.py show /tmp/pt/cpu.txt /tmp/pt [from_ms] [to_ms] [step_ms]

`show` prints, for each step around the measured phase's first post (from_ms..to_ms relative to it), the CPU ms
each thread (pid/comm) ran and what the rest of the machine ran (/proc/stat's busy time less the node threads').
utime/stime count in clock ticks (4 ms here): read them over 50 ms or more.
"""
import glob
import os
import struct
import sys
import time

TICK = os.sysconf('SC_CLK_TCK')


def node_pids():
    out = []
    for p in glob.glob('/proc/[0-9]*/comm'):
        try:
            if open(p).read().strip() in ('node', 'MainThread'):
                out.append(int(p.split('/')[2]))
        except OSError:
            pass
    return out


def record(path):
    with open(path, 'w') as f:
        while True:
            now = time.monotonic() * 1000
            try:
                cpu = open('/proc/stat').readline().split()[1:]
                busy = sum(int(x) for i, x in enumerate(cpu) if i not in (3, 4))
            except OSError:
                busy = 0
            rows = [f'T {now:.3f} {busy}']
            for pid in node_pids():
                for st in glob.glob(f'/proc/{pid}/task/*/stat'):
                    try:
                        s = open(st).read()
                    except OSError:
                        continue
                    comm = s[s.index('(') + 1:s.rindex(')')].replace(' ', '_')
                    rest = s[s.rindex(')') + 2:].split()
                    rows.append(f'{pid} {st.split("/")[4]} {comm} {int(rest[11]) + int(rest[12])}')
            f.write('\n'.join(rows) + '\n')
            f.flush()
            time.sleep(0.02)


def show(path, trace_dir, lo=-600.0, hi=600.0, step=50.0):
    # The measured phase's first post: the latest sender thread's first write (as post-trace.py finds it).
    first = None
    for fn in glob.glob(os.path.join(trace_dir, '*.bin')):
        data = open(fn, 'rb').read()
        n = len(data) // 40
        vals = struct.unpack(f'<{n * 5}d', data[: n * 40])
        writes = [vals[i * 5 + 1] for i in range(n) if vals[i * 5] == 10]
        if writes and (first is None or min(writes) > first):
            first = min(writes)
    samples = []
    cur = None
    for line in open(path):
        parts = line.split()
        if parts[0] == 'T':
            cur = (float(parts[1]) - first, int(parts[2]), {})
            samples.append(cur)
        elif cur is not None and len(parts) == 4:
            cur[2][(parts[0], parts[1], parts[2])] = int(parts[3])
    samples = [s for s in samples if lo - step <= s[0] <= hi + step]
    edges = [lo + i * step for i in range(int((hi - lo) / step) + 1)]

    def at(t):
        return min(samples, key=lambda s: abs(s[0] - t))

    rows = []
    names = set()
    for a, b in zip(edges, edges[1:]):
        s0, s1 = at(a), at(b)
        per = {}
        for k, v in s1[2].items():
            d = (v - s0[2].get(k, v)) * 1000 / TICK
            if d > 0:
                per[f'{k[0]}/{k[2]}'] = per.get(f'{k[0]}/{k[2]}', 0) + d
        ours = sum(per.values())
        machine = (s1[1] - s0[1]) * 1000 / TICK
        per['rest of machine'] = max(0.0, machine - ours)
        names |= set(per)
        rows.append((a, per))
    names = sorted(names, key=lambda n: -sum(r[1].get(n, 0) for r in rows))
    print('ms from first post | ' + ' | '.join(names))
    for a, per in rows:
        print(f'{a:7.0f} | ' + ' | '.join(f'{per.get(n, 0):.0f}' for n in names))


if __name__ == '__main__':
    if sys.argv[1] == 'record':
        record(sys.argv[2])
    else:
        show(sys.argv[2], sys.argv[3], *(float(x) for x in sys.argv[4:7]))
