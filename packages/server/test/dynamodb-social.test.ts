import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient, DEFAULT_RETRY, type DynamoDeps } from '../src/adapters/dynamodb/client.js';
import { createDynamoSocialRepos } from '../src/adapters/dynamodb/social/index.js';
import { tableDefinitions } from '../src/adapters/dynamodb/tables.js';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { CountsReconcileProcessor } from '../src/jobs/counts-reconcile.js';
import { systemClock, type Clock } from '../src/ports/clock.js';
import type { Store } from '../src/ports/store.js';
import { board, member, statuses, T0 } from './contract/social-fixtures.js';
import { runSocialStoreContract } from './contract/store-contract-social.js';
import { ManualClock } from './support/manual-clock.js';
import { SETTLE_MS } from '../src/adapters/dynamodb/social/message-order.js';

// The social repositories on dynalite, until the whole DynamoDB Store runs the full contract: the core repos
// (users, statuses, ...) come from a SQLite store, and statusExists reads its statuses.

type DynaliteFactory = (options: { createTableMs?: number }) => Server;

let server: Server;
let endpoint: string;
let tableCount = 0;

beforeAll(async () => {
  const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A store whose social repos are on fresh DynamoDB tables; `peer` is a second set of repos on the same tables. */
async function createStore(clock?: Clock): Promise<{
  store: Store;
  deps: DynamoDeps;
  peer: () => Store;
  cleanup: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-dyn-social-'));
  const core = createSqliteStore(openDatabase(join(dir, 'core.db')), { clock: systemClock, signal: new ReadySignal() });
  tableCount += 1;
  const tables = { main: `main${tableCount}`, feeds: `feeds${tableCount}` };
  const doc = createDocumentClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  for (const definition of tableDefinitions(tables)) await doc.send(new CreateTableCommand(definition));
  const deps: DynamoDeps & { clock?: Clock } = { doc, tables, retry: DEFAULT_RETRY, batchConcurrency: 4, clock };
  const build = (): Store => ({
    ...core,
    ...createDynamoSocialRepos({ ...deps, statusExists: async (id) => (await core.statuses.get(id)) !== null }),
  });
  const store = build();
  const clients = [doc];
  return {
    store,
    deps,
    peer: () => {
      // Its own client: requests of the two interleave as two processes' would.
      const other = createDocumentClient({
        region: 'us-east-1',
        endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      clients.push(other);
      return {
        ...core,
        ...createDynamoSocialRepos({
          ...deps,
          doc: other,
          statusExists: async (id) => (await core.statuses.get(id)) !== null,
        }),
      };
    },
    cleanup: async () => {
      for (const client of clients) client.destroy();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('DynamoDB social repos: the social store contract on dynalite', () => {
  let current: Awaited<ReturnType<typeof createStore>>;
  beforeEach(async () => {
    current = await createStore();
  });
  afterEach(async () => {
    await current.cleanup();
  });
  runSocialStoreContract({ test: (title, fn) => it(title, fn), store: () => current.store });
});

describe('DynamoDB social repos: faults and concurrency', () => {
  let current: Awaited<ReturnType<typeof createStore>>;
  beforeEach(async () => {
    current = await createStore();
  });
  afterEach(async () => {
    await current.cleanup();
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
    const { store, peer, cleanup } = await createStore(new ManualClock(T0));
    try {
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
    } finally {
      await cleanup();
    }
  });

  it('a number taken by a writer that died stops readers until it settles, then is skipped', async () => {
    const clock = new ManualClock(T0);
    const { store, deps, cleanup } = await createStore(clock);
    try {
      await store.boards.create(board(1));
      const first = await store.messages.create(draft('first', T0));
      // The writer of message 2 took its number and died before its put.
      await deps.doc.send(
        new UpdateCommand({
          TableName: deps.tables.main,
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
    } finally {
      await cleanup();
    }
  });

  it('counts broken on purpose converge when counts.reconcile re-counts them', async () => {
    const { store, deps } = current;
    await store.boards.create(board(1));
    for (const a of ['bob', 'cid']) await store.members.put(member(1, a));
    await statuses(store, 'S1');
    for (const a of ['ann', 'bob']) await store.reactions.add('status', 'S1', a, 'like', T0);
    await store.comments.create({ id: 'C1', statusId: 'S1', author: 'bob', text: 'c', createdAt: T0, deleted: false });
    // A fault between an item write and its count: the counts drift.
    const set = (pk: string, sk: string, attribute: string, value: number) =>
      deps.doc.send(
        new UpdateCommand({
          TableName: deps.tables.main,
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
});
