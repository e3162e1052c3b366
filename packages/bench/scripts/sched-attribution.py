#!/usr/bin/env python3
"""Puts each slow feed request, and each stall of the server's HTTP thread, down to what ran on the cores then.

Inputs (in one folder, `DIR` below, default /tmp/h2), all from one `feed` run:
  <tag>.perf.data   perf record -k CLOCK_MONOTONIC -e sched:sched_switch -e sched:sched_wakeup -a (around the run)
  <tag>.trace.json  the bench's --trace file (each page's due time and latency; t0 on CLOCK_MONOTONIC)
  <tag>.server.log  the bench's --server-out with --node-args "--trace-gc-nvp" (the server's GC lines, for --stalls)
Usage: sched-attribution.py <tag> <server pid> <slow ms> <bench pid> [--threads | --stalls]
  (default) slow requests, in clusters of overlapping windows, with the CPU each thread took in the window
  --threads CPU of every server thread and the top threads of the machine over the measured window
  --stalls  the HTTP thread's continuous runs >= 5 ms (with GC events aligned) and its waits for a core >= 2 ms
Server threads: srv-http is the main thread; srv-v8 are V8's platform workers (the 2nd-5th thread Node starts);
the job thread and the checkpointer name themselves tweeter-jobs-<n> / tweeter-ckpt (perf shows them by name).
Without a trace file (search-people) the window is the server's last WIN seconds (default 15.5).
"""
import sys, json, re, subprocess, collections, os
DIR = os.environ.get('DIR', '/tmp/h2')
tag = sys.argv[1]; spid = int(sys.argv[2]); BPID = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4].isdigit() else -1; thresh = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
import os
tr = json.load(open(f'{DIR}/{tag}.trace.json')) if os.path.exists(f'{DIR}/{tag}.trace.json') else None
t0 = tr['t0Mono'] / 1e6 if tr else None  # seconds, CLOCK_MONOTONIC
reqs = [(t0 + tr['trace'][i] / 1e3, tr['trace'][i + 1]) for i in range(0, len(tr['trace']), 2)] if tr else []
out = subprocess.run(['perf', 'script', '-i', f'{DIR}/{tag}.perf.data', '-F', 'comm,pid,tid,cpu,time,event,trace'],
                     capture_output=True, text=True).stdout
tgid = {}; comm = {}
sw = re.compile(r'^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)$')
cur = {}  # cpu -> (tid, start)
iv = []   # (start, end, cpu, tid)
runnable_since = {}  # tid -> time it became runnable (woken or preempted)
waits = []  # (start, end, tid) runnable but not running
for line in out.splitlines():
    m = sw.match(line)
    if not m: continue
    c, pid, tid, cpu, t, ev, rest = m.groups(); pid = int(pid); tid = int(tid); cpu = int(cpu); t = float(t)
    if tid: tgid[tid] = pid; comm[tid] = c.strip()  # the latest name: a thread may rename itself
    if ev == 'sched_switch':
        f = dict(kv.split('=', 1) for kv in re.findall(r'(\w+=\S+)', rest))
        prev = int(f['prev_pid']); nxt = int(f['next_pid'])
        comm.setdefault(nxt, f['next_comm'])
        if cpu in cur:
            ptid, st = cur[cpu]; iv.append((st, t, cpu, ptid))
        if f['prev_state'].startswith('R') and prev: runnable_since[prev] = t
        if nxt in runnable_since:
            waits.append((runnable_since.pop(nxt), t, nxt))
        cur[cpu] = (nxt, t)
    else:
        f = dict(kv.split('=', 1) for kv in re.findall(r'(\w+=\S+)', rest))
        w = int(f['pid'])
        if w not in runnable_since: runnable_since[w] = t
