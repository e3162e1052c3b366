# Sourced by the fault-counting scripts: start_bench <scenario> <out dir> [options] runs one bench scenario in the
# background (its output in <out>/bench.txt, its figures in <out>/bench.json) and sets bpid (the bench) and srv (the
# server child it started, once up), waiting up to 5 minutes for the server to start.
start_bench() {
  local scenario=$1 out=$2
  shift 2
  node packages/bench/bin/tweeter-bench.js "$scenario" "$@" --json "$out/bench.json" > "$out/bench.txt" 2>&1 &
  bpid=$!
  srv=""
  for i in $(seq 1 1200); do srv=$(pgrep -P $bpid -f 'serve' | head -1); [ -n "$srv" ] && break; sleep 0.25; done
}
