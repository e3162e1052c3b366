// The body of the writer thread (see writer-thread.ts): the SQLite file's one writer and nothing else. It answers the
// writes of the main thread (on its parent port) and of the job thread (on their own channel), group-committed.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { sendError, type WriteAnswer, type WriteRequest } from '../../adapters/sqlite/remote-writes.js';
import { dispatchWrite } from '../../adapters/sqlite/write-routing.js';
import { createJobMetrics } from '../../metrics.js';
import { nameThisThread } from '../../os/threads.js';
import { systemClock } from '../../ports/clock.js';
import { openStores } from '../../wiring/stores.js';
import { splitNotified } from '../../wiring/notified-pushes.js';
import { observeThreadGc } from './thread-gc.js';
import { observeThreadTurns } from './thread-turns.js';
import type {
  FromWriterThread,
  JobToWriter,
  ToWriterThread,
  WriterThreadData,
  WriterToJob,
} from './writer-messages.js';

const port = parentPort;
if (!port) throw new Error('writer-thread-entry runs in a worker thread (started by WriterThread)');
const { config, leaseOwner, automaticCheckpoints } = workerData as WriterThreadData;
// Not lowered: a post's commit waits for this thread's turn, and it does no bulk work but the commits themselves.
nameThisThread('tweeter-writer');
const post = (message: FromWriterThread): void => port.postMessage(message);
const metrics = createJobMetrics();
const stopGcObserver = observeThreadGc(metrics.registry, 'writer');
const stopTurnsObserver = observeThreadTurns(metrics.registry, 'writer');
const opened = await openStores(config, systemClock, {
  automaticCheckpoints,
  leaseOwner,
  setUp: false,
  observeWrites: {
    waited: (priority, seconds) => metrics.writerWait.observe({ priority }, seconds),
    group(kind, seconds, commitSeconds) {
      metrics.writerGroup.observe({ kind }, seconds);
      metrics.writerCommit.observe({ kind }, commitSeconds);
    },
    requested: (write) => metrics.writerRequests.inc({ write }),
    betweenGroups: (seconds) => metrics.writerWalRestart.observe(seconds),
  },
});
const { store, queue } = opened.value;
const batchOrNull = opened.writeBatch;
if (!batchOrNull) throw new Error('the writer thread needs the embedded SQLite store');
const batch = batchOrNull;
let jobPort: MessagePort | null = null;
const toJob = (message: WriterToJob): void => jobPort?.postMessage(message);

// Committed jobs wake the job thread's workers: once a turn, after the group that wrote them has committed.
let readyPending = false;
queue.onReady?.(() => {
  if (readyPending) return;
  readyPending = true;
  setImmediate(() => {
    readyPending = false;
    toJob({ type: 'ready' });
  });
});

/**
 * Runs one write and answers it on `reply`. The main thread's reactions: the groups they notified go to the job thread
 * to be pushed (or stay in the answer, for the main thread to push, while no job thread is connected).
 */
function write(request: WriteRequest, reply: (answer: WriteAnswer) => void, fromMain: boolean): void {
  const { id, target } = request;
  // The sender traces a write's round trip into this thread's part and the hops (RemoteWrites.onAnswered).
  const at = performance.now();
  const heldMs = (): number => performance.now() - at;
  const failed = (err: unknown): void =>
    reply({ type: 'written', id, ok: false, error: sendError(err), heldMs: heldMs() });
  dispatchWrite({ store, queue }, target, request.method, request.args).then((result) => {
    let value = result;
    if (fromMain && jobPort) {
      const split = splitNotified(target, result);
      value = split.answer;
      if (split.notified) toJob({ type: 'notified', groups: split.notified });
    }
    try {
      reply({ type: 'written', id, ok: true, value, heldMs: heldMs() });
    } catch (err) {
      failed(err); // a result that cannot cross threads: a bug in the write's port, answered instead of lost
    }
  }, failed);
}

function attachJobPort(next: MessagePort): void {
  jobPort?.close();
  jobPort = next;
  const reply = (answer: WriteAnswer): void => next.postMessage(answer);
  next.on('message', (message: JobToWriter) => {
    if (message.type === 'write') write(message, reply, false);
    else if (message.type === 'release-leases') {
      // Through the writer like any write (one request of its own), never beside a group in progress.
      void batch(async () =>
        (queue as { releaseLeases?: (o: { owner: string }) => number }).releaseLeases?.({ owner: leaseOwner }),
      );
    }
  });
}

let stopping: Promise<void> | undefined;
port.on('message', (message: ToWriterThread) => {
  switch (message.type) {
    case 'write':
      write(message, (answer) => post(answer), true);
      return;
    case 'job-port':
      attachJobPort(message.port);
      return;
    case 'metrics':
      void metrics.registry.getMetricsAsJSON().then((snapshot) => post({ type: 'metrics', id: message.id, snapshot }));
      return;
    case 'stop':
      stopping ??= (async () => {
        await store.close();
        await opened.close();
        stopGcObserver();
        stopTurnsObserver();
        jobPort?.close();
        post({ type: 'stopped' });
        port.close();
      })();
      return;
  }
});
post({ type: 'started' });
