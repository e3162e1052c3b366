import type { MessagePort } from 'node:worker_threads';
import type { Config } from '../../config/config.js';
import type { MetricsSnapshot } from '../../metrics.js';
import type { Realtime, RealtimeEvent } from '../../ports/realtime.js';
import type { WriteAnswer, WriteRequest } from '../../adapters/sqlite/remote-writes.js';
import type { Presence } from '../../adapters/ws/presence.js';

/** What a job thread is started with. */
export interface JobThreadData {
  config: Config;
  /** Which of the JOB_THREADS slots this is (logged as `thread`). */
  index: number;
  /**
   * The name the thread's job leases are taken under: the same for every thread of this slot in this process, so a
   * thread started in place of one that crashed releases the jobs that one held (StorageOptions.leaseOwner).
   */
  leaseOwner: string;
  /** false when the main thread's checkpoint thread checkpoints the WAL (the writer then never does). */
  automaticCheckpoints: boolean;
  /** Start the job workers at once (a thread restarted after a crash); else they wait for `start`. */
  startPool: boolean;
  /** The main thread's table of connected users (Presence), when its sockets are this process's (the `ws` hub). */
  presence?: SharedArrayBuffer;
}

/** From the main thread to a job thread. */
export type ToJobThread =
  /** Jobs may be ready: the main thread committed some (an outbox write, a scheduled job, a redrive). */
  | { type: 'ready' }
  /** Start the job workers (the writer is up from the thread's start). */
  | { type: 'start' }
  /** A write of the main thread's store, for the writer this thread owns. */
  | WriteRequest
  | { type: 'metrics'; id: number }
  /** Finish the jobs in hand, close the database, then exit. */
  | { type: 'stop' };

/** From a job thread to the main thread. */
export type FromJobThread =
  | { type: 'started' }
  | { type: 'realtime'; event: RealtimeEvent; aliases?: readonly string[] }
  /** A pulled account's live event: the main thread checks its connected users against the follow edges. */
  | { type: 'realtime-followers'; author: string; event: RealtimeEvent }
  | { type: 'revoke'; alias: string; channel: string }
  | { type: 'metrics'; id: number; snapshot: MetricsSnapshot }
  /** A write of the main thread's, committed (or failed). */
  | WriteAnswer
  | { type: 'stopped' };

/**
 * A job thread's Realtime: each push is posted to the main thread, which owns the sockets and hands it on. With the
 * main thread's `presence`, a push to users none of whom is connected can be skipped before it is built.
 */
export function postingRealtime(port: Pick<MessagePort, 'postMessage'>, presence?: Presence): Realtime {
  const post = (message: FromJobThread): void => port.postMessage(message);
  return {
    toUsers: (aliases, event) => post({ type: 'realtime', aliases, event }),
    ...(presence && { reaches: (aliases: readonly string[]) => presence.anyOf(aliases) }),
    toFollowersOf: (author, event) => post({ type: 'realtime-followers', author, event }),
    toChannel: (event) => post({ type: 'realtime', event }),
    revoke: (alias, channel) => post({ type: 'revoke', alias, channel }),
    // Posting is the hand-over: messages reach the main thread in order, before the thread's 'stopped'.
    flush: () => Promise.resolve(),
  };
}

/** Hands a job thread's realtime message to the main thread's Realtime; false for any other message. */
export function deliverRealtime(message: FromJobThread, realtime: Realtime): boolean {
  if (message.type === 'revoke') {
    realtime.revoke(message.alias, message.channel);
    return true;
  }
  if (message.type === 'realtime-followers') {
    realtime.toFollowersOf(message.author, message.event);
    return true;
  }
  if (message.type !== 'realtime') return false;
  if (message.aliases) realtime.toUsers(message.aliases, message.event);
  else realtime.toChannel(message.event);
  return true;
}
