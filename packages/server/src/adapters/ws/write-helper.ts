import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

// Slots of the control array shared with the helper thread (Int32, read and written with Atomics only).
const GEN = 0; // bumped to wake the helper: a batch may be open
const OPEN = 1; // 1 while the helper may claim sockets of the current batch
const ACTIVE = 2; // helpers between "looking at OPEN" and "done with the batch"
const CURSOR = 3; // the next index to claim (Atomics.add: each index is written by exactly one thread)
const COUNT = 4;
const LENGTH = 5;
const STOP = 6;
const HELPED = 7; // sockets the helper has written, in total
const SLOTS = 8;

/** The largest frame handed to the helper (its shared copy); bigger ones are written by the main thread alone. */
export const HELPER_MAX_FRAME = 64 * 1024;
/** Descriptors per batch (a broadcast slice is at most a few hundred). */
const CAPACITY = 4096;
/** Below this many sockets the wake-up costs more than the helper saves. */
const MIN_BATCH = 32;
/** How long the main thread waits for the helper to finish the socket it claimed before giving up on it. */
const STUCK_MS = 2000;

// The helper thread: wait for a batch, claim indices off the shared cursor, write the shared frame to each fd.
// CommonJS evaluated in the worker (no module file to resolve from the source or the build).
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const ctrl = new Int32Array(workerData.ctrl);
const fds = new Int32Array(workerData.fds);
const written = new Int32Array(workerData.written);
const frame = Buffer.from(workerData.frame);
let seen = Atomics.load(ctrl, ${GEN});
for (;;) {
  Atomics.wait(ctrl, ${GEN}, seen);
  seen = Atomics.load(ctrl, ${GEN});
  if (Atomics.load(ctrl, ${STOP}) === 1) break;
  Atomics.add(ctrl, ${ACTIVE}, 1);
  if (Atomics.load(ctrl, ${OPEN}) === 1) {
    const count = Atomics.load(ctrl, ${COUNT});
    const length = Atomics.load(ctrl, ${LENGTH});
    for (;;) {
      const i = Atomics.add(ctrl, ${CURSOR}, 1);
      if (i >= count) break;
      let n = 0;
      try { n = writeSync(fds[i], frame, 0, length); } catch { n = 0; }
      written[i] = n;
      Atomics.add(ctrl, ${HELPED}, 1);
    }
  }
  Atomics.sub(ctrl, ${ACTIVE}, 1);
  Atomics.notify(ctrl, ${ACTIVE});
}
`;

/**
 * A second thread (started on first use) that writes one frame to many plain TCP sockets' descriptors alongside the main thread: a
 * broadcast's cost is mostly the kernel's write(2) per socket (the loopback or NIC send path runs inside it), so two
 * threads writing halves of a slice finish it in about half the time on a machine with a spare core.
 *
 * The hand-off is synchronous: `writeAll` returns only once every descriptor of the batch has been written by one
 * thread or the other, and the helper claims nothing outside a batch. So no socket is ever written by two threads
 * at once, each socket gets the frame whole or (a short write, EAGAIN) reports how much went, and the caller then
 * queues the rest on the socket's stream in order, before anything else is written to it.
 */
export class WriteHelper {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  private readonly fds = new Int32Array(new SharedArrayBuffer(CAPACITY * 4));
  private readonly written = new Int32Array(new SharedArrayBuffer(CAPACITY * 4));
  private readonly frame = new SharedArrayBuffer(HELPER_MAX_FRAME);
  private worker: Worker | null = null;
  private broken = false;

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  // Started by the first batch big enough to share (a server that never broadcasts widely never has the thread).
  private start(): void {
    const worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { ctrl: this.ctrl.buffer, fds: this.fds.buffer, written: this.written.buffer, frame: this.frame },
    });
    this.worker = worker;
    worker.unref(); // an idle helper must not keep the process alive
    worker.on('error', (err) => {
      this.broken = true;
      this.onError(err);
    });
    worker.on('exit', () => (this.broken = true));
  }

  /**
   * Writes `frame` to every descriptor of `fds` (sockets with nothing queued) and returns the bytes written to each,
   * in the same order (0 when nothing went: EAGAIN or a dead socket). The array is reused by the next call.
   */
  writeAll(fds: readonly number[], frame: Buffer): Int32Array {
    const n = fds.length;
    if (n > CAPACITY) throw new RangeError(`at most ${CAPACITY} sockets per batch`);
    const { ctrl, written } = this;
    const shared = !this.broken && n >= MIN_BATCH && frame.length <= HELPER_MAX_FRAME;
    if (shared && this.worker === null) this.start(); // it joins from a later batch, once it has booted
    for (let i = 0; i < n; i++) {
      this.fds[i] = fds[i] as number;
      written[i] = -1;
    }
    if (shared) {
      frame.copy(Buffer.from(this.frame), 0);
      Atomics.store(ctrl, COUNT, n);
      Atomics.store(ctrl, LENGTH, frame.length);
      Atomics.store(ctrl, CURSOR, 0);
      Atomics.store(ctrl, OPEN, 1);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN, 1);
    } else {
      Atomics.store(ctrl, COUNT, n);
      Atomics.store(ctrl, CURSOR, 0);
    }
    for (;;) {
      const i = Atomics.add(ctrl, CURSOR, 1);
      if (i >= n) break;
      written[i] = writeOne(fds[i] as number, frame);
    }
    if (shared) this.close();
    return written.subarray(0, n);
  }

  /** Sockets the helper thread has written so far (the rest of each batch went from the main thread). */
  get helped(): number {
    return Atomics.load(this.ctrl, HELPED);
  }

  /** Stops the helper thread (the server's stop). */
  stop(): void {
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    this.broken = true;
  }

  // Closes the batch and waits for the helper to finish the sockets it claimed: it claims nothing once OPEN is 0.
  private close(): void {
    const { ctrl } = this;
    Atomics.store(ctrl, OPEN, 0);
    const deadline = Date.now() + STUCK_MS;
    for (let active = Atomics.load(ctrl, ACTIVE); active !== 0; active = Atomics.load(ctrl, ACTIVE)) {
      if (Date.now() > deadline) {
        // Never seen: a write(2) to a non-blocking socket does not block. Stop using the helper; a socket it
        // claimed and did not report is written again through its stream (at worst a duplicate frame).
        this.broken = true;
        this.onError(new Error('ws write helper stuck: writing on the main thread only'));
        return;
      }
      Atomics.wait(ctrl, ACTIVE, active, 50);
    }
  }
}

function writeOne(fd: number, frame: Buffer): number {
  try {
    return writeSync(fd, frame);
  } catch {
    return 0; // EAGAIN (the peer is not reading) or a dead socket: the caller's stream write deals with it
  }
}
