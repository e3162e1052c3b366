import type { Metrics } from '../metrics.js';
import type { Job } from '../ports/job-queue.js';
import type { Clock } from '../ports/clock.js';
import type { DeliveryRecord, DeliveryRepo, FollowRepo, SmallDelivery } from '../ports/store.js';
import type { FanoutDeliverProcessor, Written } from './fanout-deliver.js';
import { breathe, parsePayload, StatusJob, type DeliverRange } from './payloads.js';
import type { BatchOutcome, JobProcessor } from './processor.js';
import type { ReceivePace } from './worker-pool-options.js';

/**
 * Posts of small audiences written per store call when many are batched: each call is one request of the SQLite
 * writer, which commits its group once a request has run past its time bound, so a post waiting to be written waits
 * behind one chunk, never behind a whole gathered batch. 512 holds every fan-out of a paced receive (FANOUT_PACE:
 * ~500 posts at 2,500 posts/s) in one request, so its feed rows share one COMMIT: feed pages are most of what the
 * writer writes (82% of the WAL's frames), and a page dirtied by two groups is written to the WAL, and
 * checkpointed, twice. In process, 5,000 posts of 20 followers wrote 53,568 feed-page frames in chunks of 32 (the
 * second chunk mostly landed in a group of its own once a post was waiting), 41,175 in chunks of 64 and 17,870 in
 * chunks of 128 with gathers of 256, for 10-20% less writer CPU a post than 32 (`npm run bench -- writer`). The
 * price: under a backlog a post may wait behind one chunk, up to 512 small fan-outs (~10,000 rows of 20 followers,
 * 20-50 ms of this machine's writer); at a steady 200 posts/s no backlog forms and the chunks hold a few posts.
 * (256 until issue 19 `s19-fanout`: twice the posts a transaction write ~0.36 feed frames a row instead of ~0.57.)
 */
export const SMALL_CHUNK = 512;

/**
 * The worker pool's pace for a backlog of small fan-outs (SQLite): while a receive brings 32 or more `fanout.plan`
 * jobs, the next one waits until 200 ms after it began, so the posts of those 200 ms fan out in one store call and
 * one COMMIT. A feed row dirties its owner's newest page, and a page is written to the WAL once a COMMIT however
 * many rows it took: received as they came (~60 posts a receive at ~1,800 posts/s), the sustained bench's posts
 * wrote ~18 WAL frames each (36 pwrite calls; its 50 authors' 1,000 followers' pages were each written for ~1.2
 * rows); paced every 100 ms, ~11 (docs/benchmarks.md, issue 19 `s13-sustained`); every 200 ms with chunks of 512,
 * twice the rows share each page (`s19-fanout`). The price: under such a backlog a post reaches its followers'
 * feeds, and any other job queued meanwhile runs, up to 200 ms later. Below 32 fan-outs a receive
 * (200 posts/s brings a few) the pool receives as soon as it is signalled.
 */
export const FANOUT_PACE: ReceivePace = { jobs: ['fanout.plan'], atLeast: 32, everyMs: 200 };

/**
 * Stage 1 of fan-out: pages through the author's followers and enqueues one `fanout.deliver` job per page.
 * Each page is checkpointed together with its job (compare-and-set on the cursor), so a crash resumes
 * from the last page planned and a replayed job plans nothing twice.
 *
 * An audience that fits in one page is delivered inline, by this job, instead of through a deliver job: most
 * authors have a few dozen followers, and a second job per post (its receive, ack and turn of the event loop)
 * cost more than the writes. The page is recorded as planned first (with no job), then delivered; a replay
 * that finds planning done but the delivery not finished delivers that single page again, which is idempotent.
 */
export class FanoutPlanProcessor implements JobProcessor {
  readonly jobs = ['fanout.plan'] as const;
  /** Present when the store can fan out many small audiences in one transaction (`DeliveryRepo.deliverSmall`). */
  readonly performBatch?: (jobs: readonly Job[]) => Promise<BatchOutcome[]>;

  constructor(
    private readonly deps: {
      follows: FollowRepo;
      deliveries: DeliveryRepo;
      /** Delivers a single-page audience inline (the same code a deliver job runs) and pushes it live. */
      deliver: Pick<FanoutDeliverProcessor, 'deliver' | 'announce'>;
      pageSize: number;
      clock: Clock;
      metrics?: Pick<Metrics, 'fanoutLag' | 'feedDeliveries'>;
    },
  ) {
    if (deps.deliveries.deliverSmall) this.performBatch = (jobs) => this.batch(jobs);
  }

