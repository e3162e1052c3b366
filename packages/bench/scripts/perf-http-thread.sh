#!/bin/bash
# The HTTP thread's CPU split by perf (docs/benchmarks.md, `s15-http`): runs one bench scenario with the server's
# JIT code named for perf, waits for its measured phase ("reading feeds" / "posting with"), then 3 s, samples the
# server's main thread for <secs> with cpu-clock (the VM has no PMU), then counts its syscalls for 3 s (strace -c).
# Run it under the bench lock; read the samples with perf-classes.py.
#   flock /work/bench.lock packages/bench/scripts/perf-http-thread.sh <worktree> <out dir> <secs> -- feed --rate 1000 --duration 16
# EXTRA_NODE_ARGS adds node flags to the server's (e.g. "--interrupt-budget=8192").
wt=$1; label=$(realpath -m $2); secs=$3; shift 4
out=$label; mkdir -p $out
cd $wt
node packages/bench/bin/tweeter-bench.js "$@" --node-args "--perf-basic-prof-only-functions $EXTRA_NODE_ARGS" --json $out/bench.json > $out/bench.txt 2>&1 &
bpid=$!
srv=""
for i in $(seq 1 600); do
  srv=$(pgrep -P $bpid -f 'serve' | head -1)
  [ -n "$srv" ] && break; sleep 0.5
done
echo "server $srv" > $out/log
for i in $(seq 1 1200); do grep -qE "reading feeds|posting with|feeding" $out/bench.txt && break; sleep 0.5; done
sleep 3
echo "perf start $(date -u +%T)" >> $out/log
perf record -e cpu-clock -F 4999 -g -t $srv -o $out/perf.data -- sleep $secs >> $out/log 2>&1
strace -c -p $srv -o $out/strace.txt & spid=$!
sleep 3; kill -INT $spid; wait $spid
wait $bpid
echo done >> $out/log
