#!/bin/bash
# One notifications run with the server's HTTP-thread minor page faults over the burst (docs/benchmarks.md,
# `s16-unread`): perf stat -t from the bench's burst line to its window line; prints the faults and the run's figures.
# Run it under the bench lock:
#   flock /work/bench.lock packages/bench/scripts/faults-burst.sh <worktree> <out dir> [notifications options]
wt=$1; out=$2; shift 2
. "$(dirname "$(realpath "$0")")/bench-child.sh"
mkdir -p $out; cd $wt
start_bench notifications $out "$@"
for i in $(seq 1 2400); do grep -q "likes at 1000/s while" $out/bench.txt && break; sleep 0.05; done
perf stat -e minor-faults -t $srv -o $out/faults.txt & fpid=$!
for i in $(seq 1 2400); do grep -q "burst window" $out/bench.txt && break; sleep 0.05; done
kill -INT $fpid; wait $fpid; wait $bpid
echo "$(grep minor-faults $out/faults.txt | awk '{print $1}') faults; $(grep -E 'unread_count_p99_ms|from_send_p99|pct_other|main_thread |gc_ms_per_s|server_thread_cpu' $out/bench.txt | tr -s ' ' | tr '\n' ';')"
