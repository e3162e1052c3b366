import { REACTION_KINDS, type ReactionKind } from '@tweeter/shared';
import type { JobRequest } from '../../ports/job-queue.js';
import type { ReactionChange, ReactionRepo, ReactionTally, ReactionTargetType } from '../../ports/store.js';
import type { Db } from './database.js';
import { insertJobs } from './jobs-table.js';
import { createNotificationWrites } from './notification-writes.js';
import { createReactionNotify } from './reaction-notify.js';
import type { SqliteStoreOptions } from './store.js';

/** A write's answer inside the repo: how many outbox jobs it queued (the job threads are woken for those only). */
type Written = ReactionChange & { queued?: number };

interface CountRow {
  target: string;
  kind: string;
  count: number;
}

/**
 * Reactions over SQLite: one row per (target, alias, kind) and a counter per (target, kind), changed together; a
 * reaction to a status is written only in a transaction that sees the status row.
 */
export function createReactionsRepo(db: Db, { clock, signal }: SqliteStoreOptions): ReactionRepo {
  // A reaction's notify event is written in the reaction's transaction, not queued (reaction-notify.ts).
  const notifyInline = createReactionNotify(db, createNotificationWrites(db));
  const insert = db.prepare<[string, string, string, number]>(
    'INSERT OR IGNORE INTO reactions (target, alias, kind, created_at) VALUES (?, ?, ?, ?)',
  );
  const remove = db.prepare<[string, string, string]>(
    'DELETE FROM reactions WHERE target = ? AND alias = ? AND kind = ?',
  );
  const bump = db.prepare<[string, string, number]>(
    `INSERT INTO reaction_counts (target, kind, count) VALUES (?, ?, ?)
     ON CONFLICT (target, kind) DO UPDATE SET count = count + excluded.count`,
  );
  const selectCounts = db.prepare<[string], CountRow>('SELECT * FROM reaction_counts WHERE target = ?');
  // The batched reads run for every page of statuses or messages: a join from the id list (a key seek per id,
  // no temporary index as `IN (SELECT ...)` builds) and rows as arrays, which cross into JavaScript cheaper.
  const selectManyCounts = db
    .prepare<[string], [string, string, number]>(
      'SELECT r.target, r.kind, r.count FROM json_each(?) j JOIN reaction_counts r ON r.target = j.value',
    )
    .raw();
  const selectMine = db
    .prepare<[string, string], [string, string]>(
      'SELECT m.target, m.kind FROM json_each(?) j JOIN reactions m ON m.target = j.value AND m.alias = ?',
    )
    .raw();
  const selectMineOne = db
    .prepare<[string, string], string>('SELECT kind FROM reactions WHERE target = ? AND alias = ?')
    .pluck();
  // Key order (target, kind) from the cursor on: the (alias, target, kind) index, a seek per page.
  const selectByUser = db.prepare<
    [string, string, string, number],
    { target: string; kind: string; created_at: number }
  >(
    `SELECT target, kind, created_at FROM reactions WHERE alias = ? AND (target, kind) > (?, ?)
     ORDER BY target, kind LIMIT +?`,
  );
  const statusExists = db.prepare<[string], 1>('SELECT 1 FROM statuses WHERE id = ?').pluck();
  // A block either way between the reacting alias and the target's author (domain/visibility.ts's `blocked`).
  const blockedEither = db
    .prepare<[string, string, string, string], 1>(
      `SELECT 1 FROM relations WHERE owner = ? AND target = ? AND kind = 'block'
       UNION ALL SELECT 1 FROM relations WHERE owner = ? AND target = ? AND kind = 'block' LIMIT 1`,
    )
    .pluck();
  // Bounded: a status with 100,000 reactions is purged in many short transactions, not one long one.
  const purgeRows = db.prepare<[string, number]>(
    `DELETE FROM reactions WHERE (target, alias, kind) IN (
       SELECT target, alias, kind FROM reactions WHERE target IN (SELECT value FROM json_each(?)) LIMIT +?)`,
  );
  const purgeCounts = db.prepare<[string]>(
    `DELETE FROM reaction_counts WHERE target IN (SELECT value FROM json_each(?))
       AND NOT EXISTS (SELECT 1 FROM reactions r WHERE r.target = reaction_counts.target)`,
  );
  const clearCounts = db.prepare<[string]>('DELETE FROM reaction_counts WHERE target = ?');
  const countRows = db.prepare<[string]>(
    'INSERT INTO reaction_counts (target, kind, count) SELECT target, kind, count(*) FROM reactions WHERE target = ? GROUP BY kind',
  );

  const tally = (target: string): ReactionTally => {
    const counts = zero();
    for (const row of selectCounts.all(target)) counts[kindOf(row.kind)] = row.count;
    return counts;
  };

  // The alias's kinds in declared order: read inside a reaction's write, so its answer needs no read of its own.
  const mineOf = (target: string, alias: string): ReactionKind[] => {
    const kinds = selectMineOne.all(target, alias);
    return REACTION_KINDS.filter((k) => kinds.includes(k));
  };

  const add = db.transaction(
    (
      type: ReactionTargetType,
      id: string,
      alias: string,
      kind: ReactionKind,
      createdAt: number,
      jobs: readonly JobRequest[],
      unlessBlockedWith: string | undefined,
    ): Written | null => {
      if (type === 'status' && statusExists.get(id) === undefined) return null;
      if (unlessBlockedWith !== undefined && blockedEither.get(alias, unlessBlockedWith, unlessBlockedWith, alias))
        return null;
      const target = key(type, id);
      const changed = insert.run(target, alias, kind, createdAt).changes === 1;
      if (!changed) return { changed, counts: tally(target), mine: mineOf(target, alias) };
      bump.run(target, kind, 1);
      const { queued, notified } = notifyInline(jobs);
      insertJobs(db, queued, clock.now());
      return { changed, counts: tally(target), mine: mineOf(target, alias), notified, queued: queued.length };
    },
  );

  const take = db.transaction(
    (target: string, alias: string, kind: ReactionKind, jobs: readonly JobRequest[]): Written => {
      const changed = remove.run(target, alias, kind).changes === 1;
      if (!changed) return { changed, counts: tally(target), mine: mineOf(target, alias) };
      bump.run(target, kind, -1);
      const { queued, notified } = notifyInline(jobs);
      insertJobs(db, queued, clock.now());
      return { changed, counts: tally(target), mine: mineOf(target, alias), notified, queued: queued.length };
    },
  );

  const purge = db.transaction((targets: string, limit: number): number => {
    const removed = purgeRows.run(targets, limit).changes;
    purgeCounts.run(targets);
    return removed;
  });

  const recount = db.transaction((target: string): ReactionTally => {
    clearCounts.run(target);
    countRows.run(target);
    return tally(target);
  });

  return {
    checksBlocks: true,
    async byUser(alias, range) {
      // The cursor is the last row's `target kind` (a space never occurs in a target or a kind).
      const [target = '', kind = ''] = range.after?.split(' ') ?? [];
      const rows = selectByUser.all(alias, target, kind, range.limit);
      const items = rows.map((row) => {
        const type: ReactionTargetType = row.target.startsWith('message:') ? 'message' : 'status';
        return { type, targetId: idOf(type, row.target), kind: kindOf(row.kind), createdAt: row.created_at };
      });
      const last = rows.at(-1);
      return { items, next: rows.length === range.limit && last ? `${last.target} ${last.kind}` : null };
    },
    async add(type, id, alias, kind, createdAt, options) {
      const jobs = options?.outbox ?? [];
      const result = add.immediate(type, id, alias, kind, createdAt, jobs, options?.unlessBlockedWith);
      if (!result) return null;
      const { queued, ...change } = result;
      if (queued) signal.notify();
      return change;
    },
    async remove(type, id, alias, kind, options) {
      const jobs = options?.outbox ?? [];
      const { queued, ...change } = take.immediate(key(type, id), alias, kind, jobs);
      if (queued) signal.notify();
      return change;
    },
    async counts(type, ids) {
      const counts = new Map<string, ReactionTally>();
      if (ids.length === 0) return counts;
      for (const [target, kind, count] of selectManyCounts.all(JSON.stringify(ids.map((id) => key(type, id))))) {
        const id = idOf(type, target);
        const c = counts.get(id) ?? zero();
        c[kindOf(kind)] = count;
        counts.set(id, c);
      }
      return counts;
    },
    async mine(type, alias, ids) {
      const mine = new Map<string, ReactionKind[]>();
      if (ids.length === 0) return mine;
      if (ids.length === 1) {
        // One target (the answer to a reaction): a key seek, without the JSON list.
        const [id = ''] = ids;
        const kinds = selectMineOne.all(key(type, id), alias);
        if (kinds.length > 0)
          mine.set(
            id,
            REACTION_KINDS.filter((k) => kinds.includes(k)),
          );
        return mine;
      }
      for (const [target, kind] of selectMine.all(JSON.stringify(ids.map((id) => key(type, id))), alias)) {
        const id = idOf(type, target);
        mine.set(id, [...(mine.get(id) ?? []), kindOf(kind)]);
      }
      // A stable order for clients: the order kinds are declared in.
      for (const [id, kinds] of mine)
        mine.set(
          id,
          REACTION_KINDS.filter((k) => kinds.includes(k)),
        );
      return mine;
    },
    async purge(type, ids, limit) {
      return ids.length === 0 ? 0 : purge.immediate(JSON.stringify(ids.map((id) => key(type, id))), limit);
    },
    async recount(type, id) {
      return recount.immediate(key(type, id));
    },
  };
}

function key(type: ReactionTargetType, id: string): string {
  return `${type}:${id}`;
}

function idOf(type: ReactionTargetType, target: string): string {
  return target.slice(type.length + 1);
}

// A kind read back from the table: checked against the declared kinds (cheaper than a schema parse per row).
function kindOf(text: string): ReactionKind {
  const kind = REACTION_KINDS.find((k) => k === text);
  if (kind === undefined) throw new Error(`reactions.kind: unknown kind ${JSON.stringify(text)}`);
  return kind;
}

function zero(): ReactionTally {
  return { like: 0, heart: 0 };
}
