// A preload for the bench's server (diagnosis only): a CLOCK_MONOTONIC tick line in its stdout every 25 ms from the
// main thread, so that a `--trace-opt --trace-deopt` log can be cut by the burst's window (scripts/opt-window.py).
// V8 writes its trace lines with stdio: line-buffer them (stdbuf), or ticks and trace lines interleave out of order:
//   stdbuf -oL flock /work/bench.lock node packages/bench/bin/tweeter-bench.js notifications --server-out trace.log \
//     --node-args "--trace-opt --trace-deopt --import $PWD/packages/bench/scripts/mono-ticks.mjs"
/* global process, setInterval */
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const tick = () => writeSync(1, `[tick ${(Number(process.hrtime.bigint()) / 1e9).toFixed(6)}]\n`);
  setInterval(tick, 25).unref();
}
