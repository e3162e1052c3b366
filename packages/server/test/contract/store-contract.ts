import type { TestContext } from 'vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job, JobRequest } from '../../src/ports/job-queue.js';
import type { Store } from '../../src/ports/store.js';
import { runCardStoreContract } from './store-contract-cards.js';
import { runAccountsContract } from './store-contract-accounts.js';
import { runDeliveriesContract } from './store-contract-deliveries.js';
import { runDeletionsContract } from './store-contract-deletions.js';
import { runFeedsContract } from './store-contract-feeds.js';
import { runFollowsContract } from './store-contract-follows.js';
import { runFeedBoundStoreContract } from './store-contract-feed-bound.js';
import { runHybridStoreContract } from './store-contract-hybrid.js';
import { runRelationsContract } from './store-contract-relations.js';
import { runRepostsContract } from './store-contract-reposts.js';
import { runNotificationsContract } from './store-contract-notifications.js';
import { runNotificationGapsContract } from './store-contract-notification-gaps.js';
import { runMediaStoreContract } from './store-contract-media.js';
import { runPeopleContract } from './store-contract-people.js';
import { runSocialStoreContract } from './store-contract-social.js';
import { runStatusesContract } from './store-contract-statuses.js';
import { runUsersContract } from './store-contract-users.js';
import {
  forwardingStore,
  job,
  sortJobs,
  status,
  T0,
  user,
  type CoreContractHooks,
  type QueuedJob,
  type StoreContractHarness,
  type StoreContractOptions,
} from './store-fixtures.js';

export type { StoreContractHarness, StoreContractOptions } from './store-fixtures.js';

// One part per repository (store-contract-<repo>.ts), all run here on one adapter's fresh store per case.

/** The Store contract: every adapter's test calls this with a factory for a fresh store. */
export function runStoreContract(options: StoreContractOptions): void {
  const skip = options.skip ?? {};
  const defined = new Set<string>();
  let harness: StoreContractHarness;
  let store: Store;
  let received: Job[] = [];

  function test(title: string, fn: (ctx: TestContext) => Promise<void>): void {
    if (defined.has(title)) throw new Error(`store contract: duplicate test name "${title}"`);
    defined.add(title);
    const reason = skip[title];
    if (reason === undefined) it(title, fn);
    else if (reason.trim() === '') throw new Error(`store contract: skipping "${title}" needs a reason`);
    else it.skip(`${title} (skipped: ${reason})`, fn);
  }

  async function queuedJobs(ctx: TestContext): Promise<QueuedJob[]> {
    if (harness.readyJobs) return harness.readyJobs();
    if (!harness.queue) return ctx.skip('the adapter gives neither readyJobs nor queue: the outbox is not observable');
    // receive() hides what it returns, so keep every job seen during this test.
    for (;;) {
      const batch = await harness.queue.receive({ max: 10, visibilityMs: 60_000 });
      if (batch.length === 0) break;
      received.push(...batch);
    }
    return received.map((j) => ({ name: j.name, payload: j.payload }));
  }

  async function expectJobs(ctx: TestContext, expected: readonly JobRequest[]): Promise<void> {
    const actual = sortJobs(await queuedJobs(ctx));
    expect(actual).toEqual(sortJobs(expected.map((j) => ({ name: j.name, payload: j.payload }))));
  }

  async function createUsers(...names: string[]): Promise<void> {
    expect(await store.users.createMany(names.map((n) => user(n)))).toBe(names.length);
  }

  async function counts(alias: string): Promise<[number, number]> {
    const u = await store.users.get(alias);
    if (!u) throw new Error(`no user ${alias}`);
    return [u.followerCount, u.followeeCount];
  }

  describe(`Store contract: ${options.name}`, () => {
    beforeEach(async () => {
      received = [];
      harness = await options.create();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    it('every skipped case names an existing test and gives a reason', () => {
      for (const [title, reason] of Object.entries(skip)) {
        expect(defined.has(title), `skip names an unknown test: "${title}"`).toBe(true);
        expect(reason?.trim(), `skip of "${title}" needs a reason`).toBeTruthy();
      }
    });

    const hooks: CoreContractHooks = {
      test,
      store: forwardingStore(() => store),
      options,
      expectJobs,
      createUsers,
      counts,
      faults: () => harness.notificationFaults,
    };
    runUsersContract(hooks);
    runAccountsContract(hooks);
    runFollowsContract(hooks);
    runStatusesContract(hooks);
    runFeedsContract(hooks);
    runDeliveriesContract(hooks);
    runRelationsContract(hooks);
    runNotificationsContract(hooks);
    runNotificationGapsContract(hooks);
    runDeletionsContract(hooks);
    runRepostsContract(hooks);
    runPeopleContract(hooks);

    describe('outbox', () => {
      test('resendPending finds nothing when every write sent its jobs', async (ctx) => {
        await createUsers('ann', 'bob');
        const backfill = job('follow.backfill', { follower: 'ann', followee: 'bob' });
        await store.follows.add('ann', 'bob', { createdAt: T0, outbox: [backfill] });
        expect(await store.statuses.create(status(1, 'ann'), { audience: 0 })).toMatchObject({ created: true });
        expect(await store.resendPending(Date.now() + 60_000, 100)).toBe(0);
        await expectJobs(ctx, [backfill]);
      });
    });

    runSocialStoreContract({ test, store: () => store });
    runHybridStoreContract({ test, store: () => store });
    runFeedBoundStoreContract({ test, store: () => store });
    runCardStoreContract({ test, store: () => store });
    runMediaStoreContract({ test, store: () => store });

    describe('store', () => {
      test('ping resolves', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      test('close resolves, and closing twice is harmless', async () => {
        await store.close();
        await expect(store.close()).resolves.toBeUndefined();
      });
    });
  });
}
