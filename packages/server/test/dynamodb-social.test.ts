import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocumentClient, DEFAULT_RETRY } from '../src/adapters/dynamodb/client.js';
import { createDynamoSocialRepos } from '../src/adapters/dynamodb/social/index.js';
import { SETTLE_MS } from '../src/adapters/dynamodb/social/message-order.js';
import { createDynamoStore } from '../src/adapters/dynamodb/store.js';
import { CountsReconcileProcessor, reconcileJob } from '../src/jobs/counts-reconcile.js';
import type { Clock } from '../src/ports/clock.js';
import type { CountTarget, Store } from '../src/ports/store.js';
import { board, member, statuses, T0 } from './contract/social-fixtures.js';
import { createDynamoTestStore, type DynamoTestStore } from './support/dynamo-store.js';
import { useDynalite } from './support/emulators.js';
import { ManualClock } from './support/manual-clock.js';

// What the social store contract (run on dynalite by dynamodb-store.test.ts) cannot show with one store: two
// processes writing one board while a poller pages, a writer that died holding a message number, and counts
// broken on purpose that counts.reconcile repairs.

const dynalite = useDynalite();

/** A DynamoDB store on fresh tables, and `peer()`: another store on the same tables with its own client. */
async function createStore(clock?: Clock): Promise<DynamoTestStore & { peer: () => Store }> {
  const t = await createDynamoTestStore(dynalite.endpoint, clock ? { clock } : {});
  const peers: Store[] = [];
  return {
    ...t,
    peer: () => {
      // Its own client: requests of the two interleave as two processes' would.
      const doc = createDocumentClient({
        region: 'us-east-1',
        endpoint: dynalite.endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      const store = createDynamoStore({ doc, tables: t.tables, queue: t.queue, clock: clock ?? { now: Date.now } });
      peers.push(store);
      return store;
    },
    cleanup: async () => {
      for (const p of peers) await p.close();
      await t.cleanup();
    },
  };
}

describe('DynamoDB social repos: concurrency and faults', () => {
  const opened: Awaited<ReturnType<typeof createStore>>[] = [];
  const fresh = async (clock?: Clock) => {
    const t = await createStore(clock);
    opened.push(t);
    return t;
  };
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.cleanup();
  });

  const draft = (text: string, createdAt: number) => ({
    boardId: board(1).id,
    author: 'ann',
    topic: null,
    text,
    createdAt,
    deleted: false,
  });

  it('two processes writing one board interleaved: a poller with after sees every message once', async () => {
    // A clock that stands still: no write is given up and no gap settles, whatever the machine's load.
    const { store, peer } = await fresh(new ManualClock(T0));
    const other = peer();
    await store.boards.create(board(1));
    const each = 20;
    const seen: string[] = [];
    const poller = (async () => {
      for (let round = 0; seen.length < 2 * each && round < 100_000; round++) {
        const page = await other.messages.page(board(1).id, { order: 'asc', after: seen.at(-1), limit: 4 });
        seen.push(...page.map((m) => m.id));
      }
    })();
    // The second writer's clock is 30 s behind the first's.
    const writer = (s: Store, skew: number) =>
      Promise.all(Array.from({ length: each }, (_, i) => s.messages.create(draft(`m${i}`, T0 + skew + i))));
    const written = (await Promise.all([writer(store, 0), writer(other, -30_000)])).flat().map((m) => m.id);
    await poller;
    expect(seen).toEqual([...written].sort());
  });

  it('a number taken by a writer that died stops readers until it settles, then is skipped', async () => {
    const clock = new ManualClock(T0);
    const { store, doc, tables } = await fresh(clock);
    await store.boards.create(board(1));
    const first = await store.messages.create(draft('first', T0));
    // The writer of message 2 took its number and died before its put.
    await doc.send(
      new UpdateCommand({
        TableName: tables.main,
        Key: { pk: `MSGSEQ#${board(1).id}`, sk: 'SEQ' },
        UpdateExpression: 'ADD msgSeq :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    const third = await store.messages.create(draft('third', T0));
    const asc = () => store.messages.page(board(1).id, { order: 'asc', after: first.id, limit: 10 });
    const desc = () => store.messages.page(board(1).id, { order: 'desc', limit: 10 });
    expect(await asc()).toEqual([]);
    expect((await desc()).map((m) => m.id)).toEqual([first.id]);
    clock.advance(SETTLE_MS + 1);
    expect((await asc()).map((m) => m.id)).toEqual([third.id]);
    expect((await desc()).map((m) => m.id)).toEqual([third.id, first.id]);
  });

  it('counts broken on purpose converge when counts.reconcile re-counts them', async () => {
    const { store, doc, tables } = await fresh();
    await store.boards.create(board(1));
    for (const a of ['bob', 'cid']) await store.members.put(member(1, a));
    await statuses(store, 'S1');
    for (const a of ['ann', 'bob']) await store.reactions.add('status', 'S1', a, 'like', T0);
    await store.comments.create({ id: 'C1', statusId: 'S1', author: 'bob', text: 'c', createdAt: T0, deleted: false });
    // A fault between an item write and its count: the counts drift.
    const set = (pk: string, sk: string, attribute: string, value: number) =>
      doc.send(
        new UpdateCommand({
          TableName: tables.main,
          Key: { pk, sk },
          UpdateExpression: 'SET #a = :v',
          ExpressionAttributeNames: { '#a': attribute },
          ExpressionAttributeValues: { ':v': value },
        }),
      );
    await set(`BOARD#${board(1).id}`, 'BOARD', 'memberCount', 7);
    await set('REACT#status#S1', 'COUNT', 'like', 5);
    await set('COMMENTCOUNT#S1', 'COUNT', 'count', -2);
    expect((await store.boards.get(board(1).id))?.memberCount).toBe(7);

    const reconcile = new CountsReconcileProcessor(store);
    const run = (payload: Record<string, unknown>) =>
      reconcile.perform({ id: 'j', name: 'counts.reconcile', payload, attempts: 1, enqueuedAt: T0, receipt: 'r' });
    await run({ target: 'board', id: board(1).id });
    await run({ target: 'status', id: 'S1' });
    await run({ target: 'status', id: 'S1' }); // idempotent
    expect((await store.boards.get(board(1).id))?.memberCount).toBe(3);
    expect((await store.reactions.counts('status', ['S1'])).get('S1')).toEqual({ like: 2, heart: 0 });
    expect((await store.comments.counts(['S1'])).get('S1')).toBe(1);
  });

  it('a count that fails after its item reports the target, and the reconcile job it asks for repairs it', async () => {
    const { tables } = await fresh();
    const doc = createDocumentClient({
      region: 'us-east-1',
      endpoint: dynalite.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    let failCounts = true;
    // A fault between the reaction item and its tally: every ADD on a tally item fails (not a throttle: no retry).
    doc.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: { sk?: unknown }; UpdateExpression?: string };
        if (failCounts && input.Key?.sk === 'COUNT' && input.UpdateExpression?.startsWith('ADD')) {
          throw Object.assign(new Error('injected fault'), { name: 'InternalFailure' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failCounts' },
    );
    const drifted: CountTarget[] = [];
    const repos = createDynamoSocialRepos({
      doc,
      tables,
      retry: DEFAULT_RETRY,
      batchConcurrency: 4,
      statusExists: async () => true,
      countDrifted: async (target) => {
        drifted.push(target);
      },
    });
    try {
      await expect(repos.reactions.add('message', 'M1', 'ann', 'like', T0)).rejects.toThrow('injected fault');
      expect(drifted).toEqual([{ target: 'message', id: 'M1' }]);
      failCounts = false;
      expect(await repos.reactions.add('message', 'M1', 'ann', 'like', T0)).toEqual({
        changed: false,
        counts: { like: 0, heart: 0 }, // the reaction is stored, its count is not
      });
      const [target] = drifted;
      if (!target) throw new Error('no drifted target');
      const job = reconcileJob(target);
      await new CountsReconcileProcessor(repos).perform({ id: 'j', ...job, attempts: 1, enqueuedAt: T0, receipt: 'r' });
      expect((await repos.reactions.counts('message', ['M1'])).get('M1')).toEqual({ like: 1, heart: 0 });
    } finally {
      doc.destroy();
    }
  });
});
