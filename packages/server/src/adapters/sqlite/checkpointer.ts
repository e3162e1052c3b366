import { Worker } from 'node:worker_threads';
import type { CheckpointCadence } from './checkpoint-pass.js';
import type { Db } from './database.js';

export interface Checkpointer {
  /** Stops the worker; the connection's automatic checkpoints are back on. */
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the event loop. SQLite otherwise checkpoints inside whichever commit crosses
 * 1,000 WAL pages, and with synchronous=NORMAL that commit also fsyncs the database file: during a big fan-out
 * that made one feed-batch commit in ten take 10-15 ms instead of 1-2 ms (and all reads wait behind it). A
 * worker thread with its own connection checkpoints instead (PASSIVE: it never blocks anyone), looking every `everyMs`.
 */
export function startBackgroundCheckpoints(
  db: Db,
  options: {
    /** How often (ms) the worker reads the WAL's counters; it passes then, or at the ticks the cadence says. */
    everyMs: number;
    onError(message: string): void;
    /** This thread's nice value (Linux). */
    nice?: number;
    /** None: a pass at every tick that finds frames to copy. */
    cadence?: CheckpointCadence;
  },
): Checkpointer {
  const { everyMs, nice = 0, cadence } = options;
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
    workerData: { file: db.name, everyMs, nice, ...(cadence ? { cadence } : {}) },
  });
  db.pragma('wal_autocheckpoint = 0');
  let stopped = false;
  const restoreAutomatic = (): void => {
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('message', (message: unknown) => {
    if (typeof message === 'object' && message !== null && 'error' in message) options.onError(String(message.error));
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (err) => {
    // Without the worker the WAL would grow without bound: fall back to SQLite's own checkpoints.
    restoreAutomatic();
    options.onError(err.message);
  });
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage('stop');
      await exited;
      restoreAutomatic();
    },
  };
}
