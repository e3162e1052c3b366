// Runs in a worker thread (see checkpointer.ts): copies the WAL back into the database file off the main thread.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThread, nameThisThread } from '../../os/threads.js';
import { CheckpointPasses, type CheckpointCadence } from './checkpoint-pass.js';
import { FlushAnnouncer } from './wal-flush-signal.js';

const { file, everyMs, nice, cadence } = workerData as {
  file: string;
  everyMs: number;
  nice: number;
  cadence?: CheckpointCadence;
};
// Copying the WAL back can wait a moment: the HTTP thread gets the core first (Linux: nice values are per thread).
lowerThisThread(nice);
// Named, so that perf sched and top -H tell it from V8's helper threads (Node names them all `node`). Linux only.
nameThisThread('tweeter-ckpt');
const db = new Database(file);
db.pragma('busy_timeout = 0'); // PASSIVE never waits anyway: a busy error would be a bug
// PASSIVE never waits for readers or writers: it copies what it can now and tries again next time. A tick reads the
// WAL's counters and passes when enough frames wait (the cadence); it also flushes what it copied
// (checkpoint-pass.ts), so that the writer's own last step has little left to flush.
const announcer = new FlushAnnouncer(file);
const passes = new CheckpointPasses(db, file, {
  flushing: (on) => announcer.flushing(on),
  ...(cadence ? { cadence } : {}),
});
const timer = setInterval(() => {
  try {
    passes.run();
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
}, everyMs);

parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  passes.close();
  announcer.close();
  db.close();
  parentPort?.postMessage('stopped');
  parentPort?.close();
});
