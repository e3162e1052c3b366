import type { Visibility } from '../domain/visibility.js';
import {
  groupingOf,
  NOTIFY_EVENT_JOB,
  NOTIFY_GROUP_GONE_JOB,
  NOTIFY_STATUS_GONE_JOB,
  NotifyEventPayload,
} from '../domain/notification-groups.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { NotificationRepo, NotificationViews, StatusRepo, UserRepo } from '../ports/store.js';
import { NotifyPushes } from './notify-pushes.js';
import { parsePayload } from './payloads.js';
import type { BatchOutcome, JobProcessor } from './processor.js';
import { z } from 'zod';

const StatusGone = z.object({ statusId: z.string().min(1) });
const GroupGone = z.object({ recipientId: z.string().min(1), groupKey: z.string().min(1) });

/**
 * The `notify` stage: writes one event into its group (O(1): one actor entry, one group item) and pushes the group
 * and the exact unread count to the recipient's connections (coalesced over a short window where the runtime keeps
 * running: NotifyPushes); removes a deleted status's groups. Idempotent: an
 * event replayed or arriving after its undo changes nothing (the entry is ordered by the event's time).
 */
export class NotifyProcessor implements JobProcessor {
  readonly jobs = [NOTIFY_EVENT_JOB, NOTIFY_STATUS_GONE_JOB, NOTIFY_GROUP_GONE_JOB] as const;
  private readonly pushes: NotifyPushes;

  constructor(
    private readonly deps: {
      notifications: NotificationRepo;
      statuses: Pick<StatusRepo, 'get'>;
      users: Pick<UserRepo, 'get'>;
      presenter: NotificationViews;
      visibility: Pick<Visibility, 'feedHidden'>;
      realtime: Realtime;
      clock: Clock;
      retentionMs: number;
      /** How long live pushes wait to go together (NotifyPushes); 0 (the default): at the end of each batch. */
      pushWindowMs?: number;
    },
  ) {
    this.pushes = new NotifyPushes({ ...deps, windowMs: deps.pushWindowMs ?? 0 });
  }

  async perform(job: Job): Promise<void> {
    const [outcome] = await this.performBatch([job]);
    if (outcome && !outcome.ok) throw outcome.error;
  }

  /**
   * A gathered batch (a burst of likes on one status arrives as many jobs): the checks are read once per recipient,
   * the writes go in one `applyChanges` (SQLite: one transaction, one update per group), and each touched group and
   * each recipient's unread count are pushed once per batch, or once per push window for many batches. A redelivered event (a crash may have left its group's count
   * off) recounts its group.
   */
  readonly performBatch = async (jobs: readonly Job[]): Promise<BatchOutcome[]> => {
    const outcomes: BatchOutcome[] = jobs.map(() => ({ ok: true }));
    const events: { i: number; event: NotifyEventPayload; redelivered: boolean }[] = [];
    for (const [i, job] of jobs.entries()) {
      try {
        if (job.name === NOTIFY_STATUS_GONE_JOB) await this.statusGone(parsePayload(StatusGone, job.payload, job.name));
        else if (job.name === NOTIFY_GROUP_GONE_JOB)
          await this.groupGone(parsePayload(GroupGone, job.payload, job.name));
        else {
          const event = parsePayload(NotifyEventPayload, job.payload, job.name);
          // Never for my own actions.
          if (event.actorId !== event.recipientId) events.push({ i, event, redelivered: job.attempts > 1 });
        }
      } catch (error) {
        outcomes[i] = { ok: false, error };
      }
    }
    if (events.length === 0) return outcomes;
    try {
      await this.apply(events);
    } catch (error) {
      for (const { i } of events) outcomes[i] = { ok: false, error };
    }
    return outcomes;
  };

  private async apply(events: { event: NotifyEventPayload; redelivered: boolean }[]): Promise<void> {
    const allowed = await this.allowed(events.map((e) => e.event));
    const kept = events.filter((e, i) => !e.event.active || allowed[i]);
    const writes = kept.map(({ event }) => ({
      recipient: event.recipientId,
      actor: event.actorId,
      type: event.type,
      at: event.at,
      active: event.active,
      ...groupingOf(event, event.at),
    }));
    if (writes.length === 0) return;
    // The groups are not read back here: the pushes read each touched group once per window, however many batches.
    const changed = await this.deps.notifications.applyChanges(writes);
    for (const [i, w] of writes.entries()) {
      if (kept[i]?.redelivered) {
        await this.deps.notifications.recount(w.recipient, w.groupKey);
        this.pushes.unread(w.recipient);
      }
      if (changed[i]) this.pushes.group(w.recipient, w.groupKey, w.active);
    }
    await this.pushes.settle();
  }

  /**
   * Per event, whether it may notify: not across a block either way, nor from someone the recipient mutes (one
   * batched read per recipient); not to an account that does not exist; not about a status already deleted.
   */
  private async allowed(events: readonly NotifyEventPayload[]): Promise<boolean[]> {
    const byRecipient = new Map<string, Set<string>>();
    const statusIds = new Set<string>();
    for (const e of events) {
      if (!e.active) continue;
      byRecipient.set(e.recipientId, (byRecipient.get(e.recipientId) ?? new Set()).add(e.actorId));
      if (e.statusId && !e.messageId) statusIds.add(e.statusId);
    }
    const hidden = new Map<string, Set<string>>();
    const present = new Set<string>();
    for (const [recipient, actors] of byRecipient) {
      // A mention of an alias nobody has (or a deleted account) notifies nobody.
      if ((await this.deps.users.get(recipient)) !== null) present.add(recipient);
      // The recipient's feed rule seen from the actor's side: blocked either way, or muted by the recipient.
      hidden.set(recipient, await this.deps.visibility.feedHidden(recipient, actors));
    }
    const live = new Set<string>();
    for (const id of statusIds) if ((await this.deps.statuses.get(id)) !== null) live.add(id);
    return events.map(
      (e) =>
        present.has(e.recipientId) &&
        !hidden.get(e.recipientId)?.has(e.actorId) &&
        (!e.statusId || e.messageId !== undefined || live.has(e.statusId)),
    );
  }

  private async groupGone({ recipientId, groupKey }: { recipientId: string; groupKey: string }): Promise<void> {
    if (!(await this.deps.notifications.removeGroup(recipientId, groupKey))) return;
    this.pushes.unread(recipientId);
    await this.pushes.settle();
  }

  private async statusGone({ statusId }: { statusId: string }): Promise<void> {
    const recipients = await this.deps.notifications.removeStatus(statusId);
    for (const recipient of recipients) this.pushes.unread(recipient);
    await this.pushes.settle();
  }
}
