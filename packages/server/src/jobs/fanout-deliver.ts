import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { DeliveryRepo, FollowRepo } from '../ports/store.js';
import type { StatusHydrator } from '../services/status-hydrator.js';
import { breathe, DeliverJob, parsePayload, type DeliverRange } from './payloads.js';
import type { JobProcessor } from './processor.js';

/** One write of a page: owners, and the page count when it is the page's last write. */
interface Batch {
  owners: string[];
  page?: { key: string; count: number };
}

/**
 * Stage 2 of fan-out: writes one planned page of followers into their feeds in small batches (each its own write,
 * yielding between them so reads stay fast), then pushes `feed.status` to those followers who are connected.
 * The page is re-read from the follow edges, so whoever unfollowed since planning is skipped, and it is counted
 * once, with its last batch. Idempotent: entries are keyed (owner, statusId) and a page key is counted once.
 */
export class FanoutDeliverProcessor implements JobProcessor {
  readonly jobs = ['fanout.deliver'] as const;

  constructor(
    private readonly deps: {
      follows: FollowRepo;
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
    const payload = parsePayload(DeliverJob, job.payload, 'fanout.deliver');
    const { statusId, author } = payload;
    const { deliveries, clock, batchPauseMs, metrics } = this.deps;
    const batches = 'followers' in payload ? this.listed(payload.page, payload.followers) : this.range(payload);
    const writtenAt = new Set<number>();
    const reached: string[] = [];
    let first = true;
    for await (const batch of batches) {
      if (!first) await breathe(batchPauseMs);
      first = false;
      const now = clock.now();
      writtenAt.add(now);
      const added = await deliveries.deliverPage({ statusId, author }, batch.owners, { now, page: batch.page });
      metrics?.feedDeliveries.inc(added);
      reached.push(...batch.owners);
    }
    const [status] = await this.deps.hydrator.byIds([statusId], null); // a push to many: no `mine`
    if (status) this.deps.realtime.toUsers(reached, { type: 'feed.status', channel: 'feed', data: status });
    const d = await deliveries.get(statusId);
    // The write that completes a delivery stamps finishedAt with its own `now`: only that job observes the lag,
    // not every page that finishes after it.
    if (d?.state === 'done' && d.finishedAt !== null && writtenAt.has(d.finishedAt) && metrics) {
      metrics.fanoutLag.observe((d.finishedAt - d.createdAt) / 1000);
    }
  }

  /** The followers in (after, to] as they are now, in batches; the last one counts the page as planned. */
  private async *range(job: DeliverRange): AsyncGenerator<Batch> {
    const { follows, batchSize } = this.deps;
    let after = job.after ?? undefined;
    for (;;) {
      const page = await follows.followers(job.author, { after, limit: batchSize });
      const owners = page.items.filter((alias) => alias <= job.to);
      const last = page.next === null || owners.length < page.items.length || page.next >= job.to;
      if (last) {
        yield { owners, page: { key: job.to, count: job.count } };
        return;
      }
      yield { owners };
      after = page.next ?? undefined;
    }
  }

  /** A job of the earlier shape: the aliases it carries, each batch counted by its own key as before. */
  private async *listed(page: string, followers: readonly string[]): AsyncGenerator<Batch> {
    const { batchSize } = this.deps;
    for (let i = 0; i < followers.length; i += batchSize) {
      const owners = followers.slice(i, i + batchSize);
      yield { owners, page: { key: `${page}#${i}`, count: owners.length } };
    }
  }
}
