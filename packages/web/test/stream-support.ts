import { StreamClient, type WebSocketLike } from '../src/logic/stream.js';

/** A socket the test drives by hand: what the server would send, and when the line drops. */
export class ScriptedSocket implements WebSocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  /** How many of the frames sent were answered: the server answers them in order. */
  private answered = 0;
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** Acks every frame not answered yet, in order, and those sent meanwhile, as the server does. */
  ackAll() {
    while (this.answered < this.sent.length) this.ackNext();
  }
  /** Acks the oldest frame not answered yet. */
  ackNext() {
    const f = this.sent[this.answered++];
    if (f) this.receive({ type: 'ack', id: f.id, op: f.type, channel: f.channel });
  }
  /** Answers the oldest frame not answered yet with an error. */
  refuseNext(code: string) {
    const f = this.sent[this.answered++];
    if (f) this.receive({ type: 'error', id: f.id, code, message: `refused: ${code}` });
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  /** The frames sent, as "type channel": short to compare. */
  frames(): string[] {
    return this.sent.map((f) => [f.type, f.channel].filter((x) => x !== undefined).join(' '));
  }
}

/** A client over scripted sockets (no jitter in the backoff: the first retry comes after 500 ms). */
export function scriptedClient() {
  const sockets: ScriptedSocket[] = [];
  let syncs = 0;
  const client = new StreamClient({
    url: async () => 'ws://tweeter.test/api/v1/stream',
    token: () => 'tok',
    connect: () => {
      const s = new ScriptedSocket();
      sockets.push(s);
      return s;
    },
    random: () => 0,
  });
  client.onSync(() => syncs++);
  return { client, sockets, syncs: () => syncs };
}
