#!/usr/bin/env bash
# Summarises a sustained-syscalls.sh run: the bench's figures, syscalls a post per thread, the WAL's largest size.
out=$1
posts=$(grep -o "count [0-9]*" "$out/bench.txt" | head -1 | cut -d" " -f2)
echo "$(cat "$out/start")-$(cat "$out/end") posts=$posts"
grep -E "posts_per_s|fanout_rows_per_s|drain_s|cpu_pct|server_thread_cpu|wal_restart|bulk_group_ms|interactive_group_ms|gc_minor" "$out/bench.txt"
awk -F, -v posts="$posts" '$2 ~ /^[0-9]+$/ && $2 > 0 { split($1, t, "-"); n = t[1]; sub(/-[0-9]+$/, "", $1); a[$1 " " $4] += $2 }
  END { for (k in a) printf "  %-40s %8.2f a post\n", k, a[k] / posts }' "$out/perf.csv" | sort
echo "  wal max MB $(sort -n "$out/wal-sizes" | tail -1 | awk '{ printf "%.0f", $1 / 1048576 }')"
