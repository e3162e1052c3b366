import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../src/adapters/dynamodb/client.js';
import { PULLED_PK } from '../src/adapters/dynamodb/core/keys.js';
import { PULLED_REGISTRY_TTL_MS } from '../src/adapters/pulled-accounts-cache.js';
import { createDynamoStore } from '../src/adapters/dynamodb/store.js';
import type { Store } from '../src/ports/store.js';
import { createDynamoTestStore, type DynamoTestStore } from './support/dynamo-store.js';
import { useDynalite } from './support/emulators.js';
import { ManualClock } from './support/manual-clock.js';
import type { TestApp } from './support/test-app.js';
import { useTestApps } from './support/use-test-app.js';

// The PULLED registry (hybrid fan-out) is read through a per-process cache: once per PULLED_REGISTRY_TTL_MS, not on
// every feed page. Several stores on the same dynalite tables stand for several server processes; the readers'
// clocks are manual, so the TTL's edges are exact.

const dynalite = useDynalite();
// Closed after each test, last opened first: apps first (their stores), then the tables' own store and its queue.
const opened = useTestApps();

/** The first store on fresh tables (the writing process), on the system clock. */
async function firstStore(): Promise<DynamoTestStore> {
  const d = await createDynamoTestStore(dynalite.endpoint);
  opened.defer(() => d.cleanup());
  return d;
}

