import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { DeliveryRepo } from '../../src/ports/store.js';
import { systemClock } from '../../src/ports/clock.js';
import { openTestStores, startAwsLocalShape, testShape } from '../support/aws-local.js';
import { runCli, runCliAsync } from '../support/server-process.js';
import { eventually, TEST_ENV, type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

const apps = useTestApps();
let t: TestApp | undefined;
let dataDir: string;

describe('a job that keeps failing', () => {
  it('lands in the dead-letter table after JOB_MAX_ATTEMPTS, and `tweeter dlq redrive` delivers it', async () => {
    dataDir = apps.tempDir('tweeter-dlq-');
    // On aws-local: DynamoDB and SQS on emulators this test starts, which the CLI reaches with the same settings.
    const shape = testShape() === 'aws-local' ? await startAwsLocalShape({ JOB_MAX_ATTEMPTS: '3' }) : null;
    if (shape) apps.defer(shape.stop);
    const env = { JOB_MAX_ATTEMPTS: '3', ...shape?.env };
    // The real store, with a fault injected at its edge: feed writes fail while `failing` is set.
    const real = await openTestStores(loadConfig({ ...TEST_ENV, ...env, DATA_DIR: dataDir }), systemClock);
    let failing = true;
    const deliveries: DeliveryRepo = Object.create(real.store.deliveries) as DeliveryRepo;
    deliveries.deliverRange = (...args) =>
      failing ? Promise.reject(new Error('disk is on fire')) : real.store.deliveries.deliverRange(...args);
    // Small fan-outs are written in one batch transaction where the store offers it: that fails the same way.
    const batch = real.store.deliveries.deliverSmall?.bind(real.store.deliveries);
    deliveries.deliverSmall =
      batch && ((...args) => (failing ? Promise.reject(new Error('disk is on fire')) : batch(...args)));
    t = await apps.start(env, { dataDir, stores: { ...real, store: { ...real.store, deliveries } } });
    const cliEnv = { DATA_DIR: dataDir, ...env };

    const star = await t.register('star');
    const fan = await t.register('fan');
    await t.as(fan, { method: 'PUT', url: '/api/v1/me/followees/star' });
    // The follow's backfill runs before the post: it would copy the status into the feed on its own.
    await t.drain();
    const status = (
      await t.as(star, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'eventually' } })
    ).json();

    await eventually(async () => (await t?.ctx.queue.stats())?.dead === 1);
    const listed = await runCliAsync(['dlq', 'list', '--json'], cliEnv);
    expect(listed.status).toBe(0);
    const dead = JSON.parse(listed.stdout) as { name: string; attempts: number; lastError: string }[];
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ name: 'fanout.plan', attempts: 3 }); // a one-page audience is delivered by the plan job
    expect(dead[0]?.lastError).toMatch(/disk is on fire/);
    expect((await t.as(fan, { method: 'GET', url: '/api/v1/me/feed' })).json().items).toEqual([]);

    failing = false;
    const redriven = await runCliAsync(['dlq', 'redrive', '--all'], cliEnv);
    expect(redriven.status).toBe(0);
    expect(redriven.stdout).toMatch(/redrove 1 job/);
    await eventually(async () => {
      const feed = (await t?.as(fan, { method: 'GET', url: '/api/v1/me/feed' }))?.json();
      return feed.items[0]?.id === status.id;
    });
    expect((await t.ctx.queue.stats()).dead).toBe(0);
    expect((await runCliAsync(['dlq', 'list'], cliEnv)).stdout).toMatch(/no dead jobs/);
  }, 180_000);
});

describe('the CLI', () => {
  it('answers usage mistakes with one line and exit status 2', () => {
    dataDir = apps.tempDir('tweeter-cli-');
    const none = runCli(['dlq', 'redrive'], { DATA_DIR: dataDir });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/--all/);
    expect(runCli(['dlq', 'list', '--limit', '0'], { DATA_DIR: dataDir }).status).toBe(2);
    expect(runCli(['no-such-command'], { DATA_DIR: dataDir }).status).toBe(2);
    for (const args of [
      ['dlq', 'list', '--bogus'],
      ['migrate', '--bogus'],
      ['serve', '--port'],
    ]) {
      const res = runCli(args, { DATA_DIR: dataDir });
      expect(res.status, args.join(' ')).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    }
    const badEnv = runCli(['migrate'], { DATA_DIR: dataDir, PORT: 'eighty', JOB_MAX_ATTEMPTS: '0' });
    expect(badEnv.status).toBe(2);
    expect(badEnv.stderr).toMatch(/PORT/);
    expect(badEnv.stderr).toMatch(/JOB_MAX_ATTEMPTS/);
  });

  it('prints help for each command', () => {
    dataDir = apps.tempDir('tweeter-cli-');
    for (const args of [
      ['--help'],
      ['serve', '--help'],
      ['dlq', '--help'],
      ['dlq', 'redrive', '--help'],
      ['migrate', '--help'],
    ]) {
      const res = runCli(args, { DATA_DIR: dataDir });
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/Usage: tweeter/);
    }
    const migrate = runCli(['migrate'], { DATA_DIR: dataDir });
    expect(migrate.stdout).toMatch(/schema version \d+/);
  });
});
