#!/bin/bash
# One feed run with the server's HTTP-thread minor page faults over 8 s of its measured phase (docs/benchmarks.md,
# `s17-feed`): perf stat -t from 1 s after the bench's "reading feeds" line; prints faults a page and the run's figures.
# Run it under the bench lock:
#   flock /work/bench.lock packages/bench/scripts/faults-feed.sh <worktree> <out dir> [feed options]
wt=$1; out=$(realpath -m $2); shift 2
. "$(dirname "$(realpath "$0")")/bench-child.sh"
mkdir -p $out; cd $wt
start_bench feed $out "$@"
for i in $(seq 1 2400); do grep -q "reading feeds" $out/bench.txt && break; sleep 0.05; done
sleep 1
perf stat -e minor-faults -t $srv -o $out/faults.txt -- sleep 8
wait $bpid
echo "$(grep minor-faults $out/faults.txt | awk '{print $1}') faults in 8 s; $(grep -E 'cpu_pct|feed_latency_ms|server_cpu_us_per_req|server_thread_cpu' $out/bench.txt | tr -s ' ' | tr '\n' ';')"
