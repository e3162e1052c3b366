#!/bin/bash
# The server's HTTP thread sampled by perf through a notifications run (docs/benchmarks.md, `s16-unread`): the
# server's JIT code named for perf, cpu-clock at 4999 Hz on CLOCK_MONOTONIC from the warm-up's start to the burst's
# end, and its minor page faults (perf stat) over the same span. Run it under the bench lock; cut the samples to the
# burst with the window the bench logs ("burst window on CLOCK_MONOTONIC: <start> <end> s"):
#   flock /work/bench.lock packages/bench/scripts/perf-burst.sh <worktree> <out dir> [notifications options]
#   perf script --time <start>,<end> -F comm,tid,ip,sym,dso -i <out>/perf.data > <out>/perf.script
#   python3 packages/bench/scripts/perf-classes.py <out>/perf.script <likes>
#   python3 packages/bench/scripts/perf-inclusive.py <out>/perf.script <likes> [regex] [top N]
# EXTRA adds node flags to the server's.
wt=$1; out=$2; shift 2
mkdir -p $out; cd $wt
node packages/bench/bin/tweeter-bench.js notifications "$@" --node-args "--perf-basic-prof-only-functions $EXTRA" --json $out/bench.json > $out/bench.txt 2>&1 &
bpid=$!
srv=""
for i in $(seq 1 1200); do srv=$(pgrep -P $bpid -f 'serve' | head -1); [ -n "$srv" ] && break; sleep 0.25; done
echo "server $srv" > $out/log
for i in $(seq 1 2400); do grep -q "warm-up:" $out/bench.txt && break; sleep 0.25; done
perf stat -e minor-faults,major-faults -t $srv -o $out/faults.txt &
fpid=$!
perf record -k CLOCK_MONOTONIC -e cpu-clock -F 4999 -g -t $srv -o $out/perf.data >> $out/log 2>&1 &
ppid=$!
for i in $(seq 1 2400); do grep -q "burst window" $out/bench.txt && break; sleep 0.1; done
sleep 0.3; kill -INT $ppid $fpid; wait $ppid $fpid
wait $bpid
echo done >> $out/log
