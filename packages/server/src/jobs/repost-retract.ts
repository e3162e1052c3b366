import { z } from 'zod';
import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { FollowRepo, RepostRecord, RepostRepo } from '../ports/store.js';
import { breathe, parsePayload } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * Other reposts of the status a feed may get instead, when one leaves it: the oldest this many (bounded, so a status
 * reposted by 10,000 accounts costs one page of edge checks per page of followers, not 10,000).
 */
export const RESTORE_CANDIDATES = 20;

const RetractJob = z.object({
  repostId: z.string().min(1),
  statusId: z.string().min(1),
  reposter: z.string().min(1),
  /** A pulled reposter's repost has no entries: connected followers are told, nothing more. */
  pulled: z.boolean().optional(),
  /** The status itself is gone: nothing takes the repost's place. */
  gone: z.boolean().optional(),
});

/**
 * After an undo (or the status's deletion): takes the repost out of its reposter's followers' feeds page by page,
 * tells those connected (`feed.delete` with the status id), and where another repost of the status by someone the
 * owner follows still stands, writes that one in its place (the oldest first). Idempotent: a replay removes nothing
 * more and writes the same replacement (once per feed, whoever comes first).
 */
export class RepostRetractProcessor implements JobProcessor {
  readonly jobs = ['repost.retract'] as const;

  constructor(
    private readonly deps: {
      follows: FollowRepo;
      reposts: RepostRepo;
      realtime: Realtime;
      pageSize: number;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    const p = parsePayload(RetractJob, job.payload, 'repost.retract');
    const { follows, reposts, realtime, pageSize } = this.deps;
    const event = { type: 'feed.delete', channel: 'feed', data: { id: p.statusId } };
    if (p.pulled === true) {
      realtime.toFollowersOf(p.reposter, event);
      return;
    }
    const others = p.gone === true ? [] : await this.candidates(p.statusId);
    let after: string | undefined;
    do {
      const page = await follows.followers(p.reposter, { after, limit: pageSize });
      const removed = await reposts.removeFromFeeds({ id: p.repostId, statusId: p.statusId }, page.items);
      const restored = await this.restore(others, removed);
      const gone = removed.filter((owner) => !restored.has(owner));
      if (gone.length > 0) realtime.toUsers(gone, event);
      after = page.next ?? undefined;
      if (after) await breathe(0);
    } while (after);
  }

  private async candidates(statusId: string): Promise<RepostRecord[]> {
    const page = await this.deps.reposts.byStatus(statusId, { limit: RESTORE_CANDIDATES });
    return page.items.filter((r) => r.pulled !== true).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Writes, for each owner, the oldest other repost by someone they follow; returns the owners given one. */
  private async restore(others: readonly RepostRecord[], owners: readonly string[]): Promise<Set<string>> {
    const given = new Set<string>();
    if (others.length === 0 || owners.length === 0) return given;
    const edges = await this.deps.follows.existing(
      owners.flatMap((follower) => others.map((r) => ({ follower, followee: r.reposter }))),
    );
    const follows = new Set(edges.map((e) => `${e.follower} ${e.followee}`));
    for (const r of others) {
      const to = owners.filter((o) => !given.has(o) && follows.has(`${o} ${r.reposter}`));
      for (const owner of await this.deps.reposts.addToFeeds(r, to)) given.add(owner);
    }
    return given;
  }
}

const SweepJob = z.object({ statusId: z.string().min(1) });

/**
 * After a status is deleted: removes each of its reposts (with its count) and queues its retraction, a page at a
 * time. Feed reads skip them from the moment the status is gone; this reclaims the entries.
 */
export class RepostSweepProcessor implements JobProcessor {
  readonly jobs = ['repost.sweep'] as const;

  constructor(private readonly deps: { reposts: RepostRepo; pageSize: number }) {}

  async perform(job: Job): Promise<void> {
    const { statusId } = parsePayload(SweepJob, job.payload, 'repost.sweep');
    const { reposts, pageSize } = this.deps;
    for (;;) {
      // Each repost removed leaves the list, so every page is read from the start.
      const page = await reposts.byStatus(statusId, { limit: pageSize });
      for (const r of page.items) {
        const payload = { repostId: r.id, statusId, reposter: r.reposter, pulled: r.pulled === true, gone: true };
        await reposts.delete(statusId, r.reposter, { outbox: [{ name: 'repost.retract', payload }] });
      }
      if (page.next === null) return;
      await breathe(0);
    }
  }
}
