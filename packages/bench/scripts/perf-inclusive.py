#!/usr/bin/env python3
# Inclusive samples by function from `perf script -F comm,tid,ip,sym,dso` (docs/benchmarks.md, `s16-unread`): each
# function counted once a sample it is anywhere in the stack, as % and µs per request (200 µs a sample at 4999 Hz).
#   python3 packages/bench/scripts/perf-inclusive.py <perf.script> <requests> [regex of functions] [top N]
import sys, re, collections
samples=[]; cur=None
for line in open(sys.argv[1], errors='replace'):
    if not line.strip():
        if cur is not None: samples.append(cur); cur=None
        continue
    if not line.startswith((' ','\t')): cur=[]; continue
    parts=line.strip().split(None,1)
    if len(parts)<2: continue
    m=re.match(r'(.*) \((.*)\)$', parts[1]); sym=m.group(1) if m else parts[1]
    sym=re.sub(r'\+0x[0-9a-f]+$','',sym)
    if cur is not None: cur.append(sym)
if cur: samples.append(cur)
n=len(samples); reqs=float(sys.argv[2]); pat=sys.argv[3] if len(sys.argv)>3 else None
inc=collections.Counter()
for st in samples:
    seen=set()
    for s in st:
        s2=re.sub(r'^(JS:|LazyCompile:|Function:)?[*~^]?','',s)
        s2=re.sub(r'/work/[^ ]*/(packages|node_modules)/','',s2)
        if s2 in seen: continue
        seen.add(s2); inc[s2]+=1
for k,v in inc.most_common(int(sys.argv[4]) if len(sys.argv)>4 else 150):
    if pat and not re.search(pat,k): continue
    print(f'{v/n*100:5.1f}% {v*200/reqs:6.1f}us  {k[:150]}')
