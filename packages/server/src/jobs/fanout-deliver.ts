import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { DeliveryRepo, FeedRepo, FollowRepo } from '../ports/store.js';
import type { Visibility } from '../domain/visibility.js';
import type { StatusViews } from '../ports/status-views.js';
import type { FeedTrimChecks } from './feed-trim.js';
import { breathe, DeliverJob, parsePayload, type DeliverList, type DeliverRange } from './payloads.js';
import type { JobProcessor } from './processor.js';

/** What one write of a page did: the entries added, the owners reached, and whether the page is done. */
interface Step {
  added: number;
  owners: readonly string[];
  done: boolean;
}

/** A status just written into these owners' feeds. */
export interface Written {
  statusId: string;
  author: string;
  owners: readonly string[];
}

/** Writes the next batch of a page, stamped `now`. */
type Writer = (now: number) => Promise<Step>;

/**
 * Stage 2 of fan-out: writes one planned page of followers into their feeds in small batches (each its own write,
 * yielding between them so reads stay fast), then pushes `feed.status` to those followers who are connected.
 * The store reads the page's follower range as it writes it (`deliverRange`), so whoever unfollowed since planning
 * is skipped, and counts the page once, with its last batch. Idempotent: entries are keyed (owner, statusId) and a page key is counted once.
 */
export class FanoutDeliverProcessor implements JobProcessor {
  readonly jobs = ['fanout.deliver'] as const;

