import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { WsConnection } from '../../src/adapters/ws/ws-connection.js';
import { eventually } from '../support/test-app.js';
import { useBoardClients } from '../support/ws-board-clients.js';

// With the write helper thread on, a broadcast slice's sockets are written by two threads. Real sockets and real
// `ws` clients check the hand-off: every client, including ones that stop reading, gets every frame whole and in
// order with the replies sent through `ws`, and the helper really wrote some of them.
const board = useBoardClients();
const start = (subscribers: number) =>
  board.start(subscribers, { heartbeatMs: 60_000, maxBufferedBytes: 1 << 26, writeThread: true });

const socketOf = (client: WebSocket) => (client as unknown as { _socket: { pause(): void; resume(): void } })._socket;
const event = (text: string) => JSON.stringify({ type: 'message.created', channel: 'board:b', data: { text } });

describe('broadcast writes shared with the helper thread', () => {
  it('delivers every frame whole and in order, to readers and to paused readers, with replies in between', async () => {
    const subscribers = 36; // above the helper's smallest batch (32)
    const { received, conns, streams, clients } = await start(subscribers);
    // Two clients stop reading: their kernel buffers fill, direct writes (by either thread) are cut short or
    // refused, and the rest must queue on the stream behind what was written, before the next frame.
    const paused = [clients[3], clients[30]] as WebSocket[];
    for (const c of paused) socketOf(c).pause();
    const first = conns[3] as WsConnection;
    // Frames of 60 kB (the helper takes up to 64 KiB) and small ones: ~9 MB, more than a paused socket's kernel buffers.
    const texts = Array.from({ length: 300 }, (_, i) => `${i}:${'p'.repeat(i % 2 === 0 ? 60_000 : 300)}`);
    for (const [i, text] of texts.entries()) {
      streams.toChannel({ type: 'message.created', channel: 'board:b', data: { text } });
      if (i % 50 === 0) streams.send(first, `reply-${i}`);
    }
    // Nothing drains a paused reader: what its kernel buffers did not take is queued on its stream now.
    expect(first.socket.bufferedAmount).toBeGreaterThan(0);
    const expected = texts.map(event);
    const withReplies = texts.flatMap((text, i) => (i % 50 === 0 ? [event(text), `reply-${i}`] : [event(text)]));
    for (const c of paused) socketOf(c).resume();
    // ~300 MB through 36 `ws` clients in this process: generous limits for a loaded machine.
    const all = () => received.every((r, i) => r.length === (i === 3 ? withReplies : expected).length);
    await eventually(async () => all(), 90_000);
    for (const [i, log] of received.entries()) expect(log).toEqual(i === 3 ? withReplies : expected);
    expect(streams.stats().slowConsumersDropped).toBe(0);
    // The helper really took part (it may wake too late for a given slice on a busy machine: more small ones).
    let extra = 0;
    while (streams.stats().helperWrites === 0 && extra < 1000) {
      streams.toChannel({ type: 'message.created', channel: 'board:b', data: { text: `extra-${extra++}` } });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(streams.stats().helperWrites).toBeGreaterThan(0);
    expect(streams.stats().helperWrites).toBeLessThan((texts.length + extra) * subscribers);
    const extras = Array.from({ length: extra }, (_, i) => event(`extra-${i}`));
    await eventually(async () =>
      received.every((r, i) => r.length === (i === 3 ? withReplies : expected).length + extra),
    );
    for (const [i, log] of received.entries()) expect(log).toEqual([...(i === 3 ? withReplies : expected), ...extras]);
  });

  it('writes small audiences and frames bigger than the shared buffer on the main thread alone', async () => {
    const { received, streams } = await start(40);
    const big = 'b'.repeat(70_000);
    streams.toChannel({ type: 'message.created', channel: 'board:b', data: { text: big } });
    await eventually(async () => received.every((r) => r.length === 1));
    expect(received.every((r) => r[0] === event(big))).toBe(true);
    expect(streams.stats().helperWrites).toBe(0);
  });
});
