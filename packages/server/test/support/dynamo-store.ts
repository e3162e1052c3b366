import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createDocumentClient, type RetryPolicy } from '../../src/adapters/dynamodb/client.js';
import { createDynamoStore } from '../../src/adapters/dynamodb/store.js';
import { tableDefinitions, type TableNames } from '../../src/adapters/dynamodb/tables.js';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { createSqliteJobQueue } from '../../src/adapters/sqlite/job-queue.js';
import { ReadySignal } from '../../src/adapters/sqlite/jobs-table.js';
import { systemClock, type Clock } from '../../src/ports/clock.js';
import type { JobQueue } from '../../src/ports/job-queue.js';
import type { Store } from '../../src/ports/store.js';
import { useDynalite } from './emulators.js';

let tableCount = 0;

export interface DynamoTestStore {
  store: Store;
  doc: DynamoDBDocumentClient;
  tables: TableNames;
  /** The queue outbox jobs go to: a real SQLite job queue in a temp dir (the SQS adapter is tested on its own). */
  queue: JobQueue;
  cleanup: () => Promise<void>;
}

export interface DynamoTestStoreOptions {
  clock?: Clock;
  retry?: RetryPolicy;
  writeBudget?: number;
  batchConcurrency?: number;
  pulledRegistryTtlMs?: number;
  /** What the store sends its outbox jobs through (e.g. a queue that fails on purpose); default the queue itself. */
  outboxQueue?: (queue: JobQueue) => JobQueue;
}

/** A DynamoDB store on fresh tables of `endpoint`. */
export async function createDynamoTestStore(
  endpoint: string,
  options: DynamoTestStoreOptions = {},
): Promise<DynamoTestStore> {
  const clock = options.clock ?? systemClock;
  tableCount += 1;
  const tables = { main: `core-main-${tableCount}`, feeds: `core-feeds-${tableCount}` };
  const doc = createDocumentClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  for (const definition of tableDefinitions(tables)) await doc.send(new CreateTableCommand(definition));
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-dyn-queue-'));
  const db = openDatabase(join(dir, 'queue.db'));
  const queue = createSqliteJobQueue(db, {
    clock,
    signal: new ReadySignal(),
    retry: { maxAttempts: 5, backoffBaseMs: 10, maxBackoffMs: 50 },
  });
  const { outboxQueue, ...storeOptions } = options;
  const store = createDynamoStore({
    doc,
    tables,
    queue: outboxQueue ? outboxQueue(queue) : queue,
    clock,
    ...storeOptions,
  });
  return {
    store,
    doc,
    tables,
    queue,
    async cleanup() {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * dynalite for this suite (useDynalite), and `create`: a DynamoDB store on fresh tables of it, cleaned up after the
 * test that made it (after any app the test started later on it: vitest runs later-registered after-hooks first).
 */
export function useDynamoStores(): {
  readonly endpoint: string;
  create(options?: DynamoTestStoreOptions): Promise<DynamoTestStore>;
} {
  const dynalite = useDynalite();
  const opened: DynamoTestStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0).reverse()) await store.cleanup();
  });
  return {
    get endpoint() {
      return dynalite.endpoint;
    },
    async create(options = {}) {
      const store = await createDynamoTestStore(dynalite.endpoint, options);
      opened.push(store);
      return store;
    },
  };
}
