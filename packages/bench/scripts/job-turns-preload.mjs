// Diagnostic preload: the job thread's turns by what started them, and the CPU of each (from the thread's
// /proc/thread-self/schedstat, so run-queue and idle time are not counted and the figure holds under load).
// Wraps setImmediate, setTimeout, setInterval (labelled by the file:line that scheduled the callback) and the
// thread port's `message` listener (labelled by the write); the CPU between two starts is the earlier turn's, its
// microtasks included. Counting starts at the first post (`statuses.create`); the table is written every 2 s to
// $TURNS_OUT as JSON (summarise it with job-turns-show.py). The wrapping costs tens of µs a turn (a stack trace
// per scheduled callback): compare instrumented runs with instrumented runs only.
//   TURNS_OUT=/tmp/turns.json flock /work/bench.lock node packages/bench/bin/tweeter-bench.js post --rate 200 \
//     --duration 15 --node-args "--import $PWD/packages/bench/scripts/job-turns-preload.mjs"
/* global process */
import { readFileSync, writeFileSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

const isJobThread =
  !isMainThread && typeof workerData === 'object' && workerData !== null && 'leaseOwner' in workerData;
if (isJobThread && parentPort) {
  const out = process.env.TURNS_OUT ?? `/tmp/job-turns-${process.pid}.json`;
  const cpuMs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  const stats = new Map();
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
  };
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
  };
  globalThis.setInterval(dump, 2000).unref();
}
