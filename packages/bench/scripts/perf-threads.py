#!/usr/bin/env python3
# The samples of `perf script -F comm,pid,tid,ip,sym,dso` (perf-sustained.sh) by process and thread, in µs of CPU a
# post at 1999 Hz: the server's job thread, HTTP thread (MAIN), V8's helpers (`node`) and checkpoint thread, and
# the load generator's. With a thread name after the posts, prints that thread's samples only (for perf-classes.py,
# perf-inclusive.py).
#   python3 perf-threads.py <perf.script> <server pid> <bench pid> <posts in the sampled seconds> [thread]
import sys, collections
path, srv, bench, posts = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
want = sys.argv[5] if len(sys.argv) > 5 else None

def thread(line):
    p = line.split()
    comm = ' '.join(p[:-1])
    pid, tid = p[-1].split('/')
    if comm == 'node' and tid == pid: comm = 'MAIN'
    who = 'server' if pid == srv else 'bench' if pid == bench else 'other'
    return who, comm

counts = collections.Counter()
keep = False
for line in open(path, errors='replace'):
    if line.strip() and not line.startswith((' ', '\t')):
        key = thread(line)
        counts[key] += 1
        keep = want is not None and key[0] == 'server' and key[1] == want
        if want is not None and want.startswith('bench:'): keep = key == ('bench', want[6:])
    if keep: sys.stdout.write(line)
if want is None:
    for (who, comm), n in counts.most_common():
        print(f'{who:7} {comm:16} {n:7} samples {n * 1e6 / 1999 / posts:7.1f} µs a post')