/** Another process's store on the same tables, with its own client (so its requests are counted apart). */
function otherStore(
  d: DynamoTestStore,
  clock: ManualClock,
  pulledRegistryTtlMs?: number,
): { store: Store; doc: DynamoDBDocumentClient } {
  const doc = createDocumentClient({
    region: 'us-east-1',
    endpoint: dynalite.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const store = createDynamoStore({
    doc,
    tables: d.tables,
    queue: d.queue,
    clock,
    ...(pulledRegistryTtlMs === undefined ? {} : { pulledRegistryTtlMs }),
  });
  opened.defer(() => store.close());
  return { store, doc };
}

/** Counts what the client sends from now on: every command by name, and the Queries of the PULLED partition. */
function countRequests(doc: DynamoDBDocumentClient): { byCommand: Map<string, number>; registryQueries(): number } {
  const byCommand = new Map<string, number>();
  let registry = 0;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      byCommand.set(name, (byCommand.get(name) ?? 0) + 1);
      const input = args.input as { ExpressionAttributeValues?: Record<string, unknown> };
      if (name === 'QueryCommand' && input.ExpressionAttributeValues?.[':pk'] === PULLED_PK) registry += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return { byCommand, registryQueries: () => registry };
}

const sid = (n: number) => `01J00000000000000000000${String(n).padStart(3, '0')}`;

describe('the PULLED registry cache (hybrid fan-out) on dynalite', () => {
  it('reads the registry once per TTL, shares one read among concurrent callers, and sees its own marks at once', async () => {
    const d = await firstStore();
    const clock = new ManualClock();
    const { store: reader, doc } = otherStore(d, clock);
    const counted = countRequests(doc);
    const writer = d.store;

    for (let i = 0; i < 3; i++) expect((await reader.users.pulledAccounts()).size).toBe(0);
    expect(counted.registryQueries()).toBe(1);

    // Another process marks @star: it sees its own mark at once ...
    await writer.users.markPulled('star', sid(5));
    expect([...(await writer.users.pulledAccounts()).keys()]).toEqual(['star']);
    // ... and the reader, whose copy predates the mark, sees it only once that copy is PULLED_REGISTRY_TTL_MS old.
    expect((await reader.users.pulledAccounts()).size).toBe(0);
    clock.advance(PULLED_REGISTRY_TTL_MS - 1);
    expect((await reader.users.pulledAccounts()).size).toBe(0);
    expect(counted.registryQueries()).toBe(1);
    clock.advance(1);
    expect([...(await reader.users.pulledAccounts())]).toEqual([['star', sid(5)]]);
    expect(counted.registryQueries()).toBe(2);

    // After the TTL, concurrent callers (a burst of feed pages) share one read.
    clock.advance(PULLED_REGISTRY_TTL_MS);
    const burst = await Promise.all(Array.from({ length: 5 }, () => reader.users.pulledAccounts()));
    for (const accounts of burst) expect([...accounts.keys()]).toEqual(['star']);
    expect(counted.registryQueries()).toBe(3);

    // A mark made through the reader itself is seen by its very next read, without waiting for the TTL.
    await reader.users.markPulled('zed', sid(7));
    expect([...(await reader.users.pulledAccounts()).keys()].sort()).toEqual(['star', 'zed']);
    expect(counted.registryQueries()).toBe(4);
    // A caller cannot change the cached copy through the map it was handed.
    (await reader.users.pulledAccounts()).delete('star');
    expect([...(await reader.users.pulledAccounts()).keys()].sort()).toEqual(['star', 'zed']);
    expect(counted.registryQueries()).toBe(4);
  });

  it('a failed read is not cached: the next call reads again', async () => {
    const d = await firstStore();
    const { store: reader, doc } = otherStore(d, new ManualClock());
    let failNext = true;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (failNext && context.commandName === 'QueryCommand') {
          failNext = false;
          throw Object.assign(new Error('the table is being deleted'), { name: 'ResourceNotFoundException' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failOnce' },
    );
    await d.store.users.markPulled('star', sid(1));
    await expect(reader.users.pulledAccounts()).rejects.toThrow(/being deleted/);
    expect([...(await reader.users.pulledAccounts()).keys()]).toEqual(['star']);
  });
});

describe('home feeds of a newly pulled author, across processes', () => {
  let writer: TestApp;
  let tokens: { star: string; fan: string };
  let pushed: string;
  let d: DynamoTestStore;

  /** The writing process: FANOUT_PULL_THRESHOLD=1, so @star is pulled from its second follower on. */
  async function startWriter(): Promise<void> {
    d = await firstStore();
    writer = await opened.start({ FANOUT_PULL_THRESHOLD: '1' }, { stores: { store: d.store, queue: d.queue } });
    tokens = { star: await writer.register('star'), fan: await writer.register('fan') };
    const other = await writer.register('other');
    await follow(writer, tokens.fan, 'star');
    await writer.drain();
    pushed = await post(writer, tokens.star, 'one follower: pushed');
    await writer.drain();
    await follow(writer, other, 'star');
    await writer.drain();
  }

  /** A reading process on the same tables: its own store (manual clock, registry cache) and no workers. */
  async function startReader(
    clock: ManualClock,
    pulledRegistryTtlMs?: number,
  ): Promise<{ reader: TestApp; doc: DynamoDBDocumentClient }> {
    const { store, doc } = otherStore(d, clock, pulledRegistryTtlMs);
    const reader = await opened.start({}, { stores: { store, queue: d.queue }, workers: false });
    return { reader, doc };
  }

  it('shows the first pulled post at once where it was marked, and up to the TTL late elsewhere', async () => {
    await startWriter();
    const clock = new ManualClock();
    const { reader } = await startReader(clock);
    expect(await feed(reader, tokens.fan)).toEqual([pushed]); // the reader's copy of the registry: empty

    const pulled = await post(writer, tokens.star, 'two followers: pulled');
    expect((await writer.ctx.store.users.get('star'))?.pulledSince).toBe(pulled);
    expect(await feed(writer, tokens.fan)).toEqual([pulled, pushed]);
    // The reader's copy predates the mark: the pulled post is late there, never wrong, for at most the TTL.
    expect(await feed(reader, tokens.fan)).toEqual([pushed]);
    clock.advance(PULLED_REGISTRY_TTL_MS - 1);
    expect(await feed(reader, tokens.fan)).toEqual([pushed]);
    clock.advance(1);
    expect(await feed(reader, tokens.fan)).toEqual([pulled, pushed]);
  });

  it("a deleted account's mark leaves the registry with its user item", async () => {
    await startWriter();
    await post(writer, tokens.star, 'two followers: pulled');
    const uncached = otherStore(d, new ManualClock(), 0).store;
    expect([...(await uncached.users.pulledAccounts()).keys()]).toEqual(['star']);
    const res = await writer.as(tokens.star, {
      method: 'DELETE',
      url: '/api/v1/me',
      payload: { password: 'correct horse' },
    });
    expect(res.statusCode).toBe(204);
    await writer.drain();
    expect([...(await uncached.users.pulledAccounts()).keys()]).toEqual([]);
    expect(await feed(writer, tokens.fan)).toEqual([]);
  });

  it('a feed page costs one registry Query per TTL instead of one per page', async () => {
    await startWriter();
    const pulled = await post(writer, tokens.star, 'two followers: pulled');
    const cached = await startReader(new ManualClock());
    const uncached = await startReader(new ManualClock(), 0); // every page reads the registry, as before the cache
    const pages = 20;
    const costs: Record<string, { byCommand: Map<string, number>; registryQueries(): number }> = {};
    for (const [name, { reader, doc }] of [
      ['uncached', uncached],
      ['cached', cached],
    ] as const) {
      expect(await feed(reader, tokens.fan)).toEqual([pulled, pushed]); // warms the hydration caches alike
      const counted = countRequests(doc);
      for (let i = 0; i < pages; i++) expect(await feed(reader, tokens.fan)).toEqual([pulled, pushed]);
      costs[name] = counted;
    }
    const total = (name: string) => [...(costs[name]?.byCommand.values() ?? [])].reduce((a, b) => a + b, 0);
    expect(costs['uncached']?.registryQueries()).toBe(pages);
    expect(costs['cached']?.registryQueries()).toBe(0); // read once when warming, within the TTL since
    expect(total('uncached') - total('cached')).toBe(pages);
    console.info(
      `DynamoDB requests for ${pages} feed pages (a viewer following one pulled author): ` +
        `registry read every page ${total('uncached')} ${JSON.stringify(Object.fromEntries(costs['uncached']?.byCommand ?? []))}, ` +
        `cached ${total('cached')} ${JSON.stringify(Object.fromEntries(costs['cached']?.byCommand ?? []))}`,
    );
  });
});

async function follow(app: TestApp, token: string, alias: string): Promise<void> {
  expect((await app.as(token, { method: 'PUT', url: `/api/v1/me/followees/${alias}` })).statusCode).toBe(200);
}

async function post(app: TestApp, token: string, text: string): Promise<string> {
  const res = await app.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

async function feed(app: TestApp, token: string): Promise<string[]> {
  const res = await app.as(token, { method: 'GET', url: '/api/v1/me/feed' });
  expect(res.statusCode).toBe(200);
  return res.json<{ items: { id: string }[] }>().items.map((s) => s.id);
}
