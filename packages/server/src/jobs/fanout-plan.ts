import type { Metrics } from '../metrics.js';
import type { Job } from '../ports/job-queue.js';
import type { DeliveryRepo, FollowRepo } from '../ports/store.js';
import { breathe, parsePayload, StatusJob, type DeliverRange } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * Stage 1 of fan-out: pages through the author's followers and enqueues one `fanout.deliver` job per page.
 * Each page is checkpointed together with its job (compare-and-set on the cursor), so a crash resumes
 * from the last page planned and a replayed job plans nothing twice.
 */
export class FanoutPlanProcessor implements JobProcessor {
  readonly jobs = ['fanout.plan'] as const;

  constructor(
    private readonly deps: {
      follows: FollowRepo;
      deliveries: DeliveryRepo;
      pageSize: number;
      metrics?: Pick<Metrics, 'fanoutLag'>;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    const { statusId, author } = parsePayload(StatusJob, job.payload, 'fanout.plan');
    const { follows, deliveries, pageSize } = this.deps;
    for (let step = 0; ; step++) {
      // Yield between pages: awaiting the synchronous SQLite calls only queues microtasks, so without this a
      // 100,000-follower plan (100 pages) would hold the event loop for ~100 ms and stall every request.
      if (step > 0) await breathe(0);
      const d = await deliveries.get(statusId);
      if (!d || d.planDone) return; // deleted, or already planned
      const page = await follows.followers(author, { after: d.cursor ?? undefined, limit: pageSize });
      const to = page.items.at(-1) ?? d.cursor;
      const range: DeliverRange | null =
        to === null || page.items.length === 0
          ? null
          : { statusId, author, after: d.cursor, to, count: page.items.length };
      const outbox = range ? [{ name: 'fanout.deliver', payload: range }] : [];
      const last = page.next === null;
      const applied = await deliveries.recordPlanned(
        statusId,
        { from: d.cursor, to, count: page.items.length, last },
        { outbox },
      );
      // Not applied means another worker moved the cursor first: re-read and carry on from there.
      if (applied && last && page.items.length === 0) await this.observeIfDone(statusId);
    }
  }

  // With no follower left to deliver to, planning is what finishes the delivery.
  private async observeIfDone(statusId: string): Promise<void> {
    const d = await this.deps.deliveries.get(statusId);
    if (d?.state === 'done' && d.finishedAt !== null)
      this.deps.metrics?.fanoutLag.observe((d.finishedAt - d.createdAt) / 1000);
  }
}
