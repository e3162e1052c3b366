import type { WebSocket } from 'ws';
import { directFd, rawSocketOf, writeFrame, writeRest, type FramedEvent } from './text-frame.js';
import type { WriteHelper } from './write-helper.js';

/**
 * The writes of one broadcast slice. Without a helper thread each frame is written at once (writeFrame). With one,
 * the sockets that take a direct write (plain TCP, nothing queued) are gathered and written by both threads when
 * the slice ends (`end`); the others are written at once through their streams. A socket appears at most once in a
 * slice and nothing else is written to it before `end`, so its frames stay whole and in order.
 */
export class FramedWrites {
  private readonly sockets: WebSocket[] = [];
  private readonly fds: number[] = [];

  constructor(private readonly helper: WriteHelper | null) {}

  write(ws: WebSocket, event: FramedEvent): void {
    const fd = this.helper ? directFd(ws) : -1;
    if (fd < 0) {
      writeFrame(ws, event);
      return;
    }
    this.sockets.push(ws);
    this.fds.push(fd);
  }

  /** Writes the gathered sockets (before the slice's broadcast is left): what did not fit goes through the stream. */
  end(event: FramedEvent): void {
    const { helper, sockets, fds } = this;
    if (!helper || fds.length === 0) return;
    const written = helper.writeAll(fds, event.frame);
    for (let i = 0; i < sockets.length; i++) {
      const w = written[i] as number;
      if (w >= event.frame.length) continue;
      const raw = rawSocketOf(sockets[i] as WebSocket);
      if (raw) writeRest(raw, event.frame, w);
    }
    sockets.length = 0;
    fds.length = 0;
  }
}
