import { REACTION_KINDS, type ReactionKind } from '@tweeter/shared';
import { groupingOf, NOTIFY_EVENT_JOB, type NotifyEventPayload } from '../../domain/notification-groups.js';
import type { JobRequest } from '../../ports/job-queue.js';
import type { NotifiedGroup } from '../../ports/store.js';
import type { Db } from './database.js';
import type { NotificationWrites } from './notification-writes.js';

/**
 * A reaction's notification written in the reaction's own transaction (SQLite only): the notify stage's job would
 * cost a job row, its claim, its ack and a batch's checks for one actor entry and one group update. The checks are
 * the notify stage's (jobs/notify.ts): the recipient exists, and no block either way nor a mute by the recipient
 * (domain/visibility.ts's feed rule); the reacted status exists (the reaction's transaction checked it). A retraction
 * always applies. Exactly once: the transaction commits the reaction, its count and its notification together.
 * Any other outbox job passes through to the queue as before.
 */
export function createReactionNotify(
  db: Db,
  writes: NotificationWrites,
): (jobs: readonly JobRequest[]) => { queued: JobRequest[]; notified: NotifiedGroup[] } {
  const userExists = db.prepare<[string], 1>('SELECT 1 FROM users WHERE alias = ?').pluck();
  // The feed rule seen from the recipient: blocked either way, or muted by the recipient (a key seek each).
  const hidden = db
    .prepare<[string, string, string, string], 1>(
      `SELECT 1 FROM relations WHERE owner = ? AND target = ? AND kind IN ('block', 'mute')
       UNION ALL SELECT 1 FROM relations WHERE owner = ? AND target = ? AND kind = 'block' LIMIT 1`,
    )
    .pluck();

  return (jobs) => {
    const queued: JobRequest[] = [];
    const notified: NotifiedGroup[] = [];
    for (const job of jobs) {
      const event = job.name === NOTIFY_EVENT_JOB ? reactionEvent(job.payload) : null;
      if (!event) {
        queued.push(job);
        continue;
      }
      const { recipientId: recipient, actorId: actor } = event;
      if (recipient === actor) continue;
      if (event.active && (userExists.get(recipient) === undefined || hidden.get(recipient, actor, actor, recipient)))
        continue;
      const grouping = groupingOf(event, event.at);
      const write = { recipient, actor, type: event.type, at: event.at, active: event.active, ...grouping };
      const [changed = false] = writes.applyIn([write]);
      if (changed) notified.push({ recipient, groupKey: grouping.groupKey, show: event.active });
    }
    return { queued, notified };
  };
}

/** The payload of a reaction's notify job as `notifyJob` builds it; null for anything else (queued as it is). */
function reactionEvent(payload: Record<string, unknown>): NotifyEventPayload | null {
  const { actorId, recipientId, statusId, boardId, messageId, reactionKind, at, active } = payload;
  if (payload.type !== 'reaction' || typeof actorId !== 'string' || typeof recipientId !== 'string') return null;
  if (typeof at !== 'number' || typeof active !== 'boolean' || !isKind(reactionKind)) return null;
  const event: NotifyEventPayload = { type: 'reaction', actorId, recipientId, reactionKind, at, active };
  if (typeof messageId === 'string' && typeof boardId === 'string') return { ...event, boardId, messageId };
  if (typeof statusId === 'string' && messageId === undefined) return { ...event, statusId };
  return null;
}

function isKind(value: unknown): value is ReactionKind {
  return REACTION_KINDS.some((k) => k === value);
}
