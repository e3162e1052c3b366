import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { DeliveryRepo, FeedEntry } from '../ports/store.js';
import type { StatusHydrator } from '../services/status-hydrator.js';
import { breathe, DeliverJob, parsePayload } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * Stage 2 of fan-out: writes one page of feed entries in small batches (each its own transaction, yielding
 * between them so reads stay fast), then pushes `feed.status` to those followers who are connected.
 * Idempotent: entries are keyed (owner, statusId) and each batch is counted once.
 */
export class FanoutDeliverProcessor implements JobProcessor {
  readonly jobs = ['fanout.deliver'] as const;

  constructor(
    private readonly deps: {
      deliveries: DeliveryRepo;
      hydrator: StatusHydrator;
      realtime: Realtime;
      clock: Clock;
      metrics?: Pick<Metrics, 'fanoutLag' | 'feedDeliveries'>;
      batchSize: number;
      batchPauseMs: number;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    const { statusId, author, page, followers } = parsePayload(DeliverJob, job.payload, 'fanout.deliver');
    const { deliveries, clock, batchSize, batchPauseMs, metrics } = this.deps;
    const writtenAt = new Set<number>();
    for (let i = 0; i < followers.length; i += batchSize) {
      if (i > 0) await breathe(batchPauseMs);
      const entries: FeedEntry[] = followers.slice(i, i + batchSize).map((owner) => ({ owner, statusId, author }));
      const now = clock.now();
      writtenAt.add(now);
      const added = await deliveries.deliverPage(statusId, `${page}#${i}`, entries, now);
      metrics?.feedDeliveries.inc(added);
    }
    const [status] = await this.deps.hydrator.byIds([statusId], null); // a push to many: no `mine`
    if (status) this.deps.realtime.toUsers(followers, { type: 'feed.status', channel: 'feed', data: status });
    const d = await deliveries.get(statusId);
    // The write that completes a delivery stamps finishedAt with its own `now`: only that job observes the lag,
    // not every page that finishes after it.
    if (d?.state === 'done' && d.finishedAt !== null && writtenAt.has(d.finishedAt) && metrics) {
      metrics.fanoutLag.observe((d.finishedAt - d.createdAt) / 1000);
    }
  }
}