  /**
   * Many plan jobs at once: every post whose audience fits in one page is planned and delivered in one store
   * transaction (with 20 followers a post, a transaction per post and step cost far more than the rows). Posts
   * the store passes on (planning already started, a bigger audience) and malformed jobs run on their own.
   */
  private async batch(jobs: readonly Job[]): Promise<BatchOutcome[]> {
    const { deliveries, pageSize, clock, metrics } = this.deps;
    const posts: { statusId: string; author: string; index: number }[] = [];
    for (const [index, job] of jobs.entries()) {
      const parsed = StatusJob.safeParse(job.payload);
      if (parsed.success) posts.push({ ...parsed.data, index });
    }
    const now = clock.now();
    const chunks: (typeof posts)[] = [];
    for (let i = 0; i < posts.length; i += SMALL_CHUNK) chunks.push(posts.slice(i, i + SMALL_CHUNK));
    // All chunks are asked for at once (they queue at the writer together), each its own transaction step.
    const results = await Promise.all(
      chunks.map(async (chunk) => {
        try {
          return (await deliveries.deliverSmall?.(chunk, { pageSize, now })) ?? [];
        } catch {
          // Nothing of this chunk was written: each of its jobs runs (and fails, if it must) on its own below.
          return chunk.map((): SmallDelivery => ({ outcome: 'pass' }));
        }
      }),
    );
    const small = results.flat();
    const settled = new Set<number>();
    const written: Written[] = [];
    for (const [i, result] of small.entries()) {
      const post = posts[i];
      if (!post || result.outcome === 'pass') continue;
      settled.add(post.index);
      if (result.outcome === 'gone') continue;
      written.push({ statusId: post.statusId, author: post.author, owners: result.owners });
      metrics?.feedDeliveries.inc(result.owners.length);
      if (result.finished) metrics?.fanoutLag.observe((now - result.createdAt) / 1000);
    }
    await this.deps.deliver.announce(written);
    const outcomes: BatchOutcome[] = [];
    for (const [index, job] of jobs.entries()) {
      if (settled.has(index)) {
        outcomes.push({ ok: true });
        continue;
      }
      try {
        await this.perform(job);
        outcomes.push({ ok: true });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  }

  async perform(job: Job): Promise<void> {
    const { statusId, author } = parsePayload(StatusJob, job.payload, 'fanout.plan');
    const { follows, deliveries, pageSize } = this.deps;
    for (let step = 0; ; step++) {
      // Yield between pages: awaiting the synchronous SQLite calls only queues microtasks, so without this a
      // 100,000-follower plan (100 pages) would hold the event loop for ~100 ms and stall every request.
      if (step > 0) await breathe(0);
      const d = await deliveries.get(statusId);
      if (!d) return; // deleted
      if (d.planDone) {
        await this.resumeInline(d);
        return;
      }
      const page = await follows.followers(author, { after: d.cursor ?? undefined, limit: pageSize });
      const to = page.items.at(-1) ?? d.cursor;
      const last = page.next === null;
      const range: DeliverRange | null =
        to === null || page.items.length === 0
          ? null
          : { statusId, author, after: d.cursor, to, count: page.items.length };
      const inline = range !== null && last && d.cursor === null;
      const outbox = range && !inline ? [{ name: 'fanout.deliver', payload: range }] : [];
      const applied = await deliveries.recordPlanned(
        statusId,
        { from: d.cursor, to, count: page.items.length, last },
        { outbox },
      );
      // Not applied means another worker moved the cursor first: re-read and carry on from there.
      if (!applied) continue;
      if (inline) {
        await this.deps.deliver.deliver(range);
        return;
      }
      if (last && page.items.length === 0) await this.observeIfDone(statusId);
    }
  }

  /**
   * Planning is done but the delivery is not: when the whole audience was one page, this job may have recorded it
   * inline and stopped before delivering (a crash), so deliver it now. With a deliver job for that page in the
   * queue too, both write the same range and count the same page key once.
   */
  private async resumeInline(d: DeliveryRecord): Promise<void> {
    if (d.state === 'done' || d.cursor === null || d.planned === 0 || d.planned > this.deps.pageSize) return;
    await this.deps.deliver.deliver({
      statusId: d.statusId,
      author: d.author,
      after: null,
      to: d.cursor,
      count: d.planned,
    });
  }

  // With no follower left to deliver to, planning is what finishes the delivery.
  private async observeIfDone(statusId: string): Promise<void> {
    const d = await this.deps.deliveries.get(statusId);
    if (d?.state === 'done' && d.finishedAt !== null)
      this.deps.metrics?.fanoutLag.observe((d.finishedAt - d.createdAt) / 1000);
  }
}
