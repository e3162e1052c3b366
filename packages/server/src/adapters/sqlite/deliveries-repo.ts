import type { JobRequest } from '../../ports/job-queue.js';
import type { DeliveryRecord, DeliveryRepo, DeliveryState, FeedEntry } from '../../ports/store.js';
import type { Db } from './database.js';
import { insertJobs } from './jobs-table.js';
import type { SqliteStoreOptions } from './store.js';

interface DeliveryRow {
  status_id: string;
  author: string;
  audience: number;
  delivered: number;
  planned: number;
  cursor: string | null;
  plan_started: number;
  plan_done: number;
  created_at: number;
  finished_at: number | null;
}

interface PlannedParams {
  id: string;
  from: string | null;
  to: string | null;
  count: number;
  last: 0 | 1;
  now: number;
}

/** The fan-out progress repository over SQLite: planning is a compare-and-set on the cursor, delivery is per page. */
export function createDeliveriesRepo(db: Db, { clock, signal }: SqliteStoreOptions): DeliveryRepo {
  const select = db.prepare<[string], DeliveryRow>('SELECT * FROM deliveries WHERE status_id = ?');
  const exists = db.prepare<[string], number>('SELECT 1 FROM deliveries WHERE status_id = ?').pluck();
  // SET expressions all read the row as it was before the update, so `planned + @count` is the new total.
  const plan = db.prepare<PlannedParams>(
    `UPDATE deliveries SET
       cursor = @to,
       planned = planned + @count,
       plan_started = 1,
       plan_done = @last,
       audience = CASE WHEN @last = 1 THEN planned + @count ELSE audience END,
       finished_at = CASE
         WHEN @last = 1 AND finished_at IS NULL AND delivered >= planned + @count THEN @now
         ELSE finished_at END
     WHERE status_id = @id AND cursor IS @from AND plan_done = 0`,
  );
  const insertEntry = db.prepare<[string, string, string]>(
    'INSERT OR IGNORE INTO feed_entries (owner, status_id, author) VALUES (?, ?, ?)',
  );
  // One statement for a whole batch of owners: ~20% less CPU than a statement per entry (fewer JS/C++ calls).
  const insertOwners = db.prepare<[string, string, string]>(
    'INSERT OR IGNORE INTO feed_entries (owner, status_id, author) SELECT value, ?, ? FROM json_each(?)',
  );
  const insertPage = db.prepare<[string, string]>(
    'INSERT OR IGNORE INTO delivery_pages (status_id, page_key) VALUES (?, ?)',
  );
  const addDelivered = db.prepare<[number, string]>(
    'UPDATE deliveries SET delivered = delivered + ? WHERE status_id = ?',
  );
  const finish = db.prepare<[number, string]>(
    `UPDATE deliveries SET finished_at = ?
     WHERE status_id = ? AND plan_done = 1 AND delivered >= audience AND finished_at IS NULL`,
  );

  const recordPlanned = db.transaction((p: PlannedParams, jobs: readonly JobRequest[]): boolean => {
    if (plan.run(p).changes === 0) return false;
    insertJobs(db, jobs, p.now);
    return true;
  });

  const deliverPage = db.transaction(
    (statusId: string, pageKey: string, entries: readonly FeedEntry[], now: number): number => {
      // The status was deleted: its retraction must not race with late pages writing it back.
      if (exists.get(statusId) === undefined) return 0;
      let added = 0;
      const first = entries[0];
      if (first && entries.every((e) => e.statusId === first.statusId && e.author === first.author)) {
        added = insertOwners.run(first.statusId, first.author, JSON.stringify(entries.map((e) => e.owner))).changes;
      } else {
        for (const e of entries) added += insertEntry.run(e.owner, e.statusId, e.author).changes;
      }
      if (insertPage.run(statusId, pageKey).changes === 1) addDelivered.run(entries.length, statusId);
      finish.run(now, statusId);
      return added;
    },
  );

  return {
    async get(statusId) {
      const row = select.get(statusId);
      return row ? toRecord(row) : null;
    },
    async recordPlanned(statusId, step, options) {
      const jobs = options?.outbox ?? [];
      const params: PlannedParams = {
        id: statusId,
        from: step.from,
        to: step.to,
        count: step.count,
        last: step.last ? 1 : 0,
        now: clock.now(),
      };
      const applied = recordPlanned.immediate(params, jobs);
      if (applied && jobs.length > 0) signal.notify();
      return applied;
    },
    async deliverPage(statusId, pageKey, entries, now) {
      return deliverPage.immediate(statusId, pageKey, entries, now);
    },
  };
}

function toRecord(row: DeliveryRow): DeliveryRecord {
  return {
    statusId: row.status_id,
    author: row.author,
    state: stateOf(row),
    audience: row.audience,
    delivered: row.delivered,
    planned: row.planned,
    cursor: row.cursor,
    planDone: row.plan_done === 1,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

function stateOf(row: DeliveryRow): DeliveryState {
  if (row.finished_at !== null || (row.plan_done === 1 && row.delivered >= row.audience)) return 'done';
  if (row.plan_started === 1 || row.planned > 0 || row.cursor !== null) return 'running';
  return 'queued';
}
