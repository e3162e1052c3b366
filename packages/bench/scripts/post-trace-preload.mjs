// Diagnostic preload: every post's round trip, stamped on one clock in every thread of both processes, for
// post-trace.py. Load it in the bench and in its server:
//   POST_TRACE_DIR=/tmp/pt1 flock /work/bench.lock node --import $PWD/packages/bench/scripts/post-trace-preload.mjs \
//     packages/bench/bin/tweeter-bench.js post --users 10000 --writers 50 --duration 20 --rate 200 \
//     --node-args "--import $PWD/packages/bench/scripts/post-trace-preload.mjs"
//   python3 packages/bench/scripts/post-trace.py /tmp/pt1
// (workers inherit node's --import, so the bench's paced thread and the server's job and checkpoint threads load it.)
// The clock: process.hrtime (CLOCK_MONOTONIC), the same in every thread and process; GC entries' performance.now()
// times are moved onto it by a per-thread offset. Each thread appends fixed-size records (Float64Array, no object a
// record) to its own file once a second. Recorded:
//   bench paced thread: a request written to a lean socket (its local port), the socket's next read (the answer);
//   HTTP thread: `request` (the socket's remote port), the handler's start, the write posted to the job thread, its
//     answer received, `res.end`;
//   job thread: a write's message taken, the writer's BEGIN / COMMIT (start, end), the WAL step
//     (wal_checkpoint(PASSIVE)), the answer posted;
//   every thread: its GC pauses (kind: 1 scavenge, 2 mark-compact, 4 incremental marking, 8 weak callbacks) and,
//   at each record, its run-queue delay so far (schedstat's second field: the kernel adds it when the thread gets
//   its core back, so it is current whenever the thread runs; the first field, CPU, is stale between ticks).
// s13's traps avoided: /proc is read with one fd and readSync into a 128-byte buffer (readFileSync allocates 64 KB
// for a file of size 0), and nothing allocates per record beyond what the wrapped calls do.
/* global process, Buffer, setInterval */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import diagnostics from 'node:diagnostics_channel';
import { syncBuiltinESMExports } from 'node:module';
import { Worker, isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';

const dir = process.env.POST_TRACE_DIR;
if (dir) {
  // Record: [code, t (ms, CLOCK_MONOTONIC), a, b, runDelayMs]
  const W = 5;
  const buf = new Float64Array(W * 400_000);
  let n = 0;
  let flushed = 0;
  const sched = openSync('/proc/thread-self/schedstat', 'r');
  const sbuf = Buffer.alloc(128);
  const runDelay = () => {
    const len = readSync(sched, sbuf, 0, 128, 0);
    let i = 0;
    while (i < len && sbuf[i] !== 32) i++;
    let v = 0;
    for (i++; i < len && sbuf[i] >= 48 && sbuf[i] <= 57; i++) v = v * 10 + (sbuf[i] - 48);
    return v / 1e6;
  };
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const rec = (code, a = 0, b = 0, t = now()) => {
    if (n + W > buf.length) return;
    buf[n] = code;
    buf[n + 1] = t;
    buf[n + 2] = a;
    buf[n + 3] = b;
    buf[n + 4] = runDelay();
    n += W;
  };
  const role = isMainThread
    ? 'main'
    : workerData && typeof workerData === 'object' && 'leaseOwner' in workerData
      ? 'job'
      : `worker${threadId}`;
  const file = `${dir}/${process.pid}-${threadId}-${role}.bin`;
  const fd = openSync(file, 'a');
  const flush = () => {
    if (n > flushed) {
      writeSync(fd, new Uint8Array(buf.buffer, flushed * 8, (n - flushed) * 8));
      flushed = n;
    }
  };
  setInterval(flush, 1000).unref();
  process.on('exit', flush);
  // performance.now() → CLOCK_MONOTONIC ms, for this thread.
  const offset = now() - performance.now();
  rec(0, offset); // 0: thread start (a: the offset)
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) rec(1, e.detail?.kind ?? 0, e.duration, e.startTime + offset);
  }).observe({ entryTypes: ['gc'] });

  // The bench's lean sockets (lean-http.ts: `connect` with `onread`): a request written, the next read.
  const connect = net.connect;
  net.connect = function (options, ...rest) {
    if (options && typeof options === 'object' && options.onread?.callback) {
      const cb = options.onread.callback;
      let socket;
      options = {
        ...options,
        onread: {
          ...options.onread,
          callback(bytes, b) {
            rec(11, socket?.localPort ?? 0, bytes);
            return cb.call(this, bytes, b);
          },
        },
      };
      socket = connect.call(this, options, ...rest);
      const write = socket.write;
      socket.write = function (chunk, ...r) {
        rec(10, socket.localPort ?? 0, chunk?.length ?? 0);
        return write.call(this, chunk, ...r);
      };
      return socket;
    }
    return connect.call(this, options, ...rest);
  };
  // `import { connect } from 'node:net'` reads the ESM facade: bring it up to date with the patched object.
  syncBuiltinESMExports();

  // HTTP thread: requests (tagged by arrival order), the handler, res.end.
  let seq = 0;
  let current = -1;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, req, res) {
    if (event === 'request' && req.method === 'POST' && req.url === '/api/v1/statuses') {
      const tn = ++seq;
      req.__tn = tn;
      res.__tn = tn;
      rec(20, tn, req.socket?.remotePort ?? 0);
    } else if (event === 'request') {
      // Any other request (the bench's /metrics scrapes): 27 at its start, 28 at res.end.
      const tn = ++seq;
      res.__other = tn;
      rec(27, tn);
    }
    return emit.apply(this, arguments);
  };
  diagnostics.subscribe('tracing:fastify.request.handler:start', (m) => {
    const tn = m?.request?.raw?.__tn;
    if (tn) {
      current = tn;
      rec(21, tn);
    }
  });
  const end = http.ServerResponse.prototype.end;
  http.ServerResponse.prototype.end = function (...args) {
    if (this.__tn) rec(26, this.__tn);
    else if (this.__other) rec(28, this.__other);
    return end.apply(this, args);
  };
  // The write posted to the job thread (tied to the request whose handler ran last: the write leaves in its
  // microtasks) and its answer.
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (m, ...r) {
    if (m?.type === 'write' && m.method === 'create' && current > 0) {
      rec(22, m.id, current);
      current = -1;
    }
    return post.call(this, m, ...r);
  };
  const wemit = Worker.prototype.emit;
  Worker.prototype.emit = function (event, m) {
    if (event === 'message' && m?.type === 'written') rec(25, m.id);
    return wemit.apply(this, arguments);
  };

  // Every flush (fdatasync: the checkpoint thread's, 37, b: ms).
  const fsMod = await import('node:fs');
  const fdatasyncSync = fsMod.default.fdatasyncSync;
  fsMod.default.fdatasyncSync = function (...a) {
    const t0 = now();
    try {
      return fdatasyncSync.apply(this, a);
    } finally {
      rec(37, 0, now() - t0, t0);
    }
  };
  syncBuiltinESMExports();
  if (role === 'job' && parentPort) {
    const on = parentPort.on;
    parentPort.on = function (event, listener) {
      if (event !== 'message') return on.call(this, event, listener);
      return on.call(this, event, function (m) {
        if (m?.type === 'write') rec(30, m.id, m.method === 'create' ? 1 : 0);
        return listener.call(this, m);
      });
    };
    const ppost = parentPort.postMessage;
    parentPort.postMessage = function (m, ...r) {
      if (m?.type === 'written') rec(35, m.id);
      return ppost.call(this, m, ...r);
    };
  }
  if (!isMainThread) {
    // better-sqlite3's statements: BEGIN IMMEDIATE (31), COMMIT (32 start, 33 end), wal_checkpoint(PASSIVE) (34, b: ms:
    // the job thread's WAL step, the checkpoint thread's pass).
    const { createRequire } = await import('node:module');
    const require = createRequire(`${process.cwd()}/package.json`);
    let Database;
    try {
      Database = require('better-sqlite3');
    } catch {
      Database = null;
    }
    if (Database) {
      const prepare = Database.prototype.prepare;
      Database.prototype.prepare = function (source, ...r) {
        const stmt = prepare.call(this, source, ...r);
        const code =
          source === 'BEGIN IMMEDIATE'
            ? 31
            : source === 'COMMIT'
              ? 32
              : /wal_checkpoint\(PASSIVE\)/.test(source)
                ? 34
                : 0;
        if (code) {
          const method = code === 34 ? 'get' : 'run';
          const run = stmt[method];
          stmt[method] = function (...a) {
            const t0 = now();
            if (code !== 34) rec(code, 0, 0, t0);
            try {
              return run.apply(this, a);
            } finally {
              if (code === 32) rec(33);
              if (code === 34) rec(34, 0, now() - t0, t0);
            }
          };
        }
        return stmt;
      };
    }
  }
  process.on('exit', () => closeSync(sched));
}