# roles of the server's threads
cpu_by_tid = collections.Counter()
for st, en, c, tid in iv: cpu_by_tid[tid] += en - st
stids = sorted(t for t, p in tgid.items() if p == spid)
roles = {}
# With named threads (this branch on), every other `node` thread of the server is V8's helpers or libuv's pool (the
# pool idles during reads); before, the 2nd-5th threads Node started were V8's helpers (tids were contiguous then).
named = any(comm.get(t, '').startswith('tweeter') for t in stids)
for t in stids:
    if t == spid: roles[t] = 'srv-http'
    elif named: roles[t] = 'srv-' + comm[t] if comm.get(t, '').startswith('tweeter') else 'srv-v8'
    elif 2 <= t - spid <= 5: roles[t] = 'srv-v8'
    else: roles[t] = f'srv-{t}'
bench = [p for p in set(tgid.values()) if p != spid]
def role(tid):
    if tid == 0: return 'idle'
    if tid in roles: return roles[tid]
    p = tgid.get(tid)
    if p == BPID: return 'bench-main' if tid == p else f'bench/{tid}'
    nm = comm.get(tid, '?')
    if p is not None and nm == 'node': return f'node{p}' + ('' if tid == p else f'/{tid}')
    return nm
iv.sort(); waits.sort()
if tr is None:
    last = max(en for st, en, c, tid in iv if tid == spid); t0 = last - float(os.environ.get('WIN', '15.5')); reqs = [(last, 0)]
if '--threads' in sys.argv:
    end = reqs[-1][0]
    pt = collections.Counter()
    for st, en, c, tid in iv:
        o = min(en, end) - max(st, t0)
        if o > 0: pt[tid] += o
    for t in stids: print(t, roles[t], comm.get(t), round(pt[t], 3))
    top = collections.Counter()
    for t, s in pt.items(): top[role(t)] += s
    for r, s in top.most_common(25): print(f'{r:28s} {s:8.3f}')
    print('http wait s', http_wait(t0, end) if False else None)
    sys.exit()
import bisect
starts = [x[0] for x in iv]
def window(a, b):
    acc = collections.Counter()
    i = bisect.bisect_left(starts, a - 1.0)
    for st, en, c, tid in iv[i:]:
        if st > b: break
        o = min(en, b) - max(st, a)
        if o > 0: acc[role(tid)] += o
    return acc
def http_wait(a, b):
    s = 0
    for st, en, tid in waits:
        if tid == spid:
            o = min(en, b) - max(st, a)
            if o > 0: s += o
    return s
if '--stalls' in sys.argv:
    end = reqs[-1][0]
    # GC events of the server (log times are ms since the isolate began; aligned to srv-v8 bursts)
    gcs = []
    for line in open(f'{DIR}/{tag}.server.log'):
        m = re.match(r'\[(\d+):0x\w+\]\s+(\d+) ms: pause=([\d.]+).*? gc=(\w+)', line)
        if m and int(m.group(1)) == spid: gcs.append((int(m.group(2)) / 1e3, float(m.group(3)) / 1e3, m.group(4)))
    first = min(st for st, en, c, tid in iv if tid == spid)
    v8 = [(st, en) for st, en, c, tid in iv if roles.get(tid) == 'srv-v8']
    def score(off):
        n = 0
        for t, p, k in gcs:
            a = first + off + t - p; b = first + off + t
            n += any(st < b and en > a for st, en in v8)
        return n
    best = max(range(-50, 300, 2), key=lambda o: score(o / 1e3)) / 1e3
    gcw = [(first + best + t - p, first + best + t, p, k) for t, p, k in gcs]
    print(f'gc offset {best*1e3:.0f} ms, aligned {score(best)}/{len(gcs)}; in window:', sum(1 for a, b, p, k in gcw if t0 <= a <= end))
    runs = [(st, en) for st, en, c, tid in iv if tid == spid and t0 <= st <= end]
    # merge runs separated by < 0.2 ms (a yield to another thread and back)
    merged = []
    for st, en in runs:
        if merged and st - merged[-1][1] < 0.0002: merged[-1][1] = en
        else: merged.append([st, en])
    lw = [(a, b) for a, b, tid in waits if tid == spid and t0 <= a <= end and b - a >= 0.002]
    print('HTTP thread: continuous runs >= 5 ms:', sum(1 for a, b in merged if b - a >= 0.005), ' waits (runnable, no core) >= 2 ms:', len(lw), ' >= 5 ms:', sum(1 for a, b in lw if b - a >= 0.005))
    for a, b in merged:
        if b - a < 0.005: continue
        g = [f'{k}{p*1e3:.1f}' for ga, gb, p, k in gcw if ga < b and gb > a]
        acc = window(a, b)
        print(f'  run {a-t0:7.3f}s {1e3*(b-a):5.1f} ms gc={g} | ' + ', '.join(f'{k} {v*1e3:.1f}' for k, v in acc.most_common(5)))
    cause = collections.Counter()
    for a, b in lw:
        acc = window(a, b); acc.pop('srv-http', None); acc.pop('idle', None)
        k = acc.most_common(1)[0][0] if acc else '?'
        k2 = 'srv-v8' if k == 'srv-v8' else ('srv-other' if k.startswith('srv-') else ('bench' if k.startswith('bench') else 'external'))
        cause[k2] += 1
        if b - a >= 0.005: print(f'  wait {a-t0:7.3f}s {1e3*(b-a):5.1f} ms | ' + ', '.join(f'{k} {v*1e3:.1f}' for k, v in acc.most_common(5)))
    print('waits >= 2 ms by top thread on the cores:', dict(cause))
    sys.exit()
