import type { JobRequest } from '../../ports/job-queue.js';
import type { KeyPage, RangeOptions, RelationAdd, RelationEdge, RelationRepo } from '../../ports/store.js';
import type { Db } from './database.js';
import { insertJobs } from './jobs-table.js';
import type { SqliteStoreOptions } from './store.js';

// Aliases are [a-z0-9_]: a space never occurs in one.
const edgeKey = (e: RelationEdge): string => `${e.owner} ${e.kind} ${e.target}`;

/** Blocks and mutes over SQLite: `relations` keyed by owner, its index `relations_by_target` for the other way. */
export function createRelationsRepo(db: Db, { clock, signal }: SqliteStoreOptions): RelationRepo {
  const insert = db.prepare<[string, string, string, number]>(
    'INSERT OR IGNORE INTO relations (owner, kind, target, created_at) VALUES (?, ?, ?, ?)',
  );
  const remove = db.prepare<[string, string, string]>(
    'DELETE FROM relations WHERE owner = ? AND kind = ? AND target = ?',
  );
  const selectEdge = db
    .prepare<[string, string, string], number>('SELECT 1 FROM relations WHERE owner = ? AND kind = ? AND target = ?')
    .pluck();
  // Counting stops at the bound: the check costs at most `max` index entries.
  const countUpTo = db
    .prepare<[string, string, number], number>(
      'SELECT count(*) FROM (SELECT 1 FROM relations WHERE owner = ? AND kind = ? LIMIT +?)',
    )
    .pluck();
  const count = db
    .prepare<[string, string], number>('SELECT count(*) FROM relations WHERE owner = ? AND kind = ?')
    .pluck();
  // One statement however many pairs are asked about; CROSS JOIN keeps json_each the outer loop (key lookups).
  const selectEdges = db.prepare<[string], RelationEdge>(
    `SELECT r.owner, r.kind, r.target FROM json_each(?) AS j
       CROSS JOIN relations AS r ON r.owner = j.value ->> 0 AND r.kind = j.value ->> 1 AND r.target = j.value ->> 2`,
  );
  // `around`: the viewer's own edges to the others, and the others' edges to the viewer, as two key seeks per other
  // (primary key, then relations_by_target) from one list of aliases; `existing` of the same pairs would take
  // every pair's three fields out of JSON first, which made it the costliest read of a feed page.
  const selectAround = db.prepare<{ viewer: string; others: string; out: string; into: string }, RelationEdge>(
    `SELECT r.owner, r.kind, r.target FROM json_each(@others) AS o
       CROSS JOIN json_each(@out) AS k CROSS JOIN relations AS r ON r.owner = @viewer AND r.kind = k.value AND r.target = o.value
     UNION ALL
     SELECT r.owner, r.kind, r.target FROM json_each(@others) AS o
       CROSS JOIN json_each(@into) AS k CROSS JOIN relations AS r ON r.target = @viewer AND r.kind = k.value AND r.owner = o.value`,
  );
  const selectTargets = db
    .prepare<[string, string, string, number], string>(
      'SELECT target FROM relations WHERE owner = ? AND kind = ? AND target > ? ORDER BY target LIMIT +?',
    )
    .pluck();
  // Whether anyone has an edge of this kind to the target (relations_by_target): one seek, and no pair to check if not.
  const anyOwner = db
    .prepare<[string, string], number>('SELECT 1 FROM relations WHERE target = ? AND kind = ? LIMIT 1')
    .pluck();
  const selectOwnersAmong = db
    .prepare<[string, string, string], string>(
      `SELECT j.value FROM json_each(?) j
       WHERE EXISTS (SELECT 1 FROM relations r WHERE r.owner = j.value AND r.kind = ? AND r.target = ?)`,
    )
    .pluck();
  const selectOwners = db
    .prepare<[string, string, string, number], string>(
      'SELECT owner FROM relations WHERE target = ? AND kind = ? AND owner > ? ORDER BY owner LIMIT +?',
    )
    .pluck();

  const add = db.transaction(
    (edge: RelationEdge, createdAt: number, max: number, jobs: readonly JobRequest[]): RelationAdd => {
      if (selectEdge.get(edge.owner, edge.kind, edge.target) !== undefined) return 'exists';
      if ((countUpTo.get(edge.owner, edge.kind, max) ?? 0) >= max) return 'full';
      insert.run(edge.owner, edge.kind, edge.target, createdAt);
      insertJobs(db, jobs, clock.now());
      return 'added';
    },
  );

  return {
    async add(edge, options) {
      const jobs = options.outbox ?? [];
      const result = add.immediate(edge, options.createdAt, options.max, jobs);
      if (result === 'added' && jobs.length > 0) signal.notify();
      return result;
    },
    async remove(edge) {
      return remove.run(edge.owner, edge.kind, edge.target).changes > 0;
    },
    async around(viewer, others, kinds) {
      if (others.length === 0 || kinds.out.length + kinds.into.length === 0) return [];
      const [out, into] = [JSON.stringify(kinds.out), JSON.stringify(kinds.into)];
      return selectAround.all({ viewer, others: JSON.stringify(others), out, into });
    },
    async ownersAmong(target, kind, owners) {
      if (owners.length === 0 || anyOwner.get(target, kind) === undefined) return [];
      return selectOwnersAmong.all(JSON.stringify(owners), kind, target);
    },
    async existing(edges) {
      if (edges.length === 0) return [];
      const rows = selectEdges.all(JSON.stringify(edges.map((e) => [e.owner, e.kind, e.target])));
      const found = new Set(rows.map(edgeKey));
      return edges.filter((e) => found.has(edgeKey(e)));
    },
    async targets(owner, kind, range) {
      return readPage(selectTargets.all(owner, kind, range.after ?? '', range.limit + 1), range);
    },
    async owners(target, kind, range) {
      return readPage(selectOwners.all(target, kind, range.after ?? '', range.limit + 1), range);
    },
    async recount(owner, kind) {
      return count.get(owner, kind) ?? 0;
    },
  };
}

/** `rows` holds up to limit + 1 keys: the extra one only tells that another page exists. */
function readPage(rows: string[], range: RangeOptions): KeyPage<string> {
  if (rows.length <= range.limit) return { items: rows, next: null };
  const items = rows.slice(0, range.limit);
  return { items, next: items.at(-1) ?? null };
}
