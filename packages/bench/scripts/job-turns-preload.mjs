// Diagnostic preload: the job thread's turns by what started them, and the time each ran (its event loop's active
// time, less the time the thread waited for a core: the run-queue delay in /proc/thread-self/schedstat), so it holds
// under load. Not the CPU counter of schedstat: the kernel brings a running thread's sum_exec_runtime up to date only
// at a tick (4 ms here) or a switch, so a turn read from it was charged the CPU up to the thread's last tick, and the
// turn before the thread next slept was charged the rest (docs/benchmarks.md, `s16-loopstep`: the "1.3 ms" step).
// Wraps setImmediate, setTimeout, setInterval (labelled by the file:line that scheduled the callback) and the
// thread port's `message` listener (labelled by the write); the time between two starts, idle excluded, is the
// earlier turn's, its microtasks included (a message's deserialization runs before its listener: it is the turn
// before's). Counting starts at the first post (`statuses.create`); the table is written every 2 s to $TURNS_OUT as
// JSON (summarise it with job-turns-show.py). The wrapping costs tens of µs a turn (a stack trace per scheduled
// callback): compare instrumented runs with instrumented runs only. For the CPU by sampled stacks, see
// job-turns-perf.sh (TURNS_TIMELINE below).
//   TURNS_OUT=/tmp/turns.json flock /work/bench.lock node packages/bench/bin/tweeter-bench.js post --rate 200 \
//     --duration 15 --node-args "--import $PWD/packages/bench/scripts/job-turns-preload.mjs"
/* global process */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

const isJobThread =
  !isMainThread && typeof workerData === 'object' && workerData !== null && 'leaseOwner' in workerData;
if (isJobThread && parentPort) {
  const out = process.env.TURNS_OUT ?? `/tmp/job-turns-${process.pid}.json`;
  // The loop's active time (idle: in its poll) less the thread's run-queue delay, which the kernel adds when the
  // thread gets its core back, so it is current whenever the thread runs.
  const cpuMs = () =>
    performance.eventLoopUtilization().active -
    Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  const stats = new Map();
  // TURNS_TIMELINE=<file>: also every turn's start (CLOCK_MONOTONIC ns, as `perf record -k mono` stamps its samples),
  // its label and the thread's CPU then, to join with perf's samples of this thread (job-turns-perf.py).
  const timeline = process.env.TURNS_TIMELINE ? [] : null;
  const labels = new Map();
  const tid = readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0];
  let active = false;
  let label = null;
  let since = 0;
  const mark = (next) => {
    const now = cpuMs();
    if (active && label !== null) {
      const ms = now - since;
      let s = stats.get(label);
      if (!s) stats.set(label, (s = { n: 0, ms: 0, ge1: 0, ge1ms: 0, ge2: 0, ge5: 0, max: 0 }));
      s.n += 1;
      s.ms += ms;
      if (ms >= 1) {
        s.ge1 += 1;
        s.ge1ms += ms;
      }
      if (ms >= 2) s.ge2 += 1;
      if (ms >= 5) s.ge5 += 1;
      s.max = Math.max(s.max, ms);
    }
    label = next;
    since = now;
    if (timeline && active) {
      let id = labels.get(next);
      if (id === undefined) labels.set(next, (id = labels.size));
      timeline.push(Number(process.hrtime.bigint()), id, now);
    }
  };
  // Marks from inside a turn (a temporary call in the server's code while diagnosing): splits the turn there.
  globalThis.__jobTurnMark = (name) => mark(`mark ${name}`);
  const site = () => {
    for (const line of (new Error().stack ?? '').split('\n').slice(3)) {
      if (line.includes('job-turns-preload') || line.includes('node:')) continue;
      const at = /\/(?:src|dist)\/(.*?):(\d+):\d+/.exec(line);
      if (at) return `${at[1]}:${at[2]}`;
      const pkg = /node_modules\/([^/]+)/.exec(line);
      if (pkg) return `node_modules/${pkg[1]}`;
    }
    return '?';
  };
  const wrap = (original, kind) =>
    function (fn, ...rest) {
      if (typeof fn !== 'function') return original.call(this, fn, ...rest);
      const started = `${kind} ${site()}`;
      return original.call(
        this,
        function (...args) {
          mark(started);
          return fn.apply(this, args);
        },
        ...rest,
      );
    };
  globalThis.setImmediate = wrap(globalThis.setImmediate, 'setImmediate');
  globalThis.setTimeout = wrap(globalThis.setTimeout, 'setTimeout');
  globalThis.setInterval = wrap(globalThis.setInterval, 'setInterval');
  const on = parentPort.on;
  parentPort.on = function (event, listener) {
    if (event !== 'message') return on.call(this, event, listener);
    return on.call(this, event, function (message) {
      const name =
        message?.type === 'write' ? `message ${message.target}.${message.method}` : `message ${message?.type}`;
      if (!active && name === 'message statuses.create') {
        active = true;
        stats.clear();
      }
      mark(name);
      return listener.call(this, message);
    });
  };
  const dump = () => {
    mark(label);
    const rows = [...stats].map(([turn, s]) => ({ turn, ...s })).sort((a, b) => b.ms - a.ms);
    writeFileSync(out, JSON.stringify(rows));
    if (timeline)
      writeFileSync(process.env.TURNS_TIMELINE, JSON.stringify({ tid, labels: [...labels.keys()], timeline }));
  };
  globalThis.setInterval(dump, 2000).unref();
}
