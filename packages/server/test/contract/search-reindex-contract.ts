import { parseSegments, queryTerms } from '@tweeter/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexUserJob } from '../../src/domain/people-terms.js';
import { REINDEX_JOB, reindexStep } from '../../src/domain/search-reindex.js';
import { newId } from '../../src/domain/ids.js';
import { SearchReindexProcessor } from '../../src/jobs/search-reindex.js';
import { systemClock } from '../../src/ports/clock.js';
import type { JobQueue } from '../../src/ports/job-queue.js';
import { hourOf, type StatusSearchRepo } from '../../src/ports/status-search.js';
import type { ReindexKind, StatusRecord, Store, UserRecord } from '../../src/ports/store.js';
import { segmentsBeforeHashtags } from '../support/old-segments.js';

/** A fresh store per case, the queue its outbox jobs go to, and how to drop them. */
export interface ReindexContractHarness {
  store: Store;
  queue: JobQueue;
  cleanup: () => Promise<void>;
}

const DAY = 86_400_000;

const user = (alias: string, firstName: string, lastName: string): UserRecord => ({
  alias,
  firstName,
  lastName,
  passwordHash: 'x',
  imageKey: null,
  createdAt: 1,
  followerCount: 0,
  followeeCount: 0,
});

/** A status written with the index off (no index.status job): as rows from before search existed. */
async function oldStatus(store: Store, author: string, post: string, at: number): Promise<StatusRecord> {
  const status: StatusRecord = { id: newId(at), author, post, segments: segmentsBeforeHashtags(post), createdAt: at };
  await store.statuses.create(status, { audience: 0, outbox: [] });
  return status;
}

async function hits(search: StatusSearchRepo, q: string): Promise<string[]> {
  return (await search.search(queryTerms(q), { limit: 50, scan: 1_000 })).hits.map((h) => h.statusId).sort();
}

/**
 * The search reindex contract: old rows become searchable (words, tags, accent-folded names), stored segments gain
 * hashtag segments and nothing else, a second run changes nothing, a duplicate step does nothing, and a step that
 * fails half-way is redelivered and finishes the run. Run by sqlite-search-reindex.test.ts and
 * dynamodb-search-reindex.test.ts.
 */
