import { WebSocket } from 'ws';
import type { WsConnection } from './ws-connection.js';

/**
 * Closes every connection of `open` through `close` and waits up to `graceMs` for their closing handshakes;
 * whoever has not finished by then is cut off (the server's graceful stop).
 */
export async function closeAll(
  open: readonly WsConnection[],
  graceMs: number,
  close: (conn: WsConnection) => void,
): Promise<void> {
  if (open.length === 0) return;
  await new Promise<void>((resolve) => {
    let left = open.length;
    const timer = setTimeout(() => {
      for (const conn of open) conn.socket.terminate();
      resolve();
    }, graceMs);
    const done = (): void => {
      if (--left > 0) return;
      clearTimeout(timer);
      resolve();
    };
    for (const conn of open) {
      if (conn.socket.readyState === WebSocket.CLOSED) done();
      else conn.socket.once('close', done);
      close(conn);
    }
  });
}
