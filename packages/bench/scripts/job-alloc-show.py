#!/usr/bin/env python3
"""Summarises job-alloc-preload.mjs's heap profile: bytes allocated by the allocating function (self) and by
function with its callees (inclusive, each function once a stack), as a share and in bytes a post.

  python3 packages/bench/scripts/job-alloc-show.py <file.heapprofile> [posts-per-second=200] [top=30]
"""
import json
import sys
from collections import Counter


def show_trace(prof, rate, top):
    """The allocation tracker's trace tree (JOB_ALLOC_MODE=track): every allocation's count and size by stack."""
    meta = prof['meta']
    ff = meta['trace_function_info_fields']
    nf = meta['trace_node_fields']
    infos = prof['trace_function_infos']
    strings = prof['strings']
    fw, nw = len(ff), len(nf)
    names = []
    for i in range(0, len(infos), fw):
        rec = dict(zip(ff, infos[i:i + fw]))
        script = strings[rec['script_name']] if rec['script_name'] < len(strings) else ''
        script = script.split('/dist/')[-1].split('/node_modules/')[-1]
        names.append(f"{strings[rec['name']] or '(anon)'} {script}:{rec['line'] + 1}")
    posts = rate * prof.get('spanMs', 10000) / 1000
    selfb, incl = Counter(), Counter()
    total = 0

    def walk(arr, stack):
        nonlocal total
        for i in range(0, len(arr), nw):
            node = dict(zip(nf, arr[i:i + nw]))
            here = names[node['function_info_index']]
            st = stack + [here]
            size = node['size']
            total += size
            selfb[here] += size
            for f in set(st):
                incl[f] += size
            walk(node['children'], st)

    sys.setrecursionlimit(100000)
    walk(prof['trace_tree'], [])
    print_split('allocated', prof, rate, posts, total, selfb, incl, top)


def print_split(what, prof, rate, posts, total, selfb, incl, top):
    """The bytes a post, by function: self, then inclusive (twice as many lines)."""
    print(f'total {what} {total / 1e6:.1f} MB in {prof.get("spanMs")} ms: {total / posts / 1024:.1f} KB a post at {rate}/s')
    print('\nself:')
    for f, b in selfb.most_common(top):
        print(f'  {100 * b / total:5.1f}%  {b / posts / 1024:7.2f} KB/post  {f}')
    print('\ninclusive:')
    for f, b in incl.most_common(top * 2):
        print(f'  {100 * b / total:5.1f}%  {b / posts / 1024:7.2f} KB/post  {f}')


def main():
    prof = json.load(open(sys.argv[1]))
    if 'trace_tree' in prof:
        return show_trace(prof, float(sys.argv[2]) if len(sys.argv) > 2 else 200.0,
                          int(sys.argv[3]) if len(sys.argv) > 3 else 30)
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 200.0
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    posts = rate * prof.get('spanMs', 10000) / 1000
    selfb = Counter()
    incl = Counter()
    total = 0

    def name(cf):
        url = cf['url'].split('/dist/')[-1].split('/node_modules/')[-1] if cf['url'] else ''
        return f"{cf['functionName'] or '(anon)'} {url}:{cf['lineNumber'] + 1}"

    def walk(node, stack):
        nonlocal total
        here = name(node['callFrame'])
        stack = stack + [here]
        size = node.get('selfSize', 0)
        if size:
            total += size
            selfb[here] += size
            for f in set(stack):
                incl[f] += size
        for c in node.get('children', []):
            walk(c, stack)

    walk(prof['head'], [])
    print_split('sampled', prof, rate, posts, total, selfb, incl, top)


if __name__ == '__main__':
    main()
