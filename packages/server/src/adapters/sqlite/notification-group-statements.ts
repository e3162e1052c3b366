import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

export interface NotificationGroupStatements {
  selectEntry: Statement<[string, string, string], { at: number; active: number }>;
  takeFromGroup: Statement<[number, string, string]>;
  recountGroup: Statement<[string, string]>;
  dropEmpty: Statement<[string, string]>;
}

/** The statements on a notification's actor entry and its group row that both the writes and the repo run. */
export function notificationGroupStatements(db: Db): NotificationGroupStatements {
  return {
    selectEntry: db.prepare<[string, string, string], { at: number; active: number }>(
      'SELECT at, active FROM notification_actors WHERE recipient = ? AND group_key = ? AND actor = ?',
    ),
    takeFromGroup: db.prepare<[number, string, string]>(
      'UPDATE notification_groups SET actor_count = actor_count - ? WHERE recipient = ? AND group_key = ?',
    ),
    recountGroup: db.prepare<[string, string]>(
      `UPDATE notification_groups SET actor_count = (SELECT count(*) FROM notification_actors AS a
         WHERE a.recipient = notification_groups.recipient AND a.group_key = notification_groups.group_key
           AND a.active = 1) WHERE recipient = ? AND group_key = ?`,
    ),
    dropEmpty: db.prepare<[string, string]>(
      'DELETE FROM notification_groups WHERE recipient = ? AND group_key = ? AND actor_count <= 0',
    ),
  };
}
