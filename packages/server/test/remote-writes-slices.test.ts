import { describe, expect, it } from 'vitest';
import { ANSWERS_PER_TURN, RemoteWrites, type WriteRequest } from '../src/adapters/sqlite/remote-writes.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `count` writes sent through `writes`, each recording its own settling in `settled` (by its index). */
function sendWrites(writes: RemoteWrites, count: number, settled: number[]): Promise<unknown>[] {
  return Array.from({ length: count }, (_, i) =>
    writes
      .route('reactions', 'add', [i], 'interactive', () => Promise.resolve())
      .then(
        (value) => {
          settled.push(i);
          return value;
        },
        (err: unknown) => {
          settled.push(i);
          throw err;
        },
      ),
  );
}

// A group commit's answers arrive in one turn of the HTTP thread (one wake-up of the job thread's port). Settling them
// a few at a time lets the loop poll its sockets in between, so a read that arrives meanwhile waits behind a few
// likes' responses rather than all of the group's.
describe("RemoteWrites settles a group's answers a few per turn", () => {
  it('settles ANSWERS_PER_TURN answers in the turn they arrive, the rest in later turns, in order', async () => {
    const writes = new RemoteWrites();
    const requests: WriteRequest[] = [];
    writes.attach((request) => requests.push(request));
    const settled: number[] = [];
    const done = sendWrites(writes, 10, settled);
    expect(requests).toHaveLength(10);

    for (const request of requests)
      writes.answer({ type: 'written', id: request.id, ok: true, value: request.args[0] });
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
    expect(settled).toEqual(Array.from({ length: ANSWERS_PER_TURN }, (_, i) => i));
    await nextTurn();
    expect(settled.length).toBeGreaterThan(ANSWERS_PER_TURN);
    await Promise.all(done);
    expect(settled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await done[7]).toBe(7);
  });

  it('lets a timer due meanwhile run before the last slice', async () => {
    const writes = new RemoteWrites();
    const requests: WriteRequest[] = [];
    writes.attach((request) => requests.push(request));
    const settled: number[] = [];
    const done = sendWrites(writes, 12, settled);
    await new Promise((resolve) => setTimeout(resolve, 2));
    let seen = -1;
    setTimeout(() => (seen = settled.length), 0);
    // Due by the time the answers are handled: it runs in the next loop iteration, between slices.
    const wait = Date.now() + 2;
    while (Date.now() < wait);
    for (const request of requests) writes.answer({ type: 'written', id: request.id, ok: true, value: null });
    await Promise.all(done);
    expect(seen).toBeGreaterThanOrEqual(Math.min(ANSWERS_PER_TURN, 12));
    expect(seen).toBeLessThan(12);
  });

  it('a write answered before the writer restarts keeps its answer; one not answered fails with 503', async () => {
    const writes = new RemoteWrites();
    const requests: WriteRequest[] = [];
    writes.attach((request) => requests.push(request));
    const settled: number[] = [];
    const count = ANSWERS_PER_TURN + 2;
    const done = sendWrites(writes, count + 1, settled).map((p) =>
      p.then(
        (value) => ({ ok: true, value }),
        (err: unknown) => ({ ok: false, status: (err as { status?: number }).status }),
      ),
    );
    // Every write but the last answered (some of them still waiting for a later turn), then the writer dies.
    for (const request of requests.slice(0, count))
      writes.answer({ type: 'written', id: request.id, ok: true, value: 'committed' });
    writes.detach();
    const outcomes = await Promise.all(done);
    expect(outcomes.slice(0, count)).toEqual(Array.from({ length: count }, () => ({ ok: true, value: 'committed' })));
    expect(outcomes[count]).toMatchObject({ ok: false, status: 503 });
  });

  it('an error answer is settled in its turn as a rejection', async () => {
    const writes = new RemoteWrites();
    const requests: WriteRequest[] = [];
    writes.attach((request) => requests.push(request));
    const settled: number[] = [];
    const done = sendWrites(writes, ANSWERS_PER_TURN + 1, settled);
    for (const request of requests.slice(0, -1)) writes.answer({ type: 'written', id: request.id, ok: true, value: 1 });
    const last = requests.at(-1);
    if (!last) throw new Error('no request');
    writes.answer({
      type: 'written',
      id: last.id,
      ok: false,
      error: { name: 'AppError', code: 'not_found', message: 'gone' },
    });
    await expect(done.at(-1)).rejects.toMatchObject({ code: 'not_found', message: 'gone' });
    expect(settled).toEqual(Array.from({ length: ANSWERS_PER_TURN + 1 }, (_, i) => i));
  });
});
