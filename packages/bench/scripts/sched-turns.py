#!/usr/bin/env python3
"""The server's HTTP thread in a like burst from the scheduler's side: each stretch between two sleeps (a loop
turn, or several if epoll found work at once) split into time on a core and time runnable without one.

Record around a notifications run (the server started by the bench; its pid is the HTTP thread's tid):
  perf record -k CLOCK_MONOTONIC -e sched:sched_switch -e sched:sched_wakeup [-e cpu-clock/freq=1999/] -a -o <file> &
  flock /work/bench.lock node packages/bench/bin/tweeter-bench.js notifications ...; kill -INT %1
Usage: sched-turns.py <perf.data> <server pid> [--min-turn 10] [--window <start s> <end s>]
A stretch starts when the thread is woken from a sleep (its wait in epoll, normally) and ends when it sleeps again;
"preempted" time is the thread runnable (woken, or switched out while running) before a core took it. The burst is
the last stretch of at least 500 ms where the thread ran 30% or more of each 100 ms bin (the warm-up comes before it,
the few page reads after it are shorter), or the window the bench logs ("burst window on CLOCK_MONOTONIC"). For each stretch of --min-turn ms or more: its wall, run and wait time, how
many times it was switched out while runnable, and which threads ran on the cores while it waited.
"""
import sys, re, subprocess, collections

path, spid = sys.argv[1], int(sys.argv[2])
MIN_TURN = float(sys.argv[sys.argv.index('--min-turn') + 1]) if '--min-turn' in sys.argv else 10.0
out = subprocess.run(['perf', 'script', '-i', path, '-F', 'comm,pid,tid,cpu,time,event,trace'],
                     capture_output=True, text=True).stdout
line_re = re.compile(r'^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)$')
events = []  # (time, kind, detail) for the HTTP thread; plus who ran where
oncpu = {}  # cpu -> (tid, comm, since)
names = {}  # tid -> its latest name
tgid = {}  # tid -> pid, from the lines' own task
ran = []  # (start, end, tid, comm) every thread's runs, for "who held the cores"
for line in out.splitlines():
    m = line_re.match(line)
    if not m: continue
    comm, pid, tid, cpu, t, ev, rest = m.groups(); cpu = int(cpu); t = float(t)
    f = dict(kv.split('=', 1) for kv in re.findall(r'(\w+=\S+)', rest))
    tgid[int(tid)] = int(pid)
    if ev == 'sched_switch':
        prev, nxt = int(f['prev_pid']), int(f['next_pid'])
        if cpu in oncpu: ran.append((oncpu[cpu][2], t, oncpu[cpu][0], oncpu[cpu][1]))
        oncpu[cpu] = (nxt, f['next_comm'], t)
        names[nxt] = f['next_comm']
        if prev == spid: events.append((t, 'out', f['prev_state']))
        if nxt == spid: events.append((t, 'in', ''))
    elif int(f['pid']) == spid:
        events.append((t, 'wake', ''))

# Stretches: wake (or in after a sleep) .. out with a sleeping state.
stretches = []  # (start, end, run, wait, preemptions, waits[(a,b)])
cur = None; state = 'sleep'; since = None
for t, kind, st in events:
    if kind == 'wake' and state == 'sleep':
        cur = [t, None, 0.0, 0.0, 0, []]; state = 'runnable'; since = t
    elif kind == 'in':
        if cur is None: cur = [t, None, 0.0, 0.0, 0, []]
        if state == 'runnable' and since is not None:
            cur[3] += t - since; cur[5].append((since, t))
        state = 'running'; since = t
    elif kind == 'out' and cur is not None and state == 'running':
        cur[2] += t - since
        if st.startswith('R'):
            state = 'runnable'; since = t; cur[4] += 1
        else:
            cur[1] = t; stretches.append(tuple(cur)); cur = None; state = 'sleep'

# The burst: the last long stretch of busy 100 ms bins.
busy = collections.Counter()
for s, e, run, *_ in stretches: busy[int(s * 10)] += run
bins = sorted(b for b, v in busy.items() if v >= 0.03)
periods = []
for b in bins:
    if periods and b - periods[-1][1] <= 2: periods[-1][1] = b
    else: periods.append([b, b])
