import { NOTIFICATION_GROUP_ACTORS, type NotificationType, type ReactionKind } from '@tweeter/shared';
import type { NotificationGroupRecord, NotificationRepo } from '../../ports/store.js';
import type { Db } from './database.js';
import { notificationGroupStatements } from './notification-group-statements.js';
import { createNotificationWrites } from './notification-writes.js';

interface GroupRow {
  recipient: string;
  group_key: string;
  type: string;
  status_id: string | null;
  board_id: string | null;
  reaction_kind: string | null;
  actor_count: number;
  latest_at: number;
  unread: number;
}

interface PageParams {
  recipient: string;
  since: number;
  at: number;
  key: string;
  types: string | null;
  limit: number;
}

/** Notifications over SQLite: an event is one transaction touching one actor row and one group row. */
export function createNotificationsRepo(db: Db): NotificationRepo {
  const { applyAll } = createNotificationWrites(db);
  const { selectEntry, takeFromGroup, recountGroup, dropEmpty } = notificationGroupStatements(db);
  const entriesOfActorFor = db.prepare<[string, string, number], { group_key: string }>(
    'SELECT group_key FROM notification_actors WHERE actor = ? AND recipient = ? AND active = 1 LIMIT +?',
  );
  const selectGroup = db.prepare<[string, string], GroupRow>(
    'SELECT * FROM notification_groups WHERE recipient = ? AND group_key = ?',
  );
  const newestActors = db
    .prepare<[string, string, number], string>(
      `SELECT actor FROM notification_actors WHERE recipient = ? AND group_key = ? AND active = 1
         ORDER BY at DESC LIMIT +?`,
    )
    .pluck();
  const selectPage = db.prepare<[PageParams], GroupRow>(
    `SELECT * FROM notification_groups
       WHERE recipient = @recipient AND latest_at >= @since
         AND (latest_at < @at OR (latest_at = @at AND group_key < @key))
         AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
       ORDER BY latest_at DESC, group_key DESC LIMIT +@limit`,
  );
  const countUnread = db
    .prepare<[string, number], number>(
      'SELECT count(*) FROM notification_groups WHERE recipient = ? AND unread = 1 AND latest_at >= ?',
    )
    .pluck();
  const markRead = db.prepare<[string, number]>(
    'UPDATE notification_groups SET unread = 0 WHERE recipient = ? AND unread = 1 AND latest_at <= ?',
  );
  const removeStatus = db
    .prepare<[string], string>('DELETE FROM notification_groups WHERE status_id = ? RETURNING recipient')
    .pluck();
  const removeRecipientGroups = db.prepare<[string, number]>(
    `DELETE FROM notification_groups WHERE (recipient, group_key) IN
       (SELECT recipient, group_key FROM notification_groups WHERE recipient = ? LIMIT +?)`,
  );
  const removeRecipientEntries = db.prepare<[string, number]>(
    `DELETE FROM notification_actors WHERE (recipient, group_key, actor) IN
       (SELECT recipient, group_key, actor FROM notification_actors WHERE recipient = ? LIMIT +?)`,
  );
  const entriesOfActor = db.prepare<[string, number], { recipient: string; group_key: string; at: number }>(
    'SELECT recipient, group_key, at FROM notification_actors WHERE actor = ? LIMIT +?',
  );
  const deleteEntry = db.prepare<[string, string, string]>(
    'DELETE FROM notification_actors WHERE recipient = ? AND group_key = ? AND actor = ?',
  );
  const oldGroups = db.prepare<[number, number], { recipient: string; group_key: string }>(
    'SELECT recipient, group_key FROM notification_groups WHERE latest_at < ? LIMIT +?',
  );
  const deleteGroup = db.prepare<[string, string]>(
    'DELETE FROM notification_groups WHERE recipient = ? AND group_key = ?',
  );
  const deleteGroupEntries = db.prepare<[string, string]>(
    'DELETE FROM notification_actors WHERE recipient = ? AND group_key = ?',
  );
  // Entries of groups already gone (retracted tombstones, leftovers): older than the cutoff, no group row.
  const deleteOrphans = db.prepare<[number, number]>(
    `DELETE FROM notification_actors WHERE (recipient, group_key, actor) IN
       (SELECT a.recipient, a.group_key, a.actor FROM notification_actors AS a WHERE a.at < ?
          AND NOT EXISTS (SELECT 1 FROM notification_groups AS g
                          WHERE g.recipient = a.recipient AND g.group_key = a.group_key) LIMIT +?)`,
  );

  const toRecord = (row: GroupRow): NotificationGroupRecord => ({
    recipient: row.recipient,
    groupKey: row.group_key,
    type: row.type as NotificationType,
    statusId: row.status_id,
    boardId: row.board_id,
    reactionKind: row.reaction_kind as ReactionKind | null,
    actorCount: row.actor_count,
    latestAt: row.latest_at,
    unread: row.unread === 1,
    actors: newestActors.all(row.recipient, row.group_key, NOTIFICATION_GROUP_ACTORS),
  });
  const read = (recipient: string, groupKey: string): NotificationGroupRecord | null => {
    const row = selectGroup.get(recipient, groupKey);
    return row ? toRecord(row) : null;
  };

  const retractActor = db.transaction((actor: string, limit: number): number => {
    const rows = entriesOfActor.all(actor, limit);
    for (const row of rows) {
      const entry = selectEntry.get(row.recipient, row.group_key, actor);
      deleteEntry.run(row.recipient, row.group_key, actor);
      if (entry?.active === 1) {
        takeFromGroup.run(1, row.recipient, row.group_key);
        dropEmpty.run(row.recipient, row.group_key);
      }
    }
    return rows.length;
  });

  const retractFor = db.transaction((recipient: string, actor: string, limit: number): number => {
    const keys = entriesOfActorFor.all(actor, recipient, limit);
    for (const { group_key } of keys) {
      deleteEntry.run(recipient, group_key, actor);
      takeFromGroup.run(1, recipient, group_key);
      dropEmpty.run(recipient, group_key);
    }
    return keys.length;
  });

  const removeOne = db.transaction((recipient: string, groupKey: string): boolean => {
    deleteGroupEntries.run(recipient, groupKey);
    return deleteGroup.run(recipient, groupKey).changes > 0;
  });

  const recount = db.transaction((recipient: string, groupKey: string): number | null => {
    if (recountGroup.run(recipient, groupKey).changes === 0) return null; // no such group
    dropEmpty.run(recipient, groupKey);
    return selectGroup.get(recipient, groupKey)?.actor_count ?? 0;
  });

  const retention = db.transaction((before: number, limit: number): number => {
    const groups = oldGroups.all(before, limit);
    for (const g of groups) {
      deleteGroup.run(g.recipient, g.group_key);
      deleteGroupEntries.run(g.recipient, g.group_key);
    }
    return groups.length + deleteOrphans.run(before, limit).changes;
  });

  return {
    async apply(write) {
      const [changed = false] = applyAll([write]);
      return { changed, group: read(write.recipient, write.groupKey) };
    },
    async applyChanges(writes) {
      return applyAll(writes);
    },
    async applyMany(writes) {
      const changed = applyAll(writes);
      // Each touched group read once, however many of the batch's events it took.
      const groups = new Map<string, NotificationGroupRecord | null>();
      return writes.map((w, i) => {
        const id = `${w.recipient}\n${w.groupKey}`;
        if (!groups.has(id)) groups.set(id, read(w.recipient, w.groupKey));
        return { changed: changed[i] ?? false, group: groups.get(id) ?? null };
      });
    },
    async recount(recipient, groupKey) {
      return recount.immediate(recipient, groupKey);
    },
    async retractActorFor(recipient, actor, limit) {
      return retractFor.immediate(recipient, actor, limit);
    },
    async removeGroup(recipient, groupKey) {
      return removeOne.immediate(recipient, groupKey);
    },
    async page(recipient, options) {
      const before = options.before ?? { latestAt: Number.MAX_SAFE_INTEGER, groupKey: '' };
      const types = options.types && options.types.length > 0 ? JSON.stringify(options.types) : null;
      const rows = selectPage.all({
        recipient,
        since: options.since,
        at: before.latestAt,
        key: before.groupKey,
        types,
        limit: options.limit,
      });
      return rows.map(toRecord);
    },
    async get(recipient, groupKey) {
      return read(recipient, groupKey);
    },
    async unreadCount(recipient, since) {
      return countUnread.get(recipient, since) ?? 0;
    },
    async markRead(recipient, upTo) {
      return markRead.run(recipient, upTo ?? Number.MAX_SAFE_INTEGER).changes;
    },
    async removeStatus(statusId) {
      return [...new Set(removeStatus.all(statusId))];
    },
    async removeRecipient(recipient, limit) {
      const groups = removeRecipientGroups.run(recipient, limit).changes;
      const entries = removeRecipientEntries.run(recipient, limit).changes;
      return Math.max(groups, entries);
    },
    async removeActor(actor, limit) {
      return retractActor.immediate(actor, limit);
    },
    async deleteOlderThan(before, limit) {
      return retention.immediate(before, limit);
    },
  };
}