slow = [(d, l) for d, l in reqs if l > thresh]
print(f'{len(reqs)} requests, {len(slow)} over {thresh} ms')
# cluster slow requests whose windows overlap
clusters = []
for d, l in sorted(slow):
    if clusters and d <= clusters[-1][1]: clusters[-1][1] = max(clusters[-1][1], d + l / 1e3); clusters[-1][2] += 1; clusters[-1][3] = max(clusters[-1][3], l)
    else: clusters.append([d, d + l / 1e3, 1, l])
tot = collections.Counter(); totn = collections.Counter(); tot2 = collections.Counter(); pres = collections.Counter()
for a, b, n, mx in clusters:
    acc = window(a, b); w = http_wait(a, b); dur = b - a
    srv_http = acc.get('srv-http', 0); v8 = acc.get('srv-v8', 0)
    other_srv = sum(v for k, v in acc.items() if k.startswith('srv-') and k not in ('srv-http', 'srv-v8'))
    benchs = sum(v for k, v in acc.items() if k.startswith('bench'))
    ext = sum(v for k, v in acc.items() if not k.startswith('srv-') and not k.startswith('bench') and k != 'idle')
    top = ', '.join(f'{k} {v*1e3:.1f}' for k, v in acc.most_common(6))
    # cause: largest share besides the http thread's own running
    cause = max([('http-running', srv_http), ('srv-v8(GC/JIT)', v8), ('srv-other-threads', other_srv), ('bench', benchs), ('external', ext)], key=lambda x: x[1])[0]
    tot[cause] += n; totn['all'] += n
    ours = max([('http-running', srv_http), ('srv-v8(GC/JIT)', v8), ('srv-other-threads', other_srv), ('bench', benchs)], key=lambda x: x[1])[0]
    tot2[ours] += n
    if v8 >= 0.001: pres['srv-v8>=1ms'] += n
    if benchs >= 0.001: pres['bench>=1ms'] += n
    if ext >= 0.001: pres['external>=1ms'] += n
    if w >= 0.002: pres['http-waited>=2ms'] += n
    print(f'{a-t0:8.3f}s {dur*1e3:6.1f}ms n={n:3d} max={mx:6.1f} http_wait={w*1e3:5.1f} cause={cause:18s} | {top}')
print('slow requests by cause:', {k: f'{v} ({100*v/max(1,totn["all"]):.0f}%)' for k, v in tot.items()})
print('without external, top of ours:', {k: f'{v} ({100*v/max(1,totn["all"]):.0f}%)' for k, v in tot2.items()})
print('present in the window:', {k: f'{v} ({100*v/max(1,totn["all"]):.0f}%)' for k, v in pres.items()})
