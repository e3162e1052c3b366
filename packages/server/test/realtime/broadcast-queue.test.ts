import { describe, expect, it } from 'vitest';
import { BroadcastQueue } from '../../src/adapters/ws/broadcast-queue.js';
import { framed } from '../../src/adapters/ws/text-frame.js';
import type { WsConnection } from '../../src/adapters/ws/ws-connection.js';

// Connections are only identities to the queue: stand-ins record what was written to them, in order.
const conns = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ i, channels: new Set(['c']) }) as unknown as WsConnection);
const turn = () => new Promise((resolve) => setImmediate(resolve));

function recorder() {
  const log = new Map<WsConnection, string[]>();
  let unsubscribes = 0;
  const queue = new BroadcastQueue(
    (conn, event) => {
      log.set(conn, [...(log.get(conn) ?? []), event.payload.toString()]);
    },
    2,
    undefined,
    () => unsubscribes,
  );
  const written = () => [...log.values()].reduce((n, l) => n + l.length, 0);
  // As the server's unsubscribe does: leave the channel and count it.
  const leave = (conn: WsConnection | undefined) => {
    conn?.channels.delete('c');
    unsubscribes++;
  };
  return { log, queue, written, leave };
}

describe('BroadcastQueue', () => {
  it('writes a broadcast of one slice at once', () => {
    const { log, queue } = recorder();
    const to = conns(2);
    queue.push(framed(Buffer.from('a')), new Set(to), 'c');
    expect(to.map((c) => log.get(c))).toEqual([['a'], ['a']]);
  });

  it('writes a big broadcast one slice per turn of the event loop', async () => {
    const { queue, written } = recorder();
    queue.push(framed(Buffer.from('a')), conns(5), 'c');
    expect(written()).toBe(2);
    await turn();
    expect(written()).toBe(4);
    await turn();
    expect(written()).toBe(5);
    expect(queue.pending).toBe(0);
  });

  it('keeps every connection’s events in the order they were pushed', async () => {
    const { log, queue } = recorder();
    const to = conns(5);
    queue.push(framed(Buffer.from('a')), to, 'c');
    queue.push(framed(Buffer.from('b')), new Set(to.slice(0, 1)), 'c'); // small, but queued behind a
    queue.push(framed(Buffer.from('c')), to.slice(2), 'c');
    while (queue.pending > 0) await turn();
    expect(to.map((c) => log.get(c))).toEqual([['a', 'b'], ['a'], ['a', 'c'], ['a', 'c'], ['a', 'c']]);
  });

  it('sends to the recipients there were when pushed', async () => {
    const { log, queue } = recorder();
    const to = conns(4);
    const set = new Set(to.slice(0, 3));
    queue.push(framed(Buffer.from('a')), set, 'c');
    set.add(to[3] as WsConnection);
    while (queue.pending > 0) await turn();
    expect(log.get(to[3] as WsConnection)).toBeUndefined();
  });

  it('skips a recipient that left the channel before its slice was written (a revoked member)', async () => {
    const { log, queue, leave } = recorder();
    const to = conns(5);
    queue.push(framed(Buffer.from('a')), to, 'c');
    leave(to[4]);
    while (queue.pending > 0) await turn();
    expect(to.map((c) => log.get(c))).toEqual([['a'], ['a'], ['a'], ['a'], undefined]);
  });

  it('runs background work (heartbeat, session sweep) only after the broadcast being written', async () => {
    const { queue, written } = recorder();
    // The wait limit is far beyond the test's timeout: only the end of the broadcast can run the task.
    const ran = () => new Promise<number>((resolve) => queue.whenIdle(() => resolve(written()), 600_000));
    expect(await ran()).toBe(0); // nothing queued: the next turn
    queue.push(framed(Buffer.from('a')), conns(7), 'c');
    expect(written()).toBe(2);
    expect(await ran()).toBe(7);
  });

  it('does not let a stream of broadcasts starve background work past its wait limit', async () => {
    const { queue } = recorder();
    queue.push(framed(Buffer.from('a')), conns(5), 'c');
    let ran = false;
    queue.whenIdle(() => (ran = true), 20);
    const started = Date.now();
    while (!ran && Date.now() - started < 5000) {
      if (queue.pending < 2) queue.push(framed(Buffer.from('b')), conns(5), 'c'); // never idle
      await turn();
    }
    expect(ran).toBe(true);
    expect(queue.pending).toBeGreaterThan(0);
  });
});
