#!/usr/bin/env python3
"""Joins post-trace-preload.mjs's records into each measured post's segments and says what the slowest overlapped.

  python3 packages/bench/scripts/post-trace.py <dir> [slow-fraction=0.02] [--list]

A post is joined across the processes by its socket (the bench's local port is the server's remote port) and its
place on that socket. Its due time is the paced sender's schedule (the measured phase's first request plus n x the
interval, placed so that no request left early). Segments: late (due -> written to the socket), net_in (-> the
HTTP thread's `request`), http_in (-> the write posted to the job thread), hop_to_job (-> the job thread's listener),
wait_group (-> its group's BEGIN), group (-> COMMIT's end), answer_post (-> the answer posted), hop_back (-> the HTTP
thread's `message`), http_out (-> res.end), net_out (-> the bench's read). Each slow post is charged to the segment
with the largest excess over that segment's median, and listed with what overlapped its round trip: GC by thread and
kind, job groups over 3 ms, WAL steps, each thread's run-queue wait in its window.
"""
import glob
import os
import struct
import sys
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict

W = 5
GC_KIND = {1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weakcb'}


def load(path):
    data = open(path, 'rb').read()
    n = len(data) // (8 * W)
    vals = struct.unpack(f'<{n * W}d', data[: n * W * 8])
    return [vals[i * W:(i + 1) * W] for i in range(n)]


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else 0.0


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else 0.0


def main():
    d = sys.argv[1]
    frac = float(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith('--') else 0.02
    # usage: post-trace.py <dir> [fraction] [--list] [--from S]
    listing = '--list' in sys.argv
    threads = {}
    for f in glob.glob(os.path.join(d, '*.bin')):
        pid, tid, role = os.path.basename(f)[:-4].split('-', 2)
        threads[(int(pid), int(tid), role)] = load(f)
    bench = [k for k, r in threads.items() if any(x[0] == 10 for x in r)]
    server_main = [k for k, r in threads.items() if any(x[0] == 20 for x in r)]
    job = [k for k, r in threads.items() if k[2] == 'job']
    assert bench and server_main and job, f'missing threads: {list(threads)}'
    # The last paced thread (the measured phase); the bench's other threads for their GC.
    bk = max(bench, key=lambda k: max(x[1] for x in threads[k] if x[0] == 10))
    spid = server_main[0][0]
    jk = [k for k in job if k[0] == spid]
    jk = max(jk, key=lambda k: len(threads[k]))
    mk = server_main[0]

    # Bench: per port, each write and the first read after it.
    by_port = defaultdict(list)
    pending = {}
    for code, t, port, _b, _rd in threads[bk]:
        if code == 10:
            pending[port] = [t, port, None]
            by_port[port].append(pending[port])
        elif code == 11 and port in pending and pending[port][2] is None:
            pending[port][2] = t
    sends = sorted((s for v in by_port.values() for s in v), key=lambda s: s[0])
    interval = median([b[0] - a[0] for a, b in zip(sends, sends[1:])])
    interval = round(interval * 4) / 4 or 5.0
    t0 = min(s[0] - i * interval for i, s in enumerate(sends))

    # Server: requests by remote port in order; writes by id.
    req = {}
    srv_port = defaultdict(list)
    c_of = {}
    f_of = {}
    g_of = {}
    for code, t, a, b, _rd in threads[mk]:
        if code == 20:
            req[int(a)] = {'b': t, 'port': b}
            srv_port[b].append(int(a))
        elif code == 22:
            c_of[int(b)] = (t, int(a))
        elif code == 25:
            f_of[int(a)] = t
        elif code == 26:
            g_of.setdefault(int(a), t)
    d_of, e_of = {}, {}
    begins, commits, wal = [], [], []
    open_begin = None
    for code, t, a, b, _rd in threads[jk]:
        if code == 30:
            d_of[int(a)] = t
        elif code == 35:
            e_of[int(a)] = t
        elif code == 31:
            open_begin = t
        elif code == 33 and open_begin is not None:
            begins.append(open_begin)
            commits.append(t)
            open_begin = None
        elif code == 34:
            wal.append((t, t + b))
    posts = []
    for port, lst in by_port.items():
        # The server's requests on this port from the phase's first write on (an earlier phase's socket may have had
        # the same port); aligned from the start (the sender's last records may not have been flushed).
        tns = [tn for tn in srv_port.get(port, []) if req[tn]['b'] >= lst[0][0]]
        for i, (ts, _p, ta) in enumerate(lst):
            if ta is None or i >= len(tns):
                continue
            tn = tns[i]
            r = req[tn]
            n = round((ts - t0) / interval)
            due = t0 + n * interval
            if ts < due:
                due = ts
            c = c_of.get(tn)
            p = {'due': due, 'send': ts, 'b': r['b'], 'end': ta, 'g': g_of.get(tn)}
            if c:
                p['c'], mid = c
                p['d'], p['e'], p['f'] = d_of.get(mid), e_of.get(mid), f_of.get(mid)
                if p['d'] is not None:
                    k = bisect_left(begins, p['d'])
                    if k < len(begins):
                        p['B'], p['C'] = begins[k], commits[k]
            posts.append(p)
    posts = [p for p in posts if all(p.get(k) is not None for k in ('c', 'd', 'e', 'f', 'g', 'B'))]
    posts.sort(key=lambda p: p['due'])
    segs = [('late', 'due', 'send'), ('net_in', 'send', 'b'), ('http_in', 'b', 'c'), ('hop_to_job', 'c', 'd'),
            ('wait_group', 'd', 'B'), ('group', 'B', 'C'), ('answer_post', 'C', 'e'), ('hop_back', 'e', 'f'),
            ('http_out', 'f', 'g'), ('net_out', 'g', 'end')]
    for p in posts:
        p['total'] = p['end'] - p['due']
        for name, a, b in segs:
            p[name] = max(0.0, p[b] - p[a])
    start = posts[0]['due']
    all_posts = posts
    # --from S: attribute only the posts due S seconds or more into the measured phase (the steady state).
    if '--from' in sys.argv:
        skip_s = float(sys.argv[sys.argv.index('--from') + 1])
        posts = [p for p in posts if p['due'] - start >= skip_s * 1000]
    tot = [p['total'] for p in posts]
    print(f'{len(posts)} posts joined; interval {interval} ms; p50 {pct(tot, .5):.2f} p99 {pct(tot, .99):.2f} '
          f'max {max(tot):.2f} ms; from send p99 {pct([p["end"] - p["send"] for p in posts], .99):.2f}')
    med = {name: median([p[name] for p in posts]) for name, _a, _b in segs}
    cut = pct(tot, 1 - frac)
    slow = [p for p in posts if p['total'] >= cut]
    print(f'slowest {len(slow)} (>= {cut:.2f} ms)')

    # Events to overlap.
    gcs = []  # (start, end, thread, kind)
    for k, rows in threads.items():
        name = {'main': 'http' if k[0] == spid else 'bench-main', 'job': 'job'}.get(k[2], k[2])
        if k[0] != spid and k == bk:
            name = 'bench-sender'
        elif k[0] == spid and k[2].startswith('worker'):
            name = 'ckpt'
        for code, t, a, b, _rd in rows:
            if code == 1:
                gcs.append((t, t + b, name, GC_KIND.get(int(a), str(int(a)))))
    gcs.sort()
    groups = [(b, c) for b, c in zip(begins, commits) if c - b > 3]
    # The checkpoint thread's passes, every thread's flushes, the HTTP thread's other requests (/metrics).
    passes, syncs, others = [], [], []
    for k, rows in threads.items():
        if k[0] != spid:
            continue
        if k != jk and k != mk:
            passes += [(t, t + b) for code, t, _a, b, _rd in rows if code == 34]
        syncs += [(t, t + b, 'job' if k == jk else 'ckpt') for code, t, _a, b, _rd in rows if code == 37]
    started = {}
    for code, t, a, _b, _rd in threads[mk]:
        if code == 27:
            started[a] = t
        elif code == 28 and a in started:
            others.append((started.pop(a), t))

    def run_delay(k, lo, hi):
        rows = threads[k]
        ts = [r[1] for r in rows]
        i = max(0, bisect_right(ts, lo) - 1)
        j = min(len(rows) - 1, bisect_left(ts, hi))
        return rows[j][4] - rows[i][4]

    table = []
    named = Counter()
    atall = Counter()
    for p in slow:
        ex = {name: p[name] - med[name] for name, _a, _b in segs}
        worst = max(ex, key=ex.get)
        lo, hi = p['due'], p['end']
        over = []
        for s, e, th, kind in gcs:
            if s < hi and e > lo and e - s > 0.5:
                over.append((s, f'{th} {kind} {e - s:.1f}'))
        for s, e in groups:
            if s < hi and e > lo:
                over.append((s, f'job group {e - s:.1f}'))
        for s, e in wal:
            if s < hi and e > lo:
                over.append((s, f'WAL step {e - s:.1f}'))
        for s, e in passes:
            if s < hi and e > lo and e - s > 0.5:
                over.append((s, f'ckpt pass {e - s:.1f}'))
        for s, e, th in syncs:
            if s < hi and e > lo and e - s > 0.5:
                over.append((s, f'{th} fdatasync {e - s:.1f}'))
        for s, e in others:
            if s < hi and e > lo:
                over.append((s, f'http other request {e - s:.1f}'))
        rq = {'http': run_delay(mk, lo, hi), 'job': run_delay(jk, lo, hi), 'sender': run_delay(bk, lo, hi)}
        for th, v in rq.items():
            if v > p['total'] / 2:
                over.append((lo, f'{th} run-queue {v:.1f}'))
        over.sort()
        kinds = []
        for _s, text in over:
            kk = ' '.join(w for w in text.split()[:-1])
            if kk not in kinds:
                kinds.append(kk)
        for kk in kinds:
            atall[kk] += 1
        named[kinds[0] if kinds else 'none'] += 1
        table.append((p, worst, ex[worst], over, rq))
    print('\n| segment | median (all) | mean in the slow | slow posts where largest excess | their mean in it |')
    print('|---|---|---|---|---|')
    for name, _a, _b in segs:
        mine = [p for p, w, _x, _o, _r in table if w == name]
        print(f'| {name} | {med[name]:.2f} | {sum(p[name] for p in slow) / len(slow):.2f} | {len(mine)} | '
              f'{(sum(p[name] for p in mine) / len(mine)) if mine else 0:.1f} |')
    print('\n| what overlapped the slow post | first named | at all |')
    print('|---|---|---|')
    for kk in sorted(set(atall) | set(named), key=lambda x: -atall.get(x, 0)):
        print(f'| {kk} | {named.get(kk, 0)} | {atall.get(kk, 0)} |')
    # Every thread's GC while posting, by kind.
    lo, hi = all_posts[0]['due'], all_posts[-1]['end']
    per = defaultdict(list)
    for s, e, th, kind in gcs:
        if lo <= s <= hi:
            per[(th, kind)].append(e - s)
    print('\nGC while posting (thread kind: n, mean, max ms):',
          '; '.join(f'{th} {kind}: {len(v)}, {sum(v) / len(v):.2f}, {max(v):.2f}' for (th, kind), v in sorted(per.items())))
    print(f'job groups > 3 ms while posting: {sum(1 for s, _e in groups if lo <= s <= hi)}; WAL steps: '
          f'{[round(e - s, 1) for s, e in wal if lo <= s <= hi]}')
    for skip in (1, 3, 5):
        rest = [p['total'] for p in all_posts if p['due'] - start >= skip * 1000]
        print(f'from {skip} s on: {len(rest)} posts, p99 {pct(rest, .99):.2f} ms')
    span = (hi - lo) / 1000
    print(f'checkpoint passes while posting: {sum(1 for s, _e in passes if lo <= s <= hi)} '
          f'(ms: {[round(e - s, 1) for s, e in passes if lo <= s <= hi][:40]}); flushes > 0.5 ms: '
          f'{sum(1 for s, e, _t in syncs if lo <= s <= hi and e - s > 0.5)}; other requests: '
          f'{[(round((s - start) / 1000, 2), round(e - s, 1)) for s, e in others if lo <= s <= hi]}; span {span:.1f} s')
    secs = defaultdict(list)
    for p in all_posts:
        secs[int((p['due'] - start) // 1000)].append(p['total'])
    print('p99 by second:', ' '.join(f'{s}:{pct(v, .99):.1f}' for s, v in sorted(secs.items())))
    if listing:
        print('\nat s | total | worst segment (ms) | segments | run-queue http/job/sender | overlapped')
        for p, worst, _x, over, rq in sorted(table, key=lambda x: x[0]['due']):
            segtxt = ' '.join(f'{p[n]:.1f}' for n, _a, _b in segs)
            print(f'{(p["due"] - start) / 1000:7.3f} | {p["total"]:.1f} | {worst} {p[worst]:.1f} | {segtxt} | '
                  f'{rq["http"]:.1f}/{rq["job"]:.1f}/{rq["sender"]:.1f} | {"; ".join(t for _s, t in over)}')


if __name__ == '__main__':
    main()
