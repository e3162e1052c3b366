#!/bin/bash
# The server and the load generator sampled by perf through a `sustained` run (docs/benchmarks.md, `s18-sustained`):
# both processes' JIT code named for perf, cpu-clock at 1999 Hz with call graphs over 7 s of posting (from 1 s after
# "posting with"). Run it under the bench lock, then split the samples by thread:
#   flock /work/bench.lock packages/bench/scripts/perf-sustained.sh <worktree> <out dir>
#   perf script -F comm,pid,tid,ip,sym,dso -i <out>/perf.data > <out>/perf.script
#   python3 packages/bench/scripts/perf-threads.py <out>/perf.script <server pid> <bench pid> <posts in the 7 s>
#   python3 packages/bench/scripts/perf-threads.py <out>/perf.script <server pid> <bench pid> 0 tweeter-jobs-0 > job.script
# (the pids are in <out>/log; MAIN names a process's main thread: the server's HTTP thread, the bench's sender), then
# perf-classes.py / perf-inclusive.py on one thread's samples (their µs assume 4999 Hz: multiply by 2.5).
wt=$1; out=$2; mkdir -p $out; cd $wt
node --perf-basic-prof-only-functions packages/bench/bin/tweeter-bench.js sustained --writers 50 --duration 10 \
  --node-args "--perf-basic-prof-only-functions" --json $out/bench.json > $out/bench.txt 2>&1 &
bpid=$!
srv=""
for i in $(seq 1 1200); do srv=$(pgrep -P $bpid -f 'serve' | head -1); [ -n "$srv" ] && break; sleep 0.25; done
echo "server $srv bench $bpid" > $out/log
for i in $(seq 1 2400); do grep -q "posting with" $out/bench.txt && break; sleep 0.1; done
sleep 1
perf record -e cpu-clock -F 1999 -g -p $srv,$bpid -o $out/perf.data -- sleep 7 >> $out/log 2>&1
wait $bpid
echo done >> $out/log
