import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { parseSegments } from '@tweeter/shared';
import { afterEach, expect, it } from 'vitest';
import {
  RemoteWrites,
  writtenAnswer,
  type WriteAnswer,
  type WriteRequest,
} from '../src/adapters/sqlite/remote-writes.js';
import type { StatusRecord } from '../src/ports/store.js';

// A post's answer across threads leaves out the status it was sent, and the HTTP thread puts back its own
// (docs/benchmarks.md, `s17-sustained`): over a real MessagePort, as the job thread answers.

const ports: MessagePort[] = [];
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

/** A writer's end that runs `write` on what it receives and answers with the job thread's `writtenAnswer`; it keeps what it sent. */
function writerEnd(write: (request: WriteRequest) => unknown): { writes: RemoteWrites; sent: WriteAnswer[] } {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const sent: WriteAnswer[] = [];
  port2.on('message', (request: WriteRequest) => {
    const value = write(request);
    const answer = writtenAnswer(request, value);
    sent.push(answer);
    port2.postMessage(answer);
  });
  const writes = new RemoteWrites();
  port1.on('message', (answer: WriteAnswer) => writes.answer(answer));
  writes.attach((request) => port1.postMessage(request));
  return { writes, sent };
}

const text = 'hello https://example.com/x #tag';
const record: StatusRecord = { id: 'S1', author: 'ann', post: text, segments: parseSegments(text), createdAt: 1 };

it("a created status is not sent back: the answer names the argument, and the caller gets its own record's content", async () => {
  const { writes, sent } = writerEnd((request) => ({ status: request.args[0], created: true }));
  const answer = await writes.route('statuses', 'create', [record, { audience: 3 }], 'interactive', () =>
    Promise.reject(new Error('not called here')),
  );
  expect(answer).toEqual({ status: record, created: true });
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ ok: true, value: { created: true }, echo: { key: 'status', arg: 0 } });
  expect(sent[0]?.ok === true && 'status' in (sent[0].value as object)).toBe(false);
});

it('an idempotent retry (another record) and writes not named as echoing are sent whole', async () => {
  const first: StatusRecord = { ...record, id: 'S0' };
  const { writes, sent } = writerEnd((request) =>
    request.method === 'create' ? { status: first, created: false } : { user: request.args[0] },
  );
  expect(await writes.route('statuses', 'create', [record, {}], 'interactive', () => Promise.resolve())).toEqual({
    status: first,
    created: false,
  });
  expect(await writes.route('users', 'put', [{ alias: 'ann' }], 'interactive', () => Promise.resolve())).toEqual({
    user: { alias: 'ann' },
  });
  expect(sent.map((a) => a.ok && a.echo)).toEqual([undefined, undefined]);
});
