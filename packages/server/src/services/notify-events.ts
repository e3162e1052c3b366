import {
  boardAddedGroupKey,
  NOTIFY_EVENT_JOB,
  NOTIFY_GROUP_GONE_JOB,
  NOTIFY_STATUS_GONE_JOB,
  type NotifyEvent,
  type NotifyEventPayload,
} from '../domain/notification-groups.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue, JobRequest } from '../ports/job-queue.js';

export type { NotifyEvent } from '../domain/notification-groups.js';
export { NOTIFY_EVENT_JOB, NOTIFY_STATUS_GONE_JOB } from '../domain/notification-groups.js';

/**
 * The job for an event (`active`) or its retraction, stamped `at`. Put it in a write's outbox where the write has
 * one (follows, statuses), so the notification is queued if and only if the write happened.
 */
export function notifyJob(event: NotifyEvent, at: number, active: boolean): JobRequest {
  const payload: NotifyEventPayload = { ...event, at, active };
  return { name: NOTIFY_EVENT_JOB, payload };
}

/**
 * How a service emits a notification: `emit` after the write that caused it, `retract` after the write that undid
 * it. Both only enqueue (the `notify` stage does the work), so a burst never slows the request. Self-notifications
 * are dropped here; blocks and mutes are checked by the job. Wiring reply, quote and repost takes one line each:
 *
 *   await notify.emit({ type: 'reply', actorId: viewer, recipientId: parent.author, statusId: reply.id });
 *   await notify.retract({ type: 'repost', actorId: viewer, recipientId: status.author, statusId: status.id });
 */
export class NotifyEvents {
  constructor(private readonly deps: { queue: Pick<JobQueue, 'enqueue'>; clock: Clock }) {}

  emit(event: NotifyEvent): Promise<void> {
    return this.send(event, true);
  }

  retract(event: NotifyEvent): Promise<void> {
    return this.send(event, false);
  }

  /** The jobs for `events` stamped now, without self-notifications: for a write's outbox. */
  jobs(events: readonly NotifyEvent[], active = true): JobRequest[] {
    const at = this.deps.clock.now();
    // A plain loop: every like builds its outbox here (filter and map made two arrays and two closures a like).
    const jobs: JobRequest[] = [];
    for (const e of events) if (e.actorId !== e.recipientId) jobs.push(notifyJob(e, at, active));
    return jobs;
  }

  /** The job removing a deleted status's notifications (for the deletion's outbox). */
  statusGoneJob(statusId: string): JobRequest {
    return { name: NOTIFY_STATUS_GONE_JOB, payload: { statusId } };
  }

  /** Takes back "added you to board": the member was removed (or left). */
  async boardLeft(recipientId: string, boardId: string): Promise<void> {
    const payload = { recipientId, groupKey: boardAddedGroupKey(boardId) };
    await this.deps.queue.enqueue([{ name: NOTIFY_GROUP_GONE_JOB, payload }]);
  }

  private async send(event: NotifyEvent, active: boolean): Promise<void> {
    const jobs = this.jobs([event], active);
    if (jobs.length > 0) await this.deps.queue.enqueue(jobs);
  }
}
