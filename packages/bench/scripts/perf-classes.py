#!/usr/bin/env python3
# Classes the HTTP thread's perf samples (docs/benchmarks.md, `s15-http`): each sample by its first frame from the
# leaf that is GC, compile, epoll/libuv, a syscall, MessagePort, SQLite, JSON or the HTTP parser, else by its innermost
# JavaScript frame's file; then the innermost JavaScript frame's tier (TurboFan `*`, Sparkplug baseline `^`).
#   perf script -F comm,tid,ip,sym,dso -i <out>/perf.data > <out>/perf.script
#   python3 packages/bench/scripts/perf-classes.py <out>/perf.script <requests in the sampled seconds>
import sys, re, collections
path = sys.argv[1]; reqs = float(sys.argv[2]) if len(sys.argv) > 2 else 0
samples = []
cur = None
for line in open(path, errors='replace'):
    if not line.strip():
        if cur is not None: samples.append(cur); cur = None
        continue
    if not line.startswith((' ', '\t')):
        cur = []; continue
    parts = line.strip().split(None, 1)
    if len(parts) < 2: continue
    rest = parts[1]
    m = re.match(r'(.*) \((.*)\)$', rest)
    sym, dso = (m.group(1), m.group(2)) if m else (rest, '')
    sym = re.sub(r'\+0x[0-9a-f]+$', '', sym)
    if cur is not None: cur.append((sym, dso))
if cur: samples.append(cur)

def jsfile(sym):
    m = re.search(r'(/[^ ]+\.(?:js|mjs|cjs)|node:[\w/_-]+)', sym)
    if not m: return None
    f = m.group(1)
    if 'node_modules/' in f:
        pkg = f.split('node_modules/')[-1].split('/')
        return 'npm:' + (pkg[0] + '/' + pkg[1] if pkg[0].startswith('@') else pkg[0])
    if '/dist/' in f: return 'ours:' + f.split('/dist/')[-1].split(':')[0]
    return f.split(':')[0] if f.startswith('/') else f

RULES = [
    ('GC', r'Heap::|Scavenger|MarkCompact|GCTracer|Sweeper|ConcurrentMarking|MinorMC|IncrementalMarking|Heap_|ScavengeJob'),
    ('compile', r'Compiler::|compiler::|maglev::|Maglev|Parser::|ParseInfo|Bytecode(Generator|Array)|baseline::|Turbofan|CompileLazy'),
    ('epoll/uv', r'ep_poll|epoll_wait|do_epoll|uv__io_poll|uv_run'),
    ('sys:writev/send', r'do_writev|__x64_sys_writev|tcp_sendmsg|__x64_sys_write$|ksys_write|sock_write_iter'),
    ('sys:read/recv', r'__x64_sys_read|ksys_read|tcp_recvmsg|sock_read_iter'),
    ('sys:fcntl', r'do_fcntl|__x64_sys_fcntl|fcntl'),
    ('sys:other', r'^(__x64_sys_|do_syscall_64|entry_SYSCALL|syscall_exit)'),
    ('MessagePort', r'MessagePort|ValueDeserializer|ValueSerializer|PostMessage|Deserialize|Serialize'),
    ('sqlite', r'^sqlite3|^better_sqlite|Statement::|Database::|pager|btree|Vdbe|vdbe'),
    ('JSON', r'JsonParser|JsonStringifier|JSON|json_'),
    ('http parse', r'llhttp|HTTPParser|Parser::Execute|http_parser'),
]
cats = collections.Counter(); files = collections.Counter(); sqlby = collections.Counter(); leafsym = collections.Counter()
kern = collections.Counter()
for st in samples:
    cat = None
    for sym, dso in st:
        for name, rx in RULES:
            if re.search(rx, sym):
                cat = name; break
        if cat: break
        if jsfile(sym): break  # a JS frame before any native category: JS
    js = next((jsfile(s) for s, d in st if jsfile(s)), None)
    ours = next((jsfile(s) for s, d in st if (jsfile(s) or '').startswith('ours:')), None)
    if cat is None:
        if js: cat = 'JS ' + (js.split(':')[0] if js.startswith(('ours:', 'npm:')) else 'node')
        elif any('[kernel' in d for s, d in st): cat = 'kernel other'
        else: cat = 'native other'
    cats[cat] += 1
    files[js or '-'] += 1
    if cat == 'sqlite' or cat == 'sys:fcntl': sqlby[ours or '-'] += 1
    leafsym[(st[0][0][:80] if st else '-')] += 1
n = len(samples)
print(f'samples {n}, requests {reqs:.0f}, us/sample {1e6/4999:.0f}')
def show(title, c, k=25):
    print('\n==', title)
    for key, v in c.most_common(k):
        per = f'{v/n*100:5.1f}%'
        us = f' {v*(1e6/4999)/reqs:7.1f} us/req' if reqs else ''
        print(f'{per}{us}  {key}')
show('categories', cats, 40); show('innermost JS file', files, 30); show('sqlite/fcntl by our file', sqlby, 15); show('leaf symbols', leafsym, 30)

tiers = collections.Counter()
for st in samples:
    tier = 'no JavaScript frame'
    for sym, dso in st:
        m = re.match(r'JS:([*~^+]?)\S* ', sym)
        if m:
            tier = {'*': 'optimized (TurboFan)', '^': 'baseline (Sparkplug)', '+': 'Maglev', '~': 'interpreted'}.get(m.group(1), 'other')
            break
    tiers[tier] += 1
show('innermost JavaScript frame by tier', tiers, 6)
