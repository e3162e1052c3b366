import { z } from 'zod';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { FeedRepo, FollowRepo, NotificationRepo, RelationRepo } from '../ports/store.js';
import { endFollows } from '../domain/visibility.js';
import { NOTIFICATIONS_CHANNEL } from '../domain/notification-groups.js';
import { parsePayload } from './payloads.js';
import type { JobProcessor } from './processor.js';

/** Entries retracted per call: one actor's entries in one recipient's groups, a short transaction each. */
const RETRACT_BATCH = 100;

const RelationJob = z.object({
  owner: z.string().min(1),
  kind: z.enum(['block', 'mute']),
  target: z.string().min(1),
});

/**
 * After a block or a mute (idempotent, bounded): while the edge still exists, a block ends both follows again (a
 * follow that raced the block) and removes each side's statuses from the other's feed; a mute removes the target's
 * statuses from the owner's feed; either takes the target out of the owner's notifications. Each removal scans one bounded feed (FEED_MAX_ENTRIES), as the unfollow purge does.
 * A recipient whose notifications changed hears the new exact unread count on every connection (`notifications.unread`).
 */
export class RelationPurgeProcessor implements JobProcessor {
  readonly jobs = ['relation.purge'] as const;

  constructor(
    private readonly deps: {
      relations: RelationRepo;
      follows: FollowRepo;
      feeds: FeedRepo;
      notifications: Pick<NotificationRepo, 'retractActorFor' | 'unreadCount'>;
      realtime: Pick<Realtime, 'toUsers'>;
      clock: Clock;
      /** Groups older than this are not counted (as the unread-count read does). */
      retentionMs: number;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    const edge = parsePayload(RelationJob, job.payload, 'relation.purge');
    const { relations, follows, feeds } = this.deps;
    if ((await relations.existing([edge])).length === 0) return; // undone since
    if (edge.kind === 'block') {
      await endFollows(follows, edge.owner, edge.target);
      await feeds.removeByAuthor(edge.target, edge.owner);
    }
    await feeds.removeByAuthor(edge.owner, edge.target);
    // The notifications agree with the page (which hides them) and the unread count: the target leaves the owner's
    // groups (a group of only them goes), and after a block the owner leaves the target's.
    await this.retract(edge.owner, edge.target);
    if (edge.kind === 'block') await this.retract(edge.target, edge.owner);
  }

  private async retract(recipient: string, actor: string): Promise<void> {
    let retracted = 0;
    let step: number;
    do {
      step = await this.deps.notifications.retractActorFor(recipient, actor, RETRACT_BATCH);
      retracted += step;
    } while (step === RETRACT_BATCH);
    // A replayed job retracts nothing and pushes nothing; the first run's push already told every device.
    if (retracted === 0) return;
    const count = await this.deps.notifications.unreadCount(recipient, this.deps.clock.now() - this.deps.retentionMs);
    this.deps.realtime.toUsers([recipient], {
      type: 'notifications.unread',
      channel: NOTIFICATIONS_CHANNEL,
      data: { count },
    });
  }
}
