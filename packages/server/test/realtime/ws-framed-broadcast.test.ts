import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { textFrame } from '../../src/adapters/ws/text-frame.js';
import type { WsConnection } from '../../src/adapters/ws/ws-connection.js';
import { eventually } from '../support/test-app.js';
import { useBoardClients } from '../support/ws-board-clients.js';

// Broadcasts are framed once and written to the TCP sockets beside `ws`'s sender: real sockets and real `ws`
// clients check that the frames parse at every length class and stay in order with what `ws` itself sends.
const board = useBoardClients();
const start = (subscribers: number) =>
  board.start(
    subscribers,
    { heartbeatMs: 60_000, maxBufferedBytes: 1 << 24 },
    { identify: true, format: (data, isBinary) => `${isBinary ? 'binary' : 'text'}:${data.toString()}` },
  );

describe('framed broadcasts', () => {
  it('frames payloads of every length class (7-bit, 16-bit, 64-bit) as one text frame', () => {
    for (const [length, header] of [
      [0, 2],
      [125, 2],
      [126, 4],
      [65_535, 4],
      [65_536, 10],
    ] as const) {
      const frame = textFrame(Buffer.alloc(length, 'x'));
      expect(frame.length).toBe(length + header);
      expect(frame[0]).toBe(0x81);
    }
  });

  it('reaches real ws clients as text messages, intact and in order with replies sent through ws', async () => {
    const { received, conns, streams } = await start(3);
    const big = 'y'.repeat(70_000);
    const mid = 'z'.repeat(300);
    streams.send(conns[0] as WsConnection, 'reply-before');
    streams.toChannel({ type: 'message.created', channel: 'board:b', data: { text: 'small' } });
    streams.toChannel({ type: 'message.created', channel: 'board:b', data: { text: mid } });
    streams.send(conns[0] as WsConnection, 'reply-between');
    streams.toChannel({ type: 'message.created', channel: 'board:b', data: { text: big } });
    const event = (text: string) =>
      `text:${JSON.stringify({ type: 'message.created', channel: 'board:b', data: { text } })}`;
    await eventually(async () => received.map((r) => r.length).join() === '5,3,3');
    expect(received[0]).toEqual(['text:reply-before', event('small'), event(mid), 'text:reply-between', event(big)]);
    expect(received[1]).toEqual([event('small'), event(mid), event(big)]);
    expect(streams.stats().framesSent).toBe(11);
    // Three broadcasts, each written in one slice: their write time is their span (both measured, both > 0).
    const { broadcasts, broadcastWriteMs, broadcastSpanMs } = streams.stats();
    expect(broadcasts).toBe(3);
    expect(broadcastWriteMs).toBeGreaterThan(0);
    expect(broadcastSpanMs).toBe(broadcastWriteMs);
  });

  it('writes a broadcast to a plain socket with nothing queued directly, not through the stream', async () => {
    const { received, conns, streams } = await start(1);
    const raw = (conns[0] as WsConnection).socket as unknown as { _socket: { bytesWritten: number } };
    const before = raw._socket.bytesWritten;
    streams.toChannel({ type: 'message.created', channel: 'board:b', data: { text: 'direct' } });
    await eventually(async () => (received[0] ?? []).length === 1);
    // The stream counts only what went through it: the frame reached the client without a stream write.
    expect(raw._socket.bytesWritten).toBe(before);
    streams.send(conns[0] as WsConnection, 'reply');
    expect(raw._socket.bytesWritten).toBeGreaterThan(before);
  });

  it('keeps frames whole and in order when a peer stops reading and the direct write fills its kernel buffer', async () => {
    const { received, conns, streams, clients } = await start(2);
    // The first client stops reading: its kernel buffers fill, a direct write is cut short or refused (EAGAIN),
    // and the rest must queue on the stream behind the part already written, counted in bufferedAmount.
    const paused = clients[0] as WebSocket;
    (paused as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const texts = Array.from({ length: 300 }, (_, i) => `${i}:${'p'.repeat(60_000)}`);
    for (const text of texts) streams.toChannel({ type: 'message.created', channel: 'board:b', data: { text } });
    await eventually(async () => (received[1] ?? []).length === texts.length);
    expect((conns[0] as WsConnection).socket.bufferedAmount).toBeGreaterThan(0);
    (paused as unknown as { _socket: { resume(): void } })._socket.resume();
    await eventually(async () => (received[0] ?? []).length === texts.length);
    const event = (text: string) =>
      `text:${JSON.stringify({ type: 'message.created', channel: 'board:b', data: { text } })}`;
    expect(received[0]).toEqual(texts.map(event));
    expect(received[1]).toEqual(texts.map(event));
    expect(streams.stats().slowConsumersDropped).toBe(0);
  });

  it('spreads a broadcast bigger than one slice over turns of the event loop and still delivers it whole', async () => {
    const { streams, received } = await board.start(5, {
      heartbeatMs: 60_000,
      maxBufferedBytes: 1 << 24,
      broadcastChunk: 2,
    });
    const got = (): string[] => received.flat();
    await eventually(async () => streams.stats().subscriptions === 5);
    streams.toChannel({ type: 'message.created', channel: 'board:b', data: { n: 1 } });
    expect(streams.stats().framesSent).toBe(2); // the first slice at once, the rest on later turns
    expect(streams.stats().broadcasts).toBe(0); // counted once its last slice is written
    await eventually(async () => got().length === 5);
    // Three slices on three turns: the span from queued to the last write covers the turns between the slices.
    const { broadcasts, broadcastWriteMs, broadcastSpanMs } = streams.stats();
    expect(broadcasts).toBe(1);
    expect(broadcastWriteMs).toBeGreaterThan(0);
    expect(broadcastSpanMs).toBeGreaterThan(broadcastWriteMs);
    expect(new Set(got())).toEqual(
      new Set([JSON.stringify({ type: 'message.created', channel: 'board:b', data: { n: 1 } })]),
    );
  });
});
