import { setTimeout as sleep } from 'node:timers/promises';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { RemoteWrites, writtenAnswer, type WriteRequest } from '../src/adapters/sqlite/remote-writes.js';

// WRITE_ANSWER_SPIN_US (docs/benchmarks.md, `s18-spin`): while a write sent to the writer's end is unanswered, the
// HTTP thread's loop keeps polling (turns counted in `spinTurns`) for up to the window, and stops polling once the
// answer came or the window passed. Over a real MessagePort; the writer's end holds each write until released.

const ports: MessagePort[] = [];
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

function heldWriter(spinUs: number): { writes: RemoteWrites; release(): void } {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const held: WriteRequest[] = [];
  port2.on('message', (request: WriteRequest) => held.push(request));
  const writes = new RemoteWrites({ spinUs });
  port1.on('message', (answer: Parameters<RemoteWrites['answer']>[0]) => writes.answer(answer));
  writes.attach((request) => port1.postMessage(request));
  return {
    writes,
    release: () => {
      for (const request of held.splice(0)) port2.postMessage(writtenAnswer(request, { done: request.id }));
    },
  };
}

const write = (writes: RemoteWrites) =>
  writes.route('users', 'put', [{ alias: 'ann' }], 'interactive', () => Promise.reject(new Error('not here')));

/** `n` turns of this thread's event loop. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

it('off (0): the loop is never kept polling', async () => {
  const { writes, release } = heldWriter(0);
  const answered = write(writes);
  await sleep(20);
  release();
  expect(await answered).toEqual({ done: 1 });
  expect(writes.spinTurns).toBe(0);
});

it('polls while the write is out, and stops once it is answered', async () => {
  const { writes, release } = heldWriter(10_000); // the setting's largest window, 10 ms
  const answered = write(writes);
  await turns(20);
  const polling = writes.spinTurns;
  expect(polling).toBeGreaterThan(0);
  release();
  expect(await answered).toEqual({ done: 1 });
  await turns(5);
  const after = writes.spinTurns;
  await sleep(30); // past the window whatever happened: nothing polls now
  expect(writes.spinTurns).toBe(after);
});

it('stops at the end of its window when no answer comes, and polls again for the next write', async () => {
  const { writes, release } = heldWriter(1000);
  const first = write(writes);
  await sleep(30); // far past the 1 ms window
  const stopped = writes.spinTurns;
  expect(stopped).toBeGreaterThan(0);
  await sleep(20);
  expect(writes.spinTurns).toBe(stopped); // the loop is left to block though the write is still out
  const second = write(writes);
  await turns(5);
  expect(writes.spinTurns).toBeGreaterThan(stopped);
  release();
  expect(await Promise.all([first, second])).toEqual([{ done: 1 }, { done: 2 }]);
});
