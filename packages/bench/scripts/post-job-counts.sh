#!/bin/bash
# The job thread during a `post` run at 200 posts/s (docs/benchmarks.md, `s19-post`): every server thread's context
# switches and CPU (/proc/<pid>/task/<tid>/status and schedstat) 2 s into the posting phase and again after 10 s of
# perf sampling of the job thread alone (cpu-clock at 1999 Hz, call graphs, JIT code named for perf). Run it under the
# bench lock, then:
#   flock /work/bench.lock packages/bench/scripts/post-job-counts.sh <worktree> <out dir>
#   paste <out>/s0 <out>/s1     # per thread: voluntary (wake-ups) and involuntary switches, then schedstat's ns
#   perf script -F comm,tid,ip,sym,dso -i <out>/perf.data > <out>/perf.script
#   python3 packages/bench/scripts/perf-classes.py <out>/perf.script 800      # µs a post: 2,000 posts in the 10 s
#   python3 packages/bench/scripts/perf-inclusive.py <out>/perf.script 800 '<regex>'
# (800, not 2,000: those scripts assume 4999 Hz.) The figures of a run sampled this way are not latency figures.
wt=$1; out=$2; mkdir -p $out; cd $wt
node packages/bench/bin/tweeter-bench.js post --users 10000 --writers 50 --duration 20 --rate 200 \
  --node-args "--perf-basic-prof-only-functions" --json $out/bench.json > $out/bench.txt 2>&1 &
bpid=$!
srv=""
for i in $(seq 1 1200); do srv=$(pgrep -P $bpid -f 'serve' | head -1); [ -n "$srv" ] && break; sleep 0.25; done
for i in $(seq 1 2400); do grep -q "posting with" $out/bench.txt && break; sleep 0.1; done
sleep 2
echo "server $srv bench $bpid" > $out/log
for t in /proc/$srv/task/*; do echo "$(basename $t) $(cat $t/comm)"; done > $out/threads
job=$(grep tweeter-jobs-0 $out/threads | cut -d' ' -f1)
snap() { for t in /proc/$srv/task/*; do echo "$(cat $t/comm) $(grep ctxt $t/status | tr '\n' ' ') $(cat $t/schedstat)"; done; }
snap > $out/s0; date +%s.%N > $out/t0
perf record -e cpu-clock -F 1999 -g -t $job -o $out/perf.data -- sleep 10 >> $out/log 2>&1
snap > $out/s1; date +%s.%N > $out/t1
wait $bpid
echo done >> $out/log
