import type { RepostRecord, RepostRepo } from '../../ports/store.js';
import type { Db } from './database.js';
import { insertJobs } from './jobs-table.js';
import type { SqliteStoreOptions } from './store.js';

interface RepostRow {
  status_id: string;
  reposter: string;
  id: string;
  author: string;
  created_at: number;
  pulled: number;
}

/**
 * Reposts over SQLite: a row per (status, reposter), its delivery record (keyed by the repost id, naming the
 * status) and its outbox jobs in one transaction, written only while the status row exists. Counts are COUNT(*)
 * over the status's index range: exact, with no counter to reconcile.
 */
export function createRepostsRepo(db: Db, { clock, signal }: SqliteStoreOptions): RepostRepo {
  const statusExists = db.prepare<[string], number>('SELECT 1 FROM statuses WHERE id = ?').pluck();
  const insert = db.prepare<[string, string, string, string, number, number]>(
    `INSERT OR IGNORE INTO reposts (status_id, reposter, id, author, created_at, pulled) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertDelivery = db.prepare<[string, string, number, number, string]>(
    `INSERT INTO deliveries (status_id, author, audience, delivered, planned, cursor, plan_started, plan_done, created_at, original)
     VALUES (?, ?, ?, 0, 0, NULL, 0, 0, ?, ?)`,
  );
  // A pulled reposter's repost is merged at read time: its delivery is done at once, as a pulled status's is.
  const insertPulledDelivery = db.prepare<[string, string, number, number, number, number, number, string]>(
    `INSERT INTO deliveries (status_id, author, audience, delivered, planned, cursor, plan_started, plan_done, created_at, finished_at, original)
     VALUES (?, ?, ?, ?, ?, NULL, 1, 1, ?, ?, ?)`,
  );
  const select = db.prepare<[string, string], RepostRow>('SELECT * FROM reposts WHERE status_id = ? AND reposter = ?');
  const selectStanding = db
    .prepare<[string], [string, string]>(
      `SELECT r.status_id, r.reposter FROM json_each(?) j
       JOIN reposts r ON r.status_id = json_extract(j.value, '$[0]') AND r.reposter = json_extract(j.value, '$[1]')`,
    )
    .raw();
  const remove = db.prepare<[string, string], RepostRow>(
    'DELETE FROM reposts WHERE status_id = ? AND reposter = ? RETURNING *',
  );
  const deleteDelivery = db.prepare<[string]>('DELETE FROM deliveries WHERE status_id = ?');
  const deletePages = db.prepare<[string]>('DELETE FROM delivery_pages WHERE status_id = ?');
  const byStatus = db.prepare<[string, string, number], RepostRow>(
    'SELECT * FROM reposts WHERE status_id = ? AND id > ? ORDER BY id LIMIT +?',
  );
  const byReposter = db.prepare<[string, string, number], RepostRow>(
    'SELECT * FROM reposts WHERE reposter = ? AND id < ? ORDER BY id DESC LIMIT +?',
  );
  const counts = db
    .prepare<[string], [string, number]>(
      `SELECT j.value, (SELECT COUNT(*) FROM reposts r WHERE r.status_id = j.value) FROM json_each(?) j`,
    )
    .raw();
  const mine = db
    .prepare<[string, string], string>(
      'SELECT r.status_id FROM json_each(?) j JOIN reposts r ON r.status_id = j.value AND r.reposter = ?',
    )
    .pluck();
  // The status itself or another repost of it in the feed: this repost is not written there.
  const addEntry = db.prepare<[string, string, string, string, string, string]>(
    `INSERT OR IGNORE INTO feed_entries (owner, status_id, author, original)
     SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM feed_entries WHERE owner = ? AND status_id = ?)`,
  );
  const removeEntry = db.prepare<[string, string]>(
    'DELETE FROM feed_entries WHERE owner = ? AND status_id = ? AND original IS NOT NULL',
  );

  const create = db.transaction(
    (r: RepostRecord, audience: number, jobs: readonly { name: string; payload: Record<string, unknown> }[]) => {
      if (statusExists.get(r.statusId) === undefined) return null;
      if (insert.run(r.statusId, r.reposter, r.id, r.author, r.createdAt, r.pulled ? 1 : 0).changes === 0) {
        const first = select.get(r.statusId, r.reposter);
        return first ? { repost: toRecord(first), created: false } : null;
      }
      if (r.pulled)
        insertPulledDelivery.run(r.id, r.reposter, audience, audience, audience, r.createdAt, r.createdAt, r.statusId);
      else insertDelivery.run(r.id, r.reposter, audience, r.createdAt, r.statusId);
      insertJobs(db, jobs, clock.now());
      return { repost: r, created: true };
    },
  );
  const del = db.transaction(
    (statusId: string, reposter: string, jobs: readonly { name: string; payload: Record<string, unknown> }[]) => {
      const row = remove.get(statusId, reposter);
      if (!row) return null;
      deleteDelivery.run(row.id);
      deletePages.run(row.id);
      insertJobs(db, jobs, clock.now());
      return toRecord(row);
    },
  );
  const addToFeeds = db.transaction(
    (r: { id: string; statusId: string; reposter: string }, owners: readonly string[]) =>
      owners.filter((o) => addEntry.run(o, r.id, r.reposter, r.statusId, o, r.statusId).changes === 1),
  );
  const removeFromFeeds = db.transaction((id: string, owners: readonly string[]) =>
    owners.filter((o) => removeEntry.run(o, id).changes === 1),
  );

  return {
    async create(repost, options) {
      const jobs = options.outbox ?? [];
      const out = create.immediate(repost, options.audience, jobs);
      if (out?.created && jobs.length > 0) signal.notify();
      return out;
    },
    async get(statusId, reposter) {
      const row = select.get(statusId, reposter);
      return row ? toRecord(row) : null;
    },
    async standing(keys) {
      if (keys.length === 0) return new Set();
      const rows = selectStanding.all(JSON.stringify(keys.map((k) => [k.statusId, k.reposter])));
      return new Set(rows.map(([s, r]) => `${s} ${r}`));
    },
    async delete(statusId, reposter, options) {
      const jobs = options?.outbox ?? [];
      const out = del.immediate(statusId, reposter, jobs);
      if (out && jobs.length > 0) signal.notify();
      return out;
    },
    async byStatus(statusId, { after, limit }) {
      // `after` is the last repost id read (ids sort by time: oldest first).
      const rows = byStatus.all(statusId, after ?? '', limit + 1);
      const items = rows.slice(0, limit).map(toRecord);
      return { items, next: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
    },
    async byReposter(reposter, { before, limit }) {
      return byReposter.all(reposter, before ?? '\u{10FFFF}', limit).map(toRecord);
    },
    async counts(statusIds) {
      if (statusIds.length === 0) return new Map();
      return new Map(counts.all(JSON.stringify(statusIds)).filter(([, n]) => n > 0));
    },
    async recount(statusId) {
      return counts.all(JSON.stringify([statusId]))[0]?.[1] ?? 0;
    },
    async mine(viewer, statusIds) {
      if (statusIds.length === 0) return new Set();
      return new Set(mine.all(JSON.stringify(statusIds), viewer));
    },
    async addToFeeds(repost, owners) {
      return owners.length === 0 ? [] : addToFeeds.immediate(repost, owners);
    },
    async removeFromFeeds(repost, owners) {
      return owners.length === 0 ? [] : removeFromFeeds.immediate(repost.id, owners);
    },
  };
}

function toRecord(row: RepostRow): RepostRecord {
  const r: RepostRecord = {
    id: row.id,
    statusId: row.status_id,
    author: row.author,
    reposter: row.reposter,
    createdAt: row.created_at,
  };
  if (row.pulled === 1) r.pulled = true;
  return r;
}
