import type { NotificationWrite } from '../../ports/store.js';
import type { Db } from './database.js';
import { notificationGroupStatements } from './notification-group-statements.js';

/**
 * The write of notification events into their groups, shared by the notify stage's batches (NotificationRepo's
 * apply*) and a reaction's own transaction (reaction-notify.ts): one actor entry and one group row per event.
 */
export interface NotificationWrites {
  /** `applyIn` in a transaction of its own (a savepoint inside a caller's). */
  applyAll(writes: readonly NotificationWrite[]): boolean[];
  /**
   * Inside the caller's transaction: moves each touched group once (+adds to the top, unread, from its newest add,
   * then -retractions); whether each write changed its entry, in order.
   */
  applyIn(writes: readonly NotificationWrite[]): boolean[];
}

export function createNotificationWrites(db: Db): NotificationWrites {
  const { selectEntry, takeFromGroup, recountGroup, dropEmpty } = notificationGroupStatements(db);
  const upsertEntry = db.prepare<[string, string, string, number, number]>(
    `INSERT INTO notification_actors (recipient, group_key, actor, at, active) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (recipient, group_key, actor) DO UPDATE SET at = excluded.at, active = excluded.active`,
  );
  const addToGroup = db.prepare<[string, string, string, string | null, string | null, string | null, number, number]>(
    `INSERT INTO notification_groups
       (recipient, group_key, type, status_id, board_id, reaction_kind, actor_count, latest_at, unread)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (recipient, group_key) DO UPDATE SET actor_count = actor_count + excluded.actor_count,
         latest_at = max(latest_at, excluded.latest_at), unread = 1`,
  );

  /** Flips the entry when `w` is newer (a retraction wins a tie); returns the count's change, or null if stale. */
  const flip = (w: NotificationWrite): { delta: number | null; missing: boolean } => {
    const old = selectEntry.get(w.recipient, w.groupKey, w.actor);
    const newer = !old || old.at < w.at || (old.at === w.at && old.active === 1 && !w.active);
    if (!newer) return { delta: null, missing: false };
    upsertEntry.run(w.recipient, w.groupKey, w.actor, w.at, w.active ? 1 : 0);
    return { delta: (w.active ? 1 : 0) - (old?.active ?? 0), missing: !old };
  };

  // An undo that finds no entry recounts its group, as on DynamoDB (where TTL may take an old entry of a live group);
  // here entries live as long as their group, so it changes nothing unless something else removed the entry.
  const applyIn = (writes: readonly NotificationWrite[]): boolean[] => {
    const moves = new Map<string, { add: NotificationWrite | null; adds: number; takes: number; recount: boolean }>();
    const changed = writes.map((w) => {
      const { delta, missing } = flip(w);
      const id = `${w.recipient}\n${w.groupKey}`;
      const move = moves.get(id) ?? { add: null, adds: 0, takes: 0, recount: false };
      moves.set(id, move);
      if (missing && !w.active) move.recount = true;
      if (delta === null || delta === 0) return false; // stale, or no flip: the count stands
      if (delta > 0) {
        move.adds += 1;
        if (!move.add || move.add.at < w.at) move.add = w;
      } else move.takes += 1;
      return true;
    });
    for (const [id, move] of moves) {
      const [recipient = '', groupKey = ''] = id.split('\n');
      const a = move.add;
      if (a) addToGroup.run(recipient, groupKey, a.type, a.statusId, a.boardId, a.reactionKind, move.adds, a.at);
      if (move.takes > 0) takeFromGroup.run(move.takes, recipient, groupKey);
      if (move.recount) recountGroup.run(recipient, groupKey);
      dropEmpty.run(recipient, groupKey);
    }
    return changed;
  };

  const applyAll = db.transaction(applyIn);
  return { applyAll: (writes) => applyAll.immediate(writes), applyIn };
}
