#!/bin/bash
# The job thread's turns (job-turns-preload.mjs) with perf's samples of the same thread, to join with
# job-turns-perf.py: runs one bench scenario with the preload and the server's JIT code named for perf, waits for its
# posting phase, then 3 s, and samples the thread tweeter-jobs-0 for <secs> with cpu-clock (the VM has no PMU),
# stamped with CLOCK_MONOTONIC as the preload's timeline is. Run it under the bench lock.
#   flock /work/bench.lock packages/bench/scripts/job-turns-perf.sh <worktree> <out dir> <secs> -- post --rate 200 --duration 15
#   python3 packages/bench/scripts/job-turns-perf.py <out dir> ['<turn label>']
wt=$(realpath "$1"); out=$(realpath -m "$2"); secs=$3; shift 4
mkdir -p "$out"
cd "$wt" || exit 1
TURNS_OUT=$out/turns.json TURNS_TIMELINE=$out/timeline.json node packages/bench/bin/tweeter-bench.js "$@" \
  --node-args "--perf-basic-prof-only-functions --import $wt/packages/bench/scripts/job-turns-preload.mjs" \
  --json "$out/bench.json" > "$out/bench.txt" 2>&1 &
bpid=$!
srv=""
for _ in $(seq 1 600); do srv=$(pgrep -P $bpid -f 'serve' | head -1); [ -n "$srv" ] && break; sleep 0.5; done
echo "server $srv" > "$out/log"
for _ in $(seq 1 1200); do grep -qE "posting with" "$out/bench.txt" && break; sleep 0.5; done
tid=$(grep -l tweeter-jobs-0 /proc/"$srv"/task/*/comm | head -1 | cut -d/ -f5)
echo "tid $tid" >> "$out/log"
sleep 3
echo "perf start $(date -u +%T)" >> "$out/log"
perf record -k mono -e cpu-clock -F 4999 -g -t "$tid" -o "$out/perf.data" -- sleep "$secs" >> "$out/log" 2>&1
wait $bpid
# The JIT's names: perf script reads /tmp/perf-<pid>.map, which the server left behind.
perf script -F tid,time,ip,sym,dso -i "$out/perf.data" > "$out/perf.txt" 2>/dev/null
echo done >> "$out/log"
