import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteWrites, type WriteAnswer, type WriteRequest } from '../src/adapters/sqlite/remote-writes.js';
import { UnavailableError } from '../src/domain/errors.js';
import { WriteAnswers } from '../src/runtimes/thread/write-answers.js';

// The HTTP thread's writes go to the writer's thread one message a turn of its event loop, and the writer's answers
// come back one message a group: over a real MessageChannel, as between the two threads.

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

function channel(): MessageChannel {
  const made = new MessageChannel();
  channels.push(made);
  return made;
}

/** The messages a port receives, as they come. */
function received<T>(port: MessagePort): T[] {
  const messages: T[] = [];
  port.on('message', (message: T) => messages.push(message));
  return messages;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const settled = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/** A writer's thread end that answers every write of a batch with its method name and first argument. */
function echoWriter(port: MessagePort, batches: WriteRequest[][]): void {
  port.on('message', (requests: WriteRequest[]) => {
    batches.push(requests);
    port.postMessage(
      requests.map((r): WriteAnswer => ({ id: r.id, ok: true, value: `${r.method}:${String(r.args[0])}` })),
    );
  });
}

describe('RemoteWrites: one message a turn', () => {
  it('sends the writes made in one turn as one message, in order, and answers each', async () => {
    const { port1, port2 } = channel();
    const writes = new RemoteWrites();
    const batches: WriteRequest[][] = [];
    echoWriter(port2, batches);
    writes.attach((requests) => port1.postMessage(requests));
    port1.on('message', (answers: WriteAnswer[]) => writes.answer(answers));
    const first = [1, 2, 3].map((n) => writes.route('reactions', 'add', [n]));
    const answered = await Promise.all(first);
    expect(answered).toEqual(['add:1', 'add:2', 'add:3']);
    expect(batches.map((batch) => batch.map((r) => r.args[0]))).toEqual([[1, 2, 3]]);
    // A later turn's writes are a message of their own.
    expect(
      await Promise.all([writes.route('reactions', 'remove', [4]), writes.route('statuses', 'create', [5])]),
    ).toEqual(['remove:4', 'create:5']);
    expect(batches.map((batch) => batch.map((r) => r.args[0]))).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('fails with 503 every write of a batch the writer held when it died; those not sent yet go to the next writer', async () => {
    const { port1, port2 } = channel();
    const writes = new RemoteWrites();
    const held = received<WriteRequest[]>(port2); // a writer that never answers: it dies holding them
    writes.attach((requests) => port1.postMessage(requests));
    const inFlight = [1, 2, 3].map((n) => settled(writes.route('reactions', 'add', [n])));
    await turn();
    await turn();
    expect(held.map((batch) => batch.length)).toEqual([3]);
    // Made in the turn the writer dies, not sent yet: they wait for the next one.
    const waiting = writes.route('reactions', 'add', [4]);
    writes.detach();
    for (const outcome of await Promise.all(inFlight)) {
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? null : outcome.error).toBeInstanceOf(UnavailableError);
    }
    await turn();
    const next = channel();
    const batches: WriteRequest[][] = [];
    echoWriter(next.port2, batches);
    next.port1.on('message', (answers: WriteAnswer[]) => writes.answer(answers));
    writes.attach((requests) => next.port1.postMessage(requests));
    expect(await waiting).toBe('add:4');
    expect(batches.map((batch) => batch.map((r) => r.args[0]))).toEqual([[4]]);
  });

  it('sends at once on flush(), so a message of the channel owner made after the writes comes after them', async () => {
    const { port1, port2 } = channel();
    const writes = new RemoteWrites();
    const messages = received<unknown>(port2);
    const send = (message: unknown) => port1.postMessage(message);
    writes.attach((requests) => send(requests));
    const unanswered = settled(writes.route('reactions', 'add', [1]));
    writes.flush();
    send('stop');
    await turn();
    await turn();
    expect(messages.map((m) => (Array.isArray(m) ? 'writes' : m))).toEqual(['writes', 'stop']);
    writes.close();
    expect((await unanswered).ok).toBe(false);
  });

  it("fails alone a write whose arguments cannot cross threads; the turn's others are sent", async () => {
    const { port1, port2 } = channel();
    const writes = new RemoteWrites();
    const batches: WriteRequest[][] = [];
    echoWriter(port2, batches);
    writes.attach((requests) => port1.postMessage(requests));
    port1.on('message', (answers: WriteAnswer[]) => writes.answer(answers));
    const outcomes = await Promise.all([
      settled(writes.route('reactions', 'add', [1])),
      settled(writes.route('reactions', 'add', [() => 'not cloneable'])),
      settled(writes.route('reactions', 'add', [3])),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[2]).toEqual({ ok: true, value: 'add:3' });
  });
});

describe("WriteAnswers: a group's answers in one message", () => {
  it('posts the answers given while the microtask queue drains as one message, in order', async () => {
    const { port1, port2 } = channel();
    const messages = received<WriteAnswer[]>(port2);
    const answers = new WriteAnswers((batch) => port1.postMessage(batch));
    // As a group commit's promises settle: resolved in one loop, each answer given a few microtasks later.
    const group = [1, 2, 3].map((id) => Promise.resolve(id).then((n) => n));
    for (const promise of group) void promise.then((id) => answers.add({ id, ok: true, value: id * 10 }));
    await turn();
    await turn();
    expect(messages).toEqual([
      [
        { id: 1, ok: true, value: 10 },
        { id: 2, ok: true, value: 20 },
        { id: 3, ok: true, value: 30 },
      ],
    ]);
  });

  it('answers a value that cannot cross threads as a failure, and the others as they were', async () => {
    const { port1, port2 } = channel();
    const messages = received<WriteAnswer[]>(port2);
    const answers = new WriteAnswers((batch) => port1.postMessage(batch));
    answers.add({ id: 1, ok: true, value: 'fine' });
    answers.add({ id: 2, ok: true, value: () => 'not cloneable' });
    answers.flush();
    await turn();
    await turn();
    const flat = messages.flat();
    expect(flat.map((a) => [a.id, a.ok])).toEqual([
      [1, true],
      [2, false],
    ]);
  });
});
