#!/usr/bin/env python3
"""Summarises job-turns-preload.mjs's table: the job thread's turns by what started them, their CPU in all, how many
ran 1, 2 and 5 ms or more (and the CPU of those of 1 ms or more), and the longest.

Usage: job-turns-show.py <turns.json> [rows]
"""
import json, sys

rows = json.load(open(sys.argv[1]))
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 25
print(f"{'turn started by':60} {'turns':>6} {'CPU ms':>7} {'>=1ms':>6} {'(ms)':>6} {'>=2ms':>6} {'>=5ms':>6} {'max':>5}")
for r in rows[:limit]:
    print(f"{r.get('turn', r.get('k', '?'))[:60]:60} {r['n']:6} {r['ms']:7.0f} {r['ge1']:6} {r['ge1ms']:6.0f} {r['ge2']:6} {r['ge5']:6} {r['max']:5.1f}")
total = lambda k: sum(r[k] for r in rows)
print(f"all: {total('n')} turns, {total('ms'):.0f} ms CPU, {total('ge1')} >= 1 ms, {total('ge2')} >= 2 ms, {total('ge5')} >= 5 ms")
