import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { buildApp } from '../../src/http/app.js';
import { systemClock } from '../../src/ports/clock.js';
import { openTestStores, startAwsLocalShape } from '../support/aws-local.js';
import { runCli, runCliAsync } from '../support/server-process.js';
import { TEST_ENV } from '../support/test-app.js';
import { createNodeRuntime } from '../../src/wiring/node-runtime.js';

// The commands on the AWS shape: those that only make sense on the embedded file refuse it in one line naming
// TWEETER_STORE (they used to act on a local file instead), and populate loads DynamoDB through batch writes.
let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A valid AWS-shape configuration whose endpoints nothing listens on: a refusing command never calls them. */
const AWS_SHAPE = {
  TWEETER_STORE: 'dynamodb',
  TWEETER_QUEUE: 'sqs',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
  SQS_ENDPOINT: 'http://127.0.0.1:9',
};

describe('the embedded-file commands on the AWS shape', () => {
  it('migrate and backup refuse with one line naming TWEETER_STORE, creating nothing', () => {
    root = mkdtempSync(join(tmpdir(), 'tweeter-aws-cmds-'));
    const dataDir = join(root, 'data');
    const migrate = runCli(['migrate', '--data-dir', dataDir], AWS_SHAPE);
    expect(migrate.status).toBe(2);
    expect(migrate.stderr).toBe(
      'tweeter: migrate works on the embedded SQLite file only, and TWEETER_STORE=dynamodb keeps the data in ' +
        'DynamoDB: its tables have no schema to migrate\n',
    );
    const backup = runCli(['backup', join(root, 'copy.db'), '--data-dir', dataDir], AWS_SHAPE);
    expect(backup.status).toBe(2);
    expect(backup.stderr).toBe(
      'tweeter: backup works on the embedded SQLite file only, and TWEETER_STORE=dynamodb keeps the data in ' +
        "DynamoDB: use DynamoDB's point-in-time recovery or on-demand backups\n",
    );
    expect(existsSync(dataDir)).toBe(false);
    expect(existsSync(join(root, 'copy.db'))).toBe(false);
  });
});

describe('tweeter populate on DynamoDB', () => {
  it('loads users, follows and delivered statuses into dynalite; the API signs them in; a rerun adds nothing', async () => {
    root = mkdtempSync(join(tmpdir(), 'tweeter-aws-populate-'));
    const shape = await startAwsLocalShape({});
    try {
      // The CLI is its own process: its SDK clients take credentials from the environment (the emulators take any).
      const env = { ...shape.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', DATA_DIR: root };
      const args = ['populate', '--users', '60', '--followers', '40', '--followees-each', '2', '--statuses-each', '1'];
      const first = await runCliAsync(args, env);
      expect(first.stderr.includes('Error') ? first.stderr : '').toBe('');
      expect(first.status).toBe(0);
      expect(summary(first.stdout)).toMatchObject({
        'users added': 61,
        'follows added': 40 + 60 * 2,
        'statuses added': 60,
      });
      // Nothing of the embedded shape was written: no database file in DATA_DIR.
      expect(existsSync(join(root, 'tweeter.db'))).toBe(false);

      const config = loadConfig({ ...TEST_ENV, ...env });
      const stores = await openTestStores(config, systemClock);
      const ctx = await createNodeRuntime(config, { stores: { store: stores.store, queue: stores.queue } });
      try {
        const { store } = stores;
        expect((await store.users.get('celebrity'))?.followerCount).toBe(40);
        expect((await store.users.get('user_000001'))?.followeeCount).toBe(3); // the celebrity and 2 random
        const fans = await store.follows.followers('celebrity', { limit: 100 });
        expect(fans.items).toHaveLength(40);
        // Each generated user's status is in its followers' feeds, its delivery done.
        const [latest] = await store.statuses.byAuthor('user_000002', { limit: 1 });
        expect((await store.deliveries.get(latest?.id ?? ''))?.state).toBe('done');
        const followersOf2 = await store.follows.followers('user_000002', { limit: 100 });
        for (const owner of followersOf2.items) {
          expect((await store.feeds.page(owner, { limit: 10 })).map((e) => e.statusId)).toContain(latest?.id);
        }
        // The generated users sign in through the API with the populate password.
        const app = await buildApp(ctx);
        const login = await app.inject({
          method: 'POST',
          url: '/api/v1/sessions',
          payload: { alias: 'user_000060', password: 'password' },
        });
        expect(login.statusCode).toBe(201);
        await app.close();
      } finally {
        await ctx.close();
        await stores.close();
      }

      const again = await runCliAsync(args, env);
      expect(again.status).toBe(0);
      expect(summary(again.stdout)).toMatchObject({ 'users added': 0, 'follows added': 0, 'statuses added': 0 });
    } finally {
      await shape.stop();
    }
  });
});

function summary(stdout: string): Record<string, number> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split(': ') as [string, string])
      .map(([k, v]) => [k, Number(v)]),
  );
}
