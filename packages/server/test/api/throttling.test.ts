import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { StoreBusyError } from '../../src/adapters/dynamodb/client.js';
import { loadConfig } from '../../src/config/config.js';
import { openTestStores } from '../support/aws-local.js';
import { systemClock } from '../../src/ports/clock.js';
import type { UserRepo } from '../../src/ports/store.js';
import { TEST_ENV, type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

const apps = useTestApps();
let t: TestApp | undefined;
let dataDir: string;

const REGISTER = {
  method: 'POST' as const,
  url: '/api/v1/users',
  payload: { alias: 'someone', firstName: 'Some', lastName: 'One', password: 'correct horse' },
};

/** The real app over SQLite, with the store's user reads failing as DynamoDB fails when it throttles. */
async function appFailingWith(error: () => Error): Promise<TestApp> {
  dataDir = apps.tempDir('tweeter-throttle-');
  const real = await openTestStores(loadConfig({ ...TEST_ENV, DATA_DIR: dataDir }), systemClock);
  const users: UserRepo = Object.create(real.store.users) as UserRepo;
  users.get = () => Promise.reject(error());
  return apps.start({}, { dataDir, stores: { ...real, store: { ...real.store, users } } });
}

describe('throttling that persists', () => {
  it("is a 503 with Retry-After when the SDK's retries give up, never a 500", async () => {
    t = await appFailingWith(
      () =>
        new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded',
          $metadata: { httpStatusCode: 400 },
        }),
    );
    const res = await t.inject(REGISTER);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toEqual({ error: { code: 'unavailable', message: expect.stringMatching(/busy/) } });
  });

  it("is a 503 with the adapter's Retry-After when its own backoff gives up", async () => {
    t = await appFailingWith(() => new StoreBusyError('DynamoDB is throttling: ThrottlingException', 3));
    const res = await t.inject(REGISTER);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('3');
  });

  it('other unexpected errors stay a 500 that hides the cause', async () => {
    t = await appFailingWith(() => new Error('disk is on fire'));
    const res = await t.inject(REGISTER);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/fire/);
  });
});
