import { parentPort, workerData } from 'node:worker_threads';
import { WsSubscribers } from './ws-clients.js';
import { RawSubscribers } from './ws-raw-clients.js';
import type { ReceiverKind, ToReceiver } from './ws-receivers.js';

/**
 * One thread of the benchmark's receiving side (see WsReceivers): its share of the subscribers, armed and read
 * on the main thread's word. Receipt times are epoch ms, so the main thread can set them against its send time.
 */
const port = parentPort;
if (!port) throw new Error('ws-receiver-worker runs as a worker thread');
const { streamUrl, channel, kind } = workerData as { streamUrl: string; channel: string; kind: ReceiverKind };
const clients = kind === 'ws' ? new WsSubscribers() : new RawSubscribers();
let sent: ((at: number) => void) | null = null;

port.on('message', (msg: ToReceiver) => {
  switch (msg.type) {
    case 'open':
      void clients
        .open(streamUrl, 0, msg.tokens.length, channel, (i) => msg.tokens[i] ?? '')
        .then(() => port.postMessage({ type: 'opened', size: clients.size }));
      return;
    case 'arm': {
      clients.delays.length = 0;
      const send = () =>
        new Promise<number>((resolve) => {
          sent = resolve;
          port.postMessage({ type: 'armed' });
        });
      void clients
        .expect(msg.index, msg.marker, send, msg.timeoutMs)
        .then((lost) => port.postMessage({ type: 'done', delays: [...clients.delays], lost }));
      return;
    }
    case 'sent':
      sent?.(msg.at);
      sent = null;
      return;
    case 'close':
      void clients
        .close()
        .then(() =>
          port.postMessage({ type: 'closed', errors: clients.errors, unexpectedCloses: clients.unexpectedCloses }),
        );
      return;
  }
});
