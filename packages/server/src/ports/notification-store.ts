import type { NotificationGroup, NotificationType, ReactionKind } from '@tweeter/shared';

// Notifications are kept as groups (one per recipient and group key) and actor entries (one per recipient, group
// and actor). An actor entry is a last-writer-wins register ordered by the event's time `at`: an event older than
// the entry changes nothing, so a replayed or reordered job (at-least-once queue) leaves the same state, and a
// group's actorCount changes only on the write that flips an entry between active and retracted: O(1) per event
// whatever the group's size.

/** One event (or its retraction, active false) as the notify job writes it. */
/** A notification group a write changed in its own transaction (a reaction's, on SQLite): for the live push. */
export interface NotifiedGroup {
  recipient: string;
  groupKey: string;
  /** true: an actor came in (push the group and the count); false: one left (the count only). */
  show: boolean;
}

export interface NotificationWrite {
  recipient: string;
  /** The group it belongs to (domain/notification-groups.ts makes it). */
  groupKey: string;
  type: NotificationType;
  statusId: string | null;
  boardId: string | null;
  reactionKind: ReactionKind | null;
  actor: string;
  /** Event time, ms: orders events of the same actor in the same group. */
  at: number;
  /** false: the event was undone (unlike, unfollow): the actor leaves the group. */
  active: boolean;
}

export interface NotificationGroupRecord {
  recipient: string;
  groupKey: string;
  type: NotificationType;
  statusId: string | null;
  boardId: string | null;
  reactionKind: ReactionKind | null;
  actorCount: number;
  latestAt: number;
  unread: boolean;
  /** The newest active actors, newest first (at most NOTIFICATION_GROUP_ACTORS). */
  actors: string[];
}

/** What `NotificationRepo.apply` did. */
export interface NotificationApplied {
  /** false: a stale or replayed event, nothing written. */
  changed: boolean;
  /** The group as it now stands (null: it has no actor left and is gone). */
  group: NotificationGroupRecord | null;
}

/** A page position: groups strictly older than (latestAt, groupKey). */
export interface NotificationPosition {
  latestAt: number;
  groupKey: string;
}

export interface NotificationRepo {
  /**
   * Applies one event to its actor entry (a conditional single-item write) and, when that flipped the entry, to its
   * group: the count moves by one, an add moves the group to the top and marks it unread, the last retraction
   * removes the group. Idempotent; never reads the group's other actors.
   */
  apply(write: NotificationWrite): Promise<NotificationApplied>;
  /**
   * `apply` for a gathered batch, answered in order (each group as it stands after the whole batch). SQLite: one
   * transaction, one update per group for its N entries; DynamoDB: an entry write per event, one `ADD` per group.
   */
  applyMany(writes: readonly NotificationWrite[]): Promise<NotificationApplied[]>;
  /**
   * `applyMany` without reading the groups back: whether each write changed its entry, in order. For a caller that
   * reads the groups later, once for many batches (the notify stage's coalesced live pushes).
   */
  applyChanges(writes: readonly NotificationWrite[]): Promise<boolean[]>;
  /**
   * Sets a group's count to its active entries (those within the retention on DynamoDB), removing it at 0; returns
   * the count (null: no group). O(entries): only for a group that may be off (a redelivered event after a crash
   * between the entry and the group's update, an undo that found no entry).
   */
  recount(recipient: string, groupKey: string): Promise<number | null>;
  /** Retracts up to `limit` of `actor`'s active entries in `recipient`'s groups (a block or mute); fewer: none left. */
  retractActorFor(recipient: string, actor: string, limit: number): Promise<number>;
  /** Removes one group and its entries (e.g. "added you to a board" once removed from it); false if none. */
  removeGroup(recipient: string, groupKey: string): Promise<boolean>;
  /** A recipient's groups, newest first, from `before` (exclusive), latestAt at or after `since`. May lag (DynamoDB: a GSI). */
  page(
    recipient: string,
    options: { before?: NotificationPosition; limit: number; since: number; types?: readonly NotificationType[] },
  ): Promise<NotificationGroupRecord[]>;
  get(recipient: string, groupKey: string): Promise<NotificationGroupRecord | null>;
  /** Groups with something unread, latestAt at or after `since`: exact and strongly consistent, one read. */
  unreadCount(recipient: string, since: number): Promise<number>;
  /** Marks read every group whose latestAt is at most `upTo` (undefined: all); returns how many changed. */
  markRead(recipient: string, upTo?: number): Promise<number>;
  /**
   * Removes every group about `statusId` (a deleted status), whoever it notified; returns those recipients. May lag
   * (DynamoDB: a GSI finds the groups), so the job runs again a little later.
   */
  removeStatus(statusId: string): Promise<string[]>;
  /** Removes up to `limit` of a deleted account's own groups; fewer than `limit`: none left. */
  removeRecipient(recipient: string, limit: number): Promise<number>;
  /**
   * Retracts up to `limit` of a deleted account's entries as an actor (counts move down, emptied groups go);
   * fewer than `limit`: none left.
   */
  removeActor(actor: string, limit: number): Promise<number>;
  /**
   * Retention: removes up to `limit` groups (with their entries) whose latestAt is before `before`; returns how
   * many. DynamoDB removes nothing here (0): items carry a `ttl` and reads filter by `since`.
   */
  deleteOlderThan(before: number, limit: number): Promise<number>;
}

/** Group records as their recipient sees them (statuses and actors read in batches): the job pushes these live. */
export interface NotificationViews {
  present(viewer: string, records: readonly NotificationGroupRecord[]): Promise<NotificationGroup[]>;
}
