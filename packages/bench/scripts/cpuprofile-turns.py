#!/usr/bin/env python3
"""The HTTP thread's event-loop turns in a burst, from a V8 .cpuprofile: how long each was, how much of it ran,
and what ran in it.

Take the profile with the bench: `--profile <dir> --node-args "--cpu-prof-interval 100"` (the main thread's file is
the one ending in .0.001.cpuprofile). A turn is a run of samples that are not "(idle)" (Node marks the thread idle
while it waits in epoll). Its wall time against its samples splits a long turn into work and time off a core: the
sampler's ticks stop while the thread is descheduled, so a gap between two samples far over the interval is a wait.
The burst is the last stretch where samples inside --mark (default reactToStatus: the like's service call) come at
least 3 in a 100 ms bin.

Usage: cpuprofile-turns.py <file.cpuprofile> [--min-turn 10] [--mark reactToStatus] [--detail]
  prints: the turns of the burst by length (count, wall, samples, gaps), each turn of --min-turn ms or more (wall,
  samples, gaps, how many times it entered an HTTP request's head or a MessagePort message), and with --detail
  what its samples were (by entry point, by leaf function).
"""
import sys, json, collections, statistics

args = sys.argv[1:]
path = args[0]
def opt(name, default):
    return args[args.index(name) + 1] if name in args else default
MIN_TURN = float(opt('--min-turn', '10'))
MARK = opt('--mark', 'reactToStatus')

p = json.load(open(path))
node = {n['id']: n for n in p['nodes']}
parent = {c: n['id'] for n in p['nodes'] for c in n.get('children', [])}

def name(i):
    cf = node[i]['callFrame']
    return cf['functionName'] or f"(anon)@{cf['url'].split('/')[-1]}:{cf['lineNumber']}"

stacks = {}
def stack(i):
    if i not in stacks:
        s = []
        j = i
        while j is not None:
            s.append(name(j)); j = parent.get(j)
        stacks[i] = s[::-1]
    return stacks[i]

# What a sample was doing, by the outermost entry point of the loop's callback it is in.
def category(i):
    names = stack(i)
    if names[-1] in ('(idle)', '(garbage collector)', '(program)'): return names[-1]
    for n in names:
        if n == 'parserOnHeadersComplete': return 'http request (head to handler)'
        if n in ('onMessage', 'emitMessage'): return 'port message'
        if n in ('processTimers', 'listOnTimeout'): return 'timer'
        if n == 'processImmediate': return 'immediate'
    for n in names:
        if n == 'onStreamRead': return 'socket read'
        if n in ('afterWriteDispatched', 'onWriteComplete', 'afterWrite'): return 'write done'
        if n in ('processTicksAndRejections', 'runMicrotasks'): return 'ticks and promises (answers, replies)'
    return 'other: ' + ' > '.join(names[1:4])

S = p['samples']; N = len(S)
times = []
t = p['startTime']
for d in p['timeDeltas']:
    t += d; times.append(t)
idle = [name(s) == '(idle)' for s in S]
cats = {}
def cat(k):
    if S[k] not in cats: cats[S[k]] = category(S[k])
    return cats[S[k]]

bins = collections.Counter(int((times[k] - p['startTime']) / 1e5) for k in range(N) if MARK in stack(S[k]))
periods = []
for b in sorted(b for b, c in bins.items() if c >= 3):
    if periods and b - periods[-1][1] <= 3: periods[-1][1] = b
    else: periods.append([b, b])
if not periods: sys.exit(f'no burst: no stretch of samples in {MARK}')
b0 = p['startTime'] + periods[-1][0] * 1e5; b1 = p['startTime'] + (periods[-1][1] + 1) * 1e5

turns = []
k = 0
while k < N:
    if idle[k]: k += 1; continue
    j = k
    while j + 1 < N and not idle[j + 1]: j += 1
    start = times[k - 1] if k > 0 else times[k]  # the idle sample before: the turn began after it
    if b0 <= start <= b1: turns.append((start, times[j], k, j))
    k = j + 1

interval = statistics.median(times[k] - times[k - 1] for k in range(1, N))
def gaps(i, j):
    return sum(max(0, times[k] - times[k - 1] - 2 * interval) for k in range(max(i, 1), j + 1)) / 1e3

busy = sum(e - s for s, e, i, j in turns) / 1e3
span = (b1 - b0) / 1e3
print(f'{path}\nburst {span:.0f} ms ({len(periods)} stretches of {MARK}; the last), {len(turns)} turns, '
      f'median sample interval {interval:.0f} µs, not idle {busy:.0f} ms ({100 * busy / span:.0f}%)')
print('turns by wall time: count, wall ms, samples (~ms of work at the median interval), gaps over 2 intervals ms')
for lo, hi in [(0, 1), (1, 3), (3, 5), (5, 10), (10, 15), (15, 20), (20, float('inf'))]:
    sel = [x for x in turns if lo <= (x[1] - x[0]) / 1e3 < hi]
    if not sel: continue
    n = sum(j - i + 1 for s, e, i, j in sel)
    print(f'  {lo:>3}-{hi:<4} ms {len(sel):4d} {sum(e - s for s, e, i, j in sel) / 1e3:7.1f} {n:6d} (~{n * interval / 1e3:6.1f})'
          f' {sum(gaps(i, j) for s, e, i, j in sel):7.1f}')
for s, e, i, j in turns:
    wall = (e - s) / 1e3
    if wall < MIN_TURN: continue
    entries = collections.Counter()
    prev = None
    for k in range(i, j + 1):
        c = cat(k)
        if c != prev: entries[c] += 1
        prev = c
    print(f'turn at +{(s - b0) / 1e3:.0f} ms: wall {wall:.1f} ms, {j - i + 1} samples (~{(j - i + 1) * interval / 1e3:.1f} ms),'
          f' gaps {gaps(i, j):.1f} ms; entered: request heads {entries["http request (head to handler)"]},'
          f' port messages {entries["port message"]}, GC {entries["(garbage collector)"]}')
    if '--detail' in args:
        by = collections.Counter(cat(k) for k in range(i, j + 1))
        print('    by entry:', ', '.join(f'{c} {v}' for c, v in by.most_common(6)))
        leaves = collections.Counter(stack(S[k])[-1] for k in range(i, j + 1))
        print('    leaves:', ', '.join(f'{c} {v}' for c, v in leaves.most_common(8)))
