#!/usr/bin/env bash
# One `sustained` run with the server's syscalls counted per thread over the posting phase (perf stat: counted, not
# sampled) and its WAL's size sampled every 0.5 s. Usage: sustained-syscalls.sh <worktree> <out dir> [bench args...]
# Takes the bench lock itself (one run).
set -u
wt=$1; out=$2; shift 2
mkdir -p "$out"
cd "$wt" || exit 1
flock /work/bench.lock bash -c '
  wt=$1; out=$2; shift 2
  date -u +%T > "$out/start"
  node packages/bench/bin/tweeter-bench.js sustained --writers 50 --duration 10 "$@" > "$out/bench.txt" 2> "$out/bench.log" &
  bench=$!
  until grep -q "posting with" "$out/bench.log" 2>/dev/null; do sleep 0.1; kill -0 $bench 2>/dev/null || break; done
  server=$(pgrep -f "$wt/packages/server/bin/tweeter.js serve" | head -1)
  perf stat --per-thread -x, -e syscalls:sys_enter_pwrite64,syscalls:sys_enter_pread64,syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync -p "$server" -o "$out/perf.csv" -- sleep 10.5 &
  (for i in $(seq 1 24); do
     wal=$(ls -l /proc/$server/fd 2>/dev/null | grep -o "/[^ ]*-wal$" | head -1)
     [ -n "$wal" ] && stat -c %s "$wal" 2>/dev/null
     sleep 0.5
   done) > "$out/wal-sizes" &
  wait $bench
  wait
  date -u +%T > "$out/end"
' _ "$wt" "$out" "$@"