  constructor(
    private readonly deps: {
      deliveries: DeliveryRepo;
      hydrator: StatusViews;
      realtime: Realtime;
      clock: Clock;
      metrics?: Pick<Metrics, 'fanoutLag' | 'feedDeliveries'>;
      /** Queues feed.trim for some of the feeds written (FEED_MAX_ENTRIES); absent: feeds are not trimmed. */
      trims?: Pick<FeedTrimChecks, 'written'>;
      /** Takes the status back out of the feeds of readers who mute its author (absent: nobody is left out). */
      mutes?: { visibility: Pick<Visibility, 'muting'>; feeds: Pick<FeedRepo, 'removeStatus'> };
      /** Takes a reply back out of the feeds of readers who do not follow the replied-to author (absent: kept). */
      replies?: { follows: Pick<FollowRepo, 'existing'>; feeds: Pick<FeedRepo, 'removeStatus'> };
      batchSize: number;
      batchPauseMs: number;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    await this.deliver(parsePayload(DeliverJob, job.payload, 'fanout.deliver'));
  }

  /** Writes one planned page into its followers' feeds and pushes it live (also run inline by the planner). */
  async deliver(payload: DeliverRange | DeliverList): Promise<void> {
    const { statusId } = payload;
    const { deliveries, clock, batchPauseMs, metrics } = this.deps;
    const write = 'followers' in payload ? this.listed(payload) : this.range(payload);
    const writtenAt = new Set<number>();
    const reached: string[] = [];
    for (let done = false, first = true; !done; first = false) {
      if (!first) await breathe(batchPauseMs);
      const now = clock.now();
      writtenAt.add(now);
      const step = await write(now);
      metrics?.feedDeliveries.inc(step.added);
      reached.push(...step.owners);
      done = step.done;
    }
    await this.announce([{ statusId, author: payload.author, owners: reached }]);
    const d = await deliveries.get(statusId);
    // The write that completes a delivery stamps finishedAt with its own `now`: only that job observes the lag,
    // not every page that finishes after it.
    if (d?.state === 'done' && d.finishedAt !== null && writtenAt.has(d.finishedAt) && metrics) {
      metrics.fanoutLag.observe((d.finishedAt - d.createdAt) / 1000);
    }
  }

  /**
   * Pushes `feed.status` to the followers each status was just written for (those connected), hydrating all at once;
   * first takes the status back out of the feeds of readers who mute its author and queues the trim checks of those
   * feeds (every write of feed entries by fan-out ends here). Statuses none of whose readers is connected are not
   * hydrated: at 200 posts/s with nobody connected that was a tenth of the job thread's allocations.
   */
  async announce(written: readonly Written[]): Promise<void> {
    const kept = await this.withoutOutsiders(await this.withoutMuters(written));
    await this.deps.trims?.written(kept);
    const { realtime } = this.deps;
    const reached = kept.filter((w) => w.owners.length > 0 && realtime.reaches?.(w.owners) !== false);
    if (reached.length === 0) return;
    const statuses = await this.deps.hydrator.byIds(
      reached.map((w) => w.statusId),
      null, // a push to many: no `mine`
    );
    // A repost's entry is keyed by the repost's id (no status has it): its feed item is built apart.
    const items = new Map<string, unknown>(statuses.map((status) => [status.id, status]));
    const reposts = reached.filter((w) => !items.has(w.statusId));
    if (reposts.length > 0) for (const [id, item] of await this.repostItems(reposts)) items.set(id, item);
    for (const { statusId, owners } of reached) {
      const data = items.get(statusId);
      if (data) realtime.toUsers(owners, { type: 'feed.status', channel: 'feed', data });
    }
  }

  /**
   * Feed items of reposts just written (a repost's delivery is keyed by the repost id and names the status it
   * shows): the status with `repostedBy` and `repostedAt`, keyed by repost id. Statuses gone meanwhile are left out.
   */
  private async repostItems(written: readonly Written[]): Promise<Map<string, unknown>> {
    const records = await Promise.all(written.map((w) => this.deps.deliveries.get(w.statusId)));
    const reposts = records.flatMap((d) =>
      d?.original === undefined ? [] : [{ id: d.statusId, original: d.original, reposter: d.author, at: d.createdAt }],
    );
    const out = new Map<string, unknown>();
    if (reposts.length === 0) return out;
    const [statuses, users] = await Promise.all([
      this.deps.hydrator.byIds(
        reposts.map((r) => r.original),
        null,
      ),
      this.deps.hydrator.users(reposts.map((r) => r.reposter)),
    ]);
    const byId = new Map(statuses.map((s) => [s.id, s]));
    for (const r of reposts) {
      const status = byId.get(r.original);
      const by = users.get(r.reposter);
      if (status && by) out.set(r.id, { ...status, repostedBy: by, repostedAt: new Date(r.at).toISOString() });
    }
    return out;
  }

  /**
   * A reply reaches only the feeds of those who also follow the replied-to author (or are that author), as on
   * Mastodon and Twitter; a reply to oneself (a thread) reaches every follower. Checked after the write, as mutes are.
   */
  private async withoutOutsiders(written: readonly Written[]): Promise<Written[]> {
    const { replies } = this.deps;
    if (!replies) return [...written];
    const any = written.filter((w) => w.owners.length > 0);
    const parents =
      any.length === 0 ? new Map<string, string>() : await this.deps.hydrator.replyParents(any.map((w) => w.statusId));
    const kept: Written[] = [];
    for (const w of written) {
      const parent = parents.get(w.statusId);
      if (parent === undefined || parent === '' || parent === w.author || w.owners.length === 0) {
        kept.push(w);
        continue;
      }
      const candidates = w.owners.filter((o) => o !== parent);
      const following = await replies.follows.existing(candidates.map((follower) => ({ follower, followee: parent })));
      const inside = new Set(following.map((e) => e.follower));
      inside.add(parent);
      const out = w.owners.filter((o) => !inside.has(o));
      if (out.length > 0) await replies.feeds.removeStatus(w.statusId, out);
      kept.push({ ...w, owners: w.owners.filter((o) => inside.has(o)) });
    }
    return kept;
  }

  /**
   * Checked after the write: a mute that lands before this check is seen here, one that lands after it has its own
   * purge run after it, so no interleaving leaves the entry behind (the unfollow race's technique).
   */
  private async withoutMuters(written: readonly Written[]): Promise<Written[]> {
    const { mutes } = this.deps;
    if (!mutes) return [...written];
    const muting = await mutes.visibility.muting(
      written.flatMap((w) => w.owners.map((reader) => ({ reader, author: w.author }))),
    );
    if (muting.size === 0) return [...written];
    const kept: Written[] = [];
    for (const w of written) {
      const out = w.owners.filter((o) => muting.has(`${o} ${w.author}`));
      if (out.length > 0) await mutes.feeds.removeStatus(w.statusId, out);
      kept.push({ ...w, owners: w.owners.filter((o) => !muting.has(`${o} ${w.author}`)) });
    }
    return kept;
  }

  /** The followers in (after, to] as they are now, a batch a step; the step that ends the range counts the page. */
  private range(job: DeliverRange): Writer {
    const { deliveries, batchSize } = this.deps;
    const delivery = { statusId: job.statusId, author: job.author };
    const page = { key: job.to, count: job.count };
    let after = job.after;
    return async (now) => {
      const { added, owners, next } = await deliveries.deliverRange(
        delivery,
        { after, to: job.to, limit: batchSize },
        { now, page },
      );
      after = next;
      return { added, owners, done: next === null };
    };
  }

  /** A job of the earlier shape: the aliases it carries, each batch counted by its own key as before. */
  private listed(job: DeliverList): Writer {
    const { deliveries, batchSize } = this.deps;
    const delivery = { statusId: job.statusId, author: job.author };
    let i = 0;
    return async (now) => {
      const owners = job.followers.slice(i, i + batchSize);
      const page = { key: `${job.page}#${i}`, count: owners.length };
      const added = await deliveries.deliverPage(delivery, owners, { now, page });
      i += batchSize;
      return { added, owners, done: i >= job.followers.length };
    };
  }
}
