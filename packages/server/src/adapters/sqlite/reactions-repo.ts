import { REACTION_KINDS, ReactionKind } from '@tweeter/shared';
import type { ReactionRepo, ReactionTally, ReactionTargetType } from '../../ports/store.js';
import type { Db } from './database.js';

interface CountRow {
  target: string;
  kind: string;
  count: number;
}

type Change = { changed: boolean; counts: ReactionTally };

/** Reactions over SQLite: one row per (target, alias, kind) and a counter per (target, kind), changed together. */
export function createReactionsRepo(db: Db): ReactionRepo {
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
  const selectManyCounts = db.prepare<[string], CountRow>(
    'SELECT * FROM reaction_counts WHERE target IN (SELECT value FROM json_each(?))',
  );
  const selectMine = db.prepare<[string, string], { target: string; kind: string }>(
    'SELECT target, kind FROM reactions WHERE target IN (SELECT value FROM json_each(?)) AND alias = ?',
  );
  const purgeRows = db.prepare<[string]>('DELETE FROM reactions WHERE target = ?');
  const purgeCounts = db.prepare<[string]>('DELETE FROM reaction_counts WHERE target = ?');

  const tally = (target: string): ReactionTally => {
    const counts = zero();
    for (const row of selectCounts.all(target)) counts[ReactionKind.parse(row.kind)] = row.count;
    return counts;
  };

  const add = db.transaction((target: string, alias: string, kind: ReactionKind, createdAt: number): Change => {
    const changed = insert.run(target, alias, kind, createdAt).changes === 1;
    if (changed) bump.run(target, kind, 1);
    return { changed, counts: tally(target) };
  });

  const take = db.transaction((target: string, alias: string, kind: ReactionKind): Change => {
    const changed = remove.run(target, alias, kind).changes === 1;
    if (changed) bump.run(target, kind, -1);
    return { changed, counts: tally(target) };
  });

  const purge = db.transaction((targets: readonly string[]): number => {
    let removed = 0;
    for (const target of targets) {
      removed += purgeRows.run(target).changes;
      purgeCounts.run(target);
    }
    return removed;
  });

  return {
    async add(type, id, alias, kind, createdAt) {
      return add.immediate(key(type, id), alias, kind, createdAt);
    },
    async remove(type, id, alias, kind) {
      return take.immediate(key(type, id), alias, kind);
    },
    async counts(type, ids) {
      const counts = new Map<string, ReactionTally>();
      if (ids.length === 0) return counts;
      const rows = selectManyCounts.all(JSON.stringify(ids.map((id) => key(type, id))));
      for (const row of rows) {
        const id = idOf(type, row.target);
        const c = counts.get(id) ?? zero();
        c[ReactionKind.parse(row.kind)] = row.count;
        counts.set(id, c);
      }
      return counts;
    },
    async mine(type, alias, ids) {
      const mine = new Map<string, ReactionKind[]>();
      if (ids.length === 0) return mine;
      for (const row of selectMine.all(JSON.stringify(ids.map((id) => key(type, id))), alias)) {
        const id = idOf(type, row.target);
        mine.set(id, [...(mine.get(id) ?? []), ReactionKind.parse(row.kind)]);
      }
      // A stable order for clients: the order kinds are declared in.
      for (const [id, kinds] of mine)
        mine.set(
          id,
          REACTION_KINDS.filter((k) => kinds.includes(k)),
        );
      return mine;
    },
    async purge(type, ids) {
      return ids.length === 0 ? 0 : purge.immediate(ids.map((id) => key(type, id)));
    },
  };
}

function key(type: ReactionTargetType, id: string): string {
  return `${type}:${id}`;
}

function idOf(type: ReactionTargetType, target: string): string {
  return target.slice(type.length + 1);
}

function zero(): ReactionTally {
  return { like: 0, heart: 0 };
}
