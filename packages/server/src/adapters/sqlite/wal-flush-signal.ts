import { BroadcastChannel } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

/**
 * The checkpoint thread tells the writer's thread when it is flushing the database's files (checkpoint-pass.ts), so
 * that the writer does not run its own WAL restart step meanwhile (wal-restart.ts): both fsync the same files, and
 * the writer's fsync would wait for the checkpoint thread's writeback (up to 25-40 ms on a busy disk) instead of
 * finding the files flushed. A BroadcastChannel per database file: the two threads share no wiring.
 */
const channelName = (file: string): string => `tweeter-wal-flush:${file}`;

/** After this long without the checkpoint thread's "done", the writer no longer waits for it (a thread that died). */
const FLUSH_EXPIRES_MS = 500;

type FlushMessage = 'flushing' | 'flushed';

/** The checkpoint thread's side. */
export class FlushAnnouncer {
  private readonly channel: BroadcastChannel;

  constructor(file: string) {
    this.channel = new BroadcastChannel(channelName(file));
    this.channel.unref();
  }

  flushing(on: boolean): void {
    const message: FlushMessage = on ? 'flushing' : 'flushed';
    this.channel.postMessage(message);
  }

  close(): void {
    this.channel.close();
  }
}

/** The writer's side: whether the checkpoint thread said it is flushing (as of the last message this thread took). */
export class FlushWatch {
  private readonly channel: BroadcastChannel;
  private until = 0;

  constructor(file: string) {
    this.channel = new BroadcastChannel(channelName(file));
    this.channel.unref();
    this.channel.onmessage = (event: { data: unknown }) => {
      this.until = event.data === ('flushing' satisfies FlushMessage) ? performance.now() + FLUSH_EXPIRES_MS : 0;
    };
  }

  get flushing(): boolean {
    return this.until !== 0 && performance.now() < this.until;
  }

  close(): void {
    this.channel.close();
  }
}
