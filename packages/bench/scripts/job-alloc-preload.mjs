// Diagnostic preload: what the job thread allocates, garbage included. V8's sampling heap profiler on the job thread
// (an inspector session of its own), with the objects later collected by scavenges and mark-compacts kept in the
// profile (`includeObjectsCollectedByMinorGC/MajorGC`: without them it shows only what is still live, not what makes
// the scavenges). Starts at the job thread's first post (`statuses.create`) + JOB_ALLOC_SKIP_MS (default 3000), runs
// JOB_ALLOC_MS (default 10000), writes $JOB_ALLOC_OUT (a .heapprofile; summarise it with job-alloc-show.py).
//   JOB_ALLOC_OUT=/tmp/job.heapprofile flock /work/bench.lock node packages/bench/bin/tweeter-bench.js post \
//     --users 10000 --writers 50 --duration 20 --rate 200 \
//     --node-args "--import $PWD/packages/bench/scripts/job-alloc-preload.mjs"
/* global process, setTimeout, console */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

const isJobThread =
  !isMainThread && typeof workerData === 'object' && workerData !== null && 'leaseOwner' in workerData;
if (isJobThread && parentPort) {
  const out = process.env.JOB_ALLOC_OUT ?? `/tmp/job-alloc-${process.pid}.heapprofile`;
  const skip = Number(process.env.JOB_ALLOC_SKIP_MS ?? 3000);
  const span = Number(process.env.JOB_ALLOC_MS ?? 10000);
  const interval = Number(process.env.JOB_ALLOC_INTERVAL ?? 16384);
  let armed = false;
  // Node 20's V8 ignores the two include flags (the profile then holds only what is live at its end): the allocation
  // tracker instead counts every allocation by stack, collected or not, in the heap snapshot's trace tree
  // (`trace_function_infos`, `trace_tree`). It slows allocation (no inline allocation while it runs): a diagnostic.
  // Caveat (measured, docs/benchmarks.md `s17-post`): code optimized before tracking started keeps allocating inline,
  // unseen, so on a warm thread it saw ~0.5 KB of the ~90 KB a post allocates. Neither mode answers "what does a warm
  // job thread allocate" on Node 20.
  const track = () => {
    const session = new Session();
    session.connect();
    session.post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true }, (err) => {
      if (err) return console.error('job-alloc-preload:', err);
      setTimeout(() => {
        const chunks = [];
        session.on('HeapProfiler.addHeapSnapshotChunk', (m) => chunks.push(m.params.chunk));
        // Stopping the tracker streams a snapshot (with the allocation trace): one snapshot, not two.
        session.post('HeapProfiler.stopTrackingHeapObjects', { reportProgress: false }, (err2) => {
          if (err2) return console.error('job-alloc-preload:', err2);
          const snap = JSON.parse(chunks.join(''));
          // Only the allocation trace (the snapshot's nodes and edges are not needed).
          writeFileSync(
            out,
            JSON.stringify({
              spanMs: span,
              meta: snap.snapshot.meta,
              trace_function_infos: snap.trace_function_infos,
              trace_tree: snap.trace_tree,
              strings: snap.strings,
            }),
          );
          session.disconnect();
        });
      }, span).unref();
    });
  };
  const begin = () => {
    if (process.env.JOB_ALLOC_MODE === 'track') return track();
    const session = new Session();
    session.connect();
    session.post(
      'HeapProfiler.startSampling',
      {
        samplingInterval: interval,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      },
      (err) => {
        if (err) return console.error('job-alloc-preload:', err);
        setTimeout(() => {
          session.post('HeapProfiler.stopSampling', (err2, res) => {
            if (err2) return console.error('job-alloc-preload:', err2);
            writeFileSync(out, JSON.stringify({ ...res.profile, spanMs: span, interval }));
            session.disconnect();
          });
        }, span).unref();
      },
    );
  };
  const on = parentPort.on;
  parentPort.on = function (event, listener) {
    if (event !== 'message') return on.call(this, event, listener);
    return on.call(this, event, function (m) {
      if (!armed && m?.type === 'write' && m.method === 'create') {
        armed = true;
        setTimeout(begin, skip).unref();
      }
      return listener.call(this, m);
    });
  };
}