periods = [q for q in periods if q[1] - q[0] >= 4]
if '--window' in sys.argv:  # the bench's "burst window on CLOCK_MONOTONIC" line
    w = sys.argv.index('--window'); periods = [[float(sys.argv[w + 1]) * 10, float(sys.argv[w + 2]) * 10 - 1]]
if not periods: sys.exit("no burst found; busy 100 ms bins (ms ran): " + " ".join(f"{b}:{busy[b] * 1e3:.0f}" for b in sorted(busy)))
b0, b1 = periods[-1][0] / 10, (periods[-1][1] + 1) / 10
sel = [x for x in stretches if b0 <= x[0] < b1]
span = b1 - b0
tot_run = sum(x[2] for x in sel); tot_wait = sum(x[3] for x in sel)
print(f'burst {span * 1e3:.0f} ms: {len(sel)} stretches; HTTP thread ran {tot_run * 1e3:.0f} ms '
      f'({100 * tot_run / span:.0f}%), runnable without a core {tot_wait * 1e3:.0f} ms')
print('stretches by wall: count, wall ms, ran ms, waited ms, preemptions')
for lo, hi in [(0, 1), (1, 3), (3, 5), (5, 10), (10, 15), (15, 20), (20, 1e9)]:
    g = [x for x in sel if lo <= (x[1] - x[0]) * 1e3 < hi]
    if g:
        print(f'  {lo:>3}-{hi if hi < 1e9 else "inf":<4} ms {len(g):4d} {sum(x[1] - x[0] for x in g) * 1e3:7.1f}'
              f' {sum(x[2] for x in g) * 1e3:7.1f} {sum(x[3] for x in g) * 1e3:7.1f} {sum(x[4] for x in g):4d}')
# With cpu-clock samples in the same file (-e 'cpu-clock/freq=1999/'): what the server's threads ran in the burst, V8's
# helper threads (Node names them "node", like the main thread) split into optimizing compiles and GC by symbol.
samples = subprocess.run(['perf', 'script', '-i', path, '-F', 'tid,time,event,ip,sym,dso'],
                         capture_output=True, text=True).stdout
kinds = collections.defaultdict(collections.Counter)
for line in samples.splitlines():
    m = re.match(r'\s*(\d+)\s+([\d.]+):\s+cpu-clock\S*:\s+\S+\s+(.*?)\s+\((\S+)\)\s*$', line)
    if not m: continue
    tid, t, sym, dso = int(m.group(1)), float(m.group(2)), m.group(3), m.group(4)
    if tgid.get(tid) != spid or not (b0 <= t < b1): continue
    role = 'HTTP thread' if tid == spid else (names.get(tid, 'node') if names.get(tid, 'node') != 'node' else 'V8 helpers')
    if any(k in sym for k in ('compiler::', 'Compil', 'Assembler', 'Turbofan', 'Maglev')): kind = 'compile'
    elif any(k in sym for k in ('Scaveng', 'Marking', 'Sweep', 'Evacuat', 'Heap', 'GC')): kind = 'gc'
    elif 'kernel' in dso: kind = 'kernel'
    else: kind = 'other'
    kinds[role][kind] += 1
if kinds:
    print('cpu-clock samples in the burst, by server thread and kind (compile/gc by V8 symbol):')
    for role, c in sorted(kinds.items()):
        print(f'  {role}: ' + ', '.join(f'{k} {v}' for k, v in c.most_common()))
ran.sort()
for s, e, run, wait, pre, waits in sel:
    if (e - s) * 1e3 < MIN_TURN: continue
    holders = collections.Counter()
    for a, b in waits:
        for rs, re_, tid, comm in ran:
            if rs >= b: break
            if re_ > a and tid != spid and tid != 0:
                owner = tgid.get(tid)
                who = f'server {comm}/{tid}' if owner == spid else f'{comm}/{owner if owner is not None else "?"}'
                holders[who] += min(b, re_) - max(a, rs)
    top = ', '.join(f'{k} {v * 1e3:.1f}' for k, v in holders.most_common(4))
    print(f'  +{(s - b0) * 1e3:6.0f} ms: wall {(e - s) * 1e3:5.1f}, ran {run * 1e3:5.1f}, waited {wait * 1e3:5.1f} ms, '
          f'{pre} preemptions; on the cores meanwhile: {top}')
