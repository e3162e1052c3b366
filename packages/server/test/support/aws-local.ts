import type { Config } from '../../src/config/config.js';
import type { Clock } from '../../src/ports/clock.js';
import type { JobQueue } from '../../src/ports/job-queue.js';
import type { Store } from '../../src/ports/store.js';
import { startAwsLocalEmulators } from '../../src/dev/aws-local-emulators.js';
import { EMULATOR_CREDENTIALS } from '../../src/dev/provision.js';
import { openStores } from '../../src/wiring/stores.js';

/** Which shape the API tests build: `sqlite` (default) or `aws-local` (TWEETER_TEST_SHAPE). */
export function testShape(): 'sqlite' | 'aws-local' {
  const shape = process.env['TWEETER_TEST_SHAPE'] ?? 'sqlite';
  if (shape !== 'sqlite' && shape !== 'aws-local') {
    throw new Error(`TWEETER_TEST_SHAPE must be sqlite or aws-local, got ${shape}`);
  }
  return shape;
}

/**
 * Starts dynalite and fauxqs for one test app, creates its tables, queues and bucket, and returns the settings
 * that point the app at them. The SDK reads credentials from the environment; the emulators accept any.
 */
export async function startAwsLocalShape(
  env: Record<string, string>,
): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  process.env['AWS_ACCESS_KEY_ID'] ??= EMULATOR_CREDENTIALS.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] ??= EMULATOR_CREDENTIALS.secretAccessKey;
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const aws = await startAwsLocalEmulators({ maxAttempts: Number(env['JOB_MAX_ATTEMPTS'] ?? 5) });
  return { env: aws.settings, stop: () => aws.stop() };
}

/**
 * The store and queue a config names, opened in the test's own process (seeding, fault injection, counting),
 * in either shape; close() releases both.
 */
export async function openTestStores(
  config: Config,
  clock: Clock,
): Promise<{ store: Store; queue: JobQueue; close(): Promise<void> }> {
  const opened = await openStores(config, clock);
  return {
    ...opened.value,
    async close() {
      await opened.value.store.close();
      await opened.close();
    },
  };
}
