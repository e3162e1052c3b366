#!/usr/bin/env python3
"""V8's optimizations and deoptimizations in a server log, before, in and after a window on CLOCK_MONOTONIC.

The log is the server's stdout with `--trace-opt --trace-deopt` and the tick lines of scripts/mono-ticks.mjs; the
window is the notifications bench's `burst window on CLOCK_MONOTONIC: <start> <end> s`. Prints, per phase, the
functions optimized (count), TurboFan's compile time summed (ms of the helper threads' wall time: it grows with the
machine's load), the reasons functions were marked, and every bailout with its reason.

  python3 packages/bench/scripts/opt-window.py trace.log <start> <end> [-v]
"""
import collections
import re
import sys

log, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
PHASES = ('before', 'window', 'after')
phase = 'before'
optimized = {p: collections.Counter() for p in PHASES}
compile_ms = {p: collections.Counter() for p in PHASES}
marked = {p: collections.Counter() for p in PHASES}
bailouts = {p: collections.Counter() for p in PHASES}
FUNCTION = re.compile(r'<JSFunction ([^ >]*(?: [^ (>]+)?) ?\(sfi')
for line in open(log, errors='replace'):
    tick = re.match(r'\[tick ([0-9.]+)\]', line)
    if tick:
        t = float(tick.group(1))
        phase = 'before' if t < start else ('window' if t <= end else 'after')
        continue
    f = FUNCTION.search(line)
    name = (f.group(1) or '(anonymous)') if f else '?'
    if line.startswith('[completed optimizing'):
        optimized[phase][name] += 1
    elif line.startswith('[completed compiling'):
        took = re.search(r'took ([0-9.]+), ([0-9.]+), ([0-9.]+) ms', line)
        if took:
            compile_ms[phase][name] += sum(float(x) for x in took.groups())
    elif line.startswith('[marking') and 'reason: ' in line:
        marked[phase][line.rsplit('reason: ', 1)[1].rstrip(']\n')] += 1
    elif line.startswith('[bailout'):
        reason = re.search(r'reason: (.*?)\): begin', line)
        bailouts[phase][(name, reason.group(1) if reason else '?')] += 1
for p in PHASES:
    print(f'== {p}: {sum(optimized[p].values())} optimized, compile {sum(compile_ms[p].values()):.1f} ms, '
          f'{sum(bailouts[p].values())} bailouts; marked: {dict(marked[p])}')
    if p == 'window' or '-v' in sys.argv:
        print('  optimized:', ', '.join(f'{k} {v}' for k, v in optimized[p].most_common()))
        print('  compile ms:', ', '.join(f'{k} {v:.1f}' for k, v in compile_ms[p].most_common(25)))
    print('  bailouts:', '; '.join(f'{k[0]} ({k[1]}) {v}' for k, v in bailouts[p].most_common()))