export function runSearchReindexContract(options: {
  name: string;
  create: () => Promise<ReindexContractHarness>;
  /** Rows a step and a read take (small, so a run has several steps; a DynamoDB scan counts every item it reads). */
  bounds?: { rows: number; page: number };
}): void {
  describe(`Search reindex contract: ${options.name}`, () => {
    let h: ReindexContractHarness;
    beforeEach(async () => {
      h = await options.create();
    });
    afterEach(async () => h.cleanup());

    function processor(search: StatusSearchRepo = h.store.search) {
      return new SearchReindexProcessor({
        ...h.store,
        search,
        clock: systemClock,
        bounds: { ...(options.bounds ?? { rows: 3, page: 2 }), ms: 60_000 },
      });
    }

    /** Runs queued reindex steps until none is left; returns how many ran (failed ones are failed, as a pool does). */
    async function drain(steps: SearchReindexProcessor): Promise<number> {
      let ran = 0;
      for (let round = 0; round < 2_000; round++) {
        const jobs = await h.queue.receive({ max: 10, visibilityMs: 60_000 });
        if (jobs.length === 0) {
          const stats = await h.queue.stats();
          if (stats.delayed === 0) return ran;
          await new Promise((resolve) => setTimeout(resolve, 60));
          continue;
        }
        for (const job of jobs) {
          if (job.name !== REINDEX_JOB) {
            await h.queue.ack(job);
            continue;
          }
          try {
            await steps.perform(job);
            await h.queue.ack(job);
            ran++;
          } catch (err) {
            await h.queue.fail(job, String(err));
          }
        }
      }
      throw new Error('the reindex did not end');
    }

    async function run(kind: ReindexKind, runId: string, steps = processor()): Promise<number> {
      await h.store.reindex.start(kind, runId, Date.now(), reindexStep(kind, runId, null));
      const ran = await drain(steps);
      expect(await h.store.reindex.state(kind)).toMatchObject({ run: runId, done: true });
      return ran;
    }

    it('makes old statuses and accounts searchable: words, tags, accent-folded names; twice changes nothing', async () => {
      const now = Date.now();
      const old = await oldStatus(
        h.store,
        'ann',
        'Learning #Rust with @bob_b, see https://example.com/x #Go',
        now - 30 * DAY,
      );
      const plain = await oldStatus(h.store, 'bob_b', 'no tags here, just crème brûlée', now - 20 * DAY);
      const recent = await oldStatus(h.store, 'ann', 'fresh #Rust today', now);
      const more = await Promise.all(
        Array.from({ length: 4 }, (_, i) => oldStatus(h.store, 'cy', `filler ${i} #bulk`, now - 10 * DAY + i)),
      );
      for (const u of [user('ann', 'Zoë', 'Ångström'), user('bob_b', 'Bob', 'Builder')]) {
        expect(await h.store.users.create(u)).toBe(true);
      }
      expect(await hits(h.store.search, '#rust')).toEqual([]);
      expect(await h.store.people.match({ namePrefix: 'zoe' }, 10)).toEqual([]);

      expect(await run('statuses', 'one')).toBeGreaterThan(1); // bounded: a few rows a step
      await run('people', 'one');

      expect(await hits(h.store.search, '#rust')).toEqual([old.id, recent.id].sort());
      expect(await hits(h.store.search, 'rust learning')).toEqual([old.id]);
      expect(await hits(h.store.search, 'creme brulee')).toEqual([plain.id]);
      expect(await hits(h.store.search, '#bulk')).toEqual(more.map((s) => s.id).sort());
      expect((await h.store.people.match({ namePrefix: 'zoe' }, 10)).map((p) => p.alias)).toEqual(['ann']);
      expect((await h.store.people.match({ namePrefix: 'angs' }, 10)).map((p) => p.alias)).toEqual(['ann']);

      // Hashtag segments added where the parser finds them; the mention and the URL exactly as they were stored.
      const stored = await h.store.statuses.get(old.id);
      expect(stored?.segments).toEqual(parseSegments(old.post));
      expect(stored?.segments.filter((s) => s.type !== 'text' && s.type !== 'hashtag')).toEqual(
        old.segments.filter((s) => s.type !== 'text'),
      );
      expect((await h.store.statuses.get(plain.id))?.segments).toEqual(plain.segments);

      // Trends: the status of the last day counts, the month-old one does not (trends are not backfilled).
      const trends = async (at: number) => h.store.search.trends({ from: hourOf(at), to: hourOf(at) }, 10);
      expect(await trends(now)).toEqual([{ tag: 'rust', statuses: 1, accounts: 1 }]);
      expect(await trends(old.createdAt)).toEqual([]);

      // A second run: the same segments, hits, names and counts.
      const before = await h.store.statuses.getMany([old.id, plain.id, recent.id]);
      await run('statuses', 'two');
      await run('people', 'two');
      expect(await h.store.statuses.getMany([old.id, plain.id, recent.id])).toEqual(before);
      expect(await hits(h.store.search, '#rust')).toEqual([old.id, recent.id].sort());
      expect(await trends(now)).toEqual([{ tag: 'rust', statuses: 1, accounts: 1 }]);
      expect((await h.store.people.match({ namePrefix: 'zoe' }, 10)).map((p) => p.alias)).toEqual(['ann']);
    });

    it('a step that fails half-way is redelivered and finishes; a duplicate step does nothing', async () => {
      const now = Date.now();
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push(await oldStatus(h.store, 'ann', `word${i} #crash`, now - DAY - i));
      // The index fails on the 5th status (a process dying mid-step): that step fails, and is run again.
      let calls = 0;
      const flaky: StatusSearchRepo = {
        ...h.store.search,
        index: async (s) => {
          if (++calls === 5) throw new Error('killed mid-step');
          return h.store.search.index(s);
        },
      };
      await run('statuses', 'crash', processor(flaky));
      expect(calls).toBeGreaterThan(7);
      expect(await hits(h.store.search, '#crash')).toEqual(statuses.map((s) => s.id).sort());
      const state = await h.store.reindex.state('statuses');
      expect(state).toMatchObject({ run: 'crash', done: true, cursor: null });

      // A step of a finished run, delivered again (at-least-once), and a step of a replaced run: nothing happens.
      const again = await processor().step('statuses', 'crash', null, true);
      expect(again).toMatchObject({ ran: false, read: 0 });
      await h.store.reindex.start('statuses', 'next', Date.now(), null);
      expect(await processor().step('statuses', 'crash', null, true)).toMatchObject({ ran: false });
      expect(await h.store.reindex.state('statuses')).toMatchObject({ run: 'next', done: false, read: 0 });
      // Two deliveries of one step: one moves the cursor, the other finds it moved.
      const [a, b] = await Promise.all([
        processor().step('statuses', 'next', null, false),
        processor().step('statuses', 'next', null, false),
      ]);
      expect([a.ran, b.ran].sort()).toEqual([false, true]);
      expect((await h.store.reindex.state('statuses'))?.read).toBe((a.ran ? a : b).read);
    });

    it('index.user commits with the sign-up and the name edit, and only when they happen', async () => {
      const job = indexUserJob('zed');
      expect(await h.store.users.create(user('zed', 'Zed', 'Zoë'), { outbox: [job] })).toBe(true);
      expect(await h.store.users.create(user('zed', 'Other', 'One'), { outbox: [job] })).toBe(false);
      expect(await h.store.users.updateProfile('zed', { firstName: 'Zèd' }, { outbox: [job] })).toMatchObject({
        firstName: 'Zèd',
      });
      expect(
        await h.store.users.updateProfile('nobody', { firstName: 'X' }, { outbox: [indexUserJob('nobody')] }),
      ).toBe(null);
      const queued = await h.queue.receive({ max: 10, visibilityMs: 60_000 });
      expect(queued.map((j) => [j.name, j.payload])).toEqual([
        ['index.user', { alias: 'zed' }],
        ['index.user', { alias: 'zed' }],
      ]);
    });
  });
}
