import { REACTION_KINDS, type ReactionKind, type Reactions, type ReactionsUpdated } from '@tweeter/shared';
import { LRUCache } from 'lru-cache';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { Clock } from '../ports/clock.js';
import type { Realtime } from '../ports/realtime.js';
import type { ReactionChange, ReactionRepo, ReactionTargetType, StatusRepo } from '../ports/store.js';
import { channelOf, type MessageService } from './messages.js';
import type { Visibility } from '../domain/visibility.js';
import type { WriteLimits } from './write-limits.js';
import type { LiveThrottle } from './live-throttle.js';
import type { NotifyEvent, NotifyEvents } from './notify-events.js';

/** Pushes of changed notification groups, coalesced (jobs/notify-pushes.ts). */
export interface NotifiedPushes {
  group(recipient: string, groupKey: string, show: boolean): void;
  settle(): Promise<void>;
}

/** Live pushes of what a write notified in its own transaction: best effort, the data is committed. */
export function pushNotifiedGroups(pushes: NotifiedPushes, notified: ReactionChange['notified']): void {
  if (!notified || notified.length === 0) return;
  for (const n of notified) pushes.group(n.recipient, n.groupKey, n.show);
  pushes.settle().catch(() => undefined);
}

/** Likes and hearts on statuses and board messages: once per user and kind, counts kept exact. */
export class ReactionService {
  constructor(
    private readonly deps: {
      reactions: ReactionRepo;
      statuses: StatusRepo;
      messages: MessageService;
      realtime: Realtime;
      clock: Clock;
      writeLimits: WriteLimits;
      visibility: Pick<Visibility, 'isBlocked'>;
      notify: NotifyEvents;
      /** A status's counts, pushed to its author at most once per window (the newest); a board's go at once. */
      countPushes?: LiveThrottle;
      /**
       * The live push of notification groups the write itself changed (SQLite writes a reaction's notification in
       * the reaction's transaction: ReactionChange.notified); where the `notify` stage writes it, the stage pushes.
       */
      notifyPushes?: NotifiedPushes;
    },
  ) {}

  /**
   * Who wrote a status, by id (an author never changes): read once, not on every like of a popular status. Only an
   * add uses it, whose write itself answers null for a status gone (then forgotten here); a take-back reads afresh.
   */
  private readonly authors = new LRUCache<string, string>({ max: 10_000 });

  private async authorOf(statusId: string, cached: boolean): Promise<string | null> {
    const known = cached ? this.authors.get(statusId) : undefined;
    if (known !== undefined) return known;
    const status = await this.deps.statuses.get(statusId);
    if (status) this.authors.set(statusId, status.author);
    return status?.author ?? null;
  }

  /** Adds (on) or takes back a reaction to a status, idempotently; a change is pushed to the status's author. */
  async reactToStatus(viewer: string, statusId: string, kind: ReactionKind, on: boolean): Promise<Reactions> {
    const author = await this.authorOf(statusId, on);
    if (author === null) throw new NotFoundError(`no status ${statusId}`);
    // Across a block the status is answered as if it were not there. A store that checks blocks in the add's own
    // transaction (a like: the hottest write) saves this thread the read; a take-back is checked here everywhere.
    const inWrite = on && this.deps.reactions.checksBlocks === true;
    if (!inWrite && (await this.deps.visibility.isBlocked(viewer, author))) {
      throw new NotFoundError(`no status ${statusId}`);
    }
    this.deps.writeLimits.take(viewer, 'reaction');
    const event: NotifyEvent = { type: 'reaction', actorId: viewer, recipientId: author, statusId, reactionKind: kind };
    const result = await this.write('status', statusId, viewer, kind, on, event, inWrite ? author : undefined);
    if (!result) {
      // Deleted (meanwhile, or before a cached author was read), or blocked: the author is read again next time.
      this.authors.delete(statusId);
      throw new NotFoundError(`no status ${statusId}`);
    }
    const { changed, counts } = result;
    if (changed) {
      const data: ReactionsUpdated = { target: 'status', id: statusId, reactions: counts };
      const send = () => this.deps.realtime.toUsers([author], { type: 'reactions.updated', channel: 'feed', data });
      // Within a window the last answered write's counts replace the earlier ones (SQLite answers in write order).
      if (this.deps.countPushes) this.deps.countPushes.push(statusId, send);
      else send();
    }
    return this.withMine('status', statusId, viewer, result, { kind, on });
  }

  /** Adds (on) or takes back a reaction to a board message (members only), idempotently; pushed to the board. */
  async reactToMessage(
    viewer: string,
    boardId: string,
    messageId: string,
    kind: ReactionKind,
    on: boolean,
  ): Promise<Reactions> {
    const { message } = await this.deps.messages.reactable(viewer, boardId, messageId);
    if (on && message.deleted) throw new ConflictError('conflict', 'the message was deleted');
    this.deps.writeLimits.take(viewer, 'reaction');
    const recipientId = message.author;
    const event: NotifyEvent = {
      type: 'reaction',
      actorId: viewer,
      recipientId,
      boardId,
      messageId,
      reactionKind: kind,
    };
    const result = await this.write('message', messageId, viewer, kind, on, event);
    if (!result) throw new NotFoundError(`no message ${messageId} on board ${boardId}`);
    const { changed, counts } = result;
    if (changed) {
      const data: ReactionsUpdated = { target: 'message', id: messageId, boardId, reactions: counts };
      this.deps.realtime.toChannel({ type: 'reactions.updated', channel: channelOf(boardId), data });
    }
    return this.withMine('message', messageId, viewer, result, { kind, on });
  }

  /**
   * The write, with its notification (or the notification's retraction) in the write's outbox: queued if and only if
   * the reaction changed, and not lost to a crash right after the write.
   */
  private write(
    type: ReactionTargetType,
    id: string,
    viewer: string,
    kind: ReactionKind,
    on: boolean,
    event: NotifyEvent,
    unlessBlockedWith?: string,
  ): Promise<ReactionChange | null> {
    const { reactions, clock, notify } = this.deps;
    const outbox = notify.jobs([event], on);
    const written = on
      ? reactions.add(
          type,
          id,
          viewer,
          kind,
          clock.now(),
          unlessBlockedWith ? { outbox, unlessBlockedWith } : { outbox },
        )
      : reactions.remove(type, id, viewer, kind, { outbox });
    return written.then((result) => {
      this.pushNotified(result?.notified);
      return result;
    });
  }

  private pushNotified(notified: ReactionChange['notified']): void {
    if (this.deps.notifyPushes) pushNotifiedGroups(this.deps.notifyPushes, notified);
  }

  private async withMine(
    type: ReactionTargetType,
    id: string,
    viewer: string,
    { counts, mine: fromWrite }: ReactionChange,
    written: { kind: ReactionKind; on: boolean },
  ): Promise<Reactions> {
    // The write's own read where the store made one (SQLite): no second read on this thread.
    const read = fromWrite ?? (await this.deps.reactions.mine(type, viewer, [id])).get(id) ?? [];
    // The kind just written is known for sure; a store whose `mine` read may lag (DynamoDB) must not undo it.
    const mine = REACTION_KINDS.filter((k) => (k === written.kind ? written.on : read.includes(k)));
    return { like: counts.like, heart: counts.heart, mine };
  }
}
