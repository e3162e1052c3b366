#!/usr/bin/env python3
"""Joins job-turns-perf.sh's perf samples of the job thread with the preload's timeline of its turns: each sample is
charged to the turn that had started last, so a turn's CPU is counted by samples (4,999 a second of CPU), not read
from a counter. Prints, by turn label, the turns that started in perf's window, their CPU by samples and the preload's
own figure (active time less run-queue delay) for the same turns; with a label, where that label's samples were
(the event loop's phase, the stacks' frames under it, the time since the turn started).

Usage: job-turns-perf.py <out dir> ['<turn label>' [stacks]]
"""
import bisect, collections, json, re, sys

HZ = 4999
out = sys.argv[1]
want = sys.argv[2] if len(sys.argv) > 2 else None
d = json.load(open(f"{out}/timeline.json"))
tl, names = d["timeline"], d["labels"]
starts = [tl[i] / 1e9 for i in range(0, len(tl), 3)]
label = [names[tl[i + 1]] for i in range(0, len(tl), 3)]
busy = [tl[i + 2] for i in range(0, len(tl), 3)]

samples, cur = [], None
for line in open(f"{out}/perf.txt"):
    if not line.strip():
        if cur:
            samples.append(cur)
        cur = None
    elif not line.startswith("\t"):
        m = re.match(r"\s*\d+\s+([\d.]+):", line)
        cur = (float(m.group(1)), []) if m else None
    elif cur is not None:
        cur[1].append(line.strip().split(" ", 1)[-1].split(" (")[0])
if cur:
    samples.append(cur)
t0, t1 = samples[0][0], samples[-1][0]

turns, pre = collections.Counter(), collections.Counter()
for i in range(len(starts) - 1):
    if t0 <= starts[i] and starts[i + 1] <= t1:
        turns[label[i]] += 1
        pre[label[i]] += busy[i + 1] - busy[i]
hits, chosen = collections.Counter(), []
for t, stack in samples:
    i = bisect.bisect_right(starts, t) - 1
    if i < 0 or t > starts[-1]:
        continue
    hits[label[i]] += 1
    if label[i] == want:
        chosen.append((t - starts[i], stack))
print(f"perf window {t1 - t0:.1f} s: {len(samples)} samples, {len(samples) / HZ * 1000:.0f} ms of CPU")
print(f"{'turn started by':55} {'turns':>6} {'perf ms':>8} {'µs each':>8} {'preload ms':>10} {'µs each':>8}")
for name, n in hits.most_common(20):
    ms = n / HZ * 1000
    k = max(turns[name], 1)
    print(f"{name[:55]:55} {turns[name]:6} {ms:8.0f} {1000 * ms / k:8.0f} {pre[name]:10.0f} {1000 * pre[name] / k:8.0f}")
if want:
    def phase(stack):
        for i, frame in enumerate(stack):
            if frame == "uv_run":
                return i
        return len(stack)
    print(f"\n{want}: {len(chosen)} samples; by the loop's phase")
    for name, n in collections.Counter(
        (s[phase(s) - 1] if 0 < phase(s) < len(s) else "no uv_run") for _, s in chosen
    ).most_common(8):
        print(f"{n:6} {name}")
    print("by ms since the turn started:", sorted(collections.Counter(min(int(dt * 1000), 10) for dt, _ in chosen).items()))
    print("by the 8 frames under the loop's phase:")
    for name, n in collections.Counter(
        " < ".join(s[max(0, phase(s) - 9) : phase(s) - 1]) for _, s in chosen
    ).most_common(int(sys.argv[3]) if len(sys.argv) > 3 else 10):
        print(f"{n:6} {name}\n")
