#!/usr/bin/env python3
"""V8's optimizing compiles and every isolate's collections, second by second, in a server log.

The log is the server's stdout with `--trace-gc --trace-opt` and the tick lines of scripts/mono-ticks.mjs (seconds are
counted from the first tick), e.g. a `sustained` run (docs/benchmarks.md, issue 19 `s19-nice`):

  stdbuf -oL flock /work/bench.lock node packages/bench/bin/tweeter-bench.js sustained --writers 50 --duration 10 \
    --server-out trace.log --node-args "--trace-gc --trace-opt --import $PWD/packages/bench/scripts/mono-ticks.mjs"
  python3 packages/bench/scripts/trace-seconds.py trace.log

Prints, per second, TurboFan's compiles finished and their summed time on the helper threads (ms of wall time: it
grows when the helpers wait for a core), then for each isolate (the HTTP thread's is the process's first, the job
thread's a worker's) its scavenges and mark-compacts per second with their mean pause (ms).
"""
import collections
import re
import sys

for path in sys.argv[1:]:
    t0 = None
    t = 0.0
    compiles = collections.Counter()
    compile_ms = collections.Counter()
    pauses = collections.defaultdict(list)
    for line in open(path, errors='replace'):
        tick = re.match(r'\[tick ([0-9.]+)\]', line)
        if tick:
            t = float(tick.group(1))
            t0 = t0 or t
            continue
        second = int(t - t0) if t0 else -1
        m = re.search(r'completed compiling .*took ([0-9.]+), ([0-9.]+), ([0-9.]+) ms', line)
        if m:
            compiles[second] += 1
            compile_ms[second] += float(m.group(2))
        m = re.search(r'\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: (Scavenge|Mark-Compact)[^,]*, ([0-9.]+) / ([0-9.]+) ms', line)
        if m:
            pauses[(m.group(1), m.group(2))].append((second, float(m.group(3))))
    print(path)
    print('  compiles a second (count / ms on the helpers):')
    print('   ', ' '.join(f'{s}s:{compiles[s]}/{compile_ms[s]:.0f}' for s in sorted(compiles)))
    for (isolate, kind), events in pauses.items():
        by_second = collections.defaultdict(list)
        for s, p in events:
            by_second[s].append(p)
        mean = sum(p for _, p in events) / len(events)
        print(f'  {isolate} {kind}: {len(events)}, mean {mean:.2f} ms; a second (count x mean ms):')
        print('   ', ' '.join(f'{s}s:{len(x)}x{sum(x) / len(x):.1f}' for s, x in sorted(by_second.items())))
