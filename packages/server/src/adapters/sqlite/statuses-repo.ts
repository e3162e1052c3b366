import type { Segment } from '@tweeter/shared';
import { IDEMPOTENCY_KEY_TTL_MS } from '../../domain/idempotency.js';
import type { JobRequest } from '../../ports/job-queue.js';
import type { MediaImage, StatusRecord, StatusRepo } from '../../ports/store.js';
import { replyPlacer } from './comments-repo.js';
import { quotePlacer } from './quotes-repo.js';
import type { Db } from './database.js';
import { insertJobs } from './jobs-table.js';
import type { SqliteStoreOptions } from './store.js';

export interface StatusRow {
  id: string;
  author: string;
  post: string;
  segments: string;
  created_at: number;
  pulled: number;
  media: string | null;
  refs: string | null;
}

interface CreateParams {
  status: StatusRecord;
  idempotencyKey: string | undefined;
  audience: number;
  jobs: readonly JobRequest[];
}

type Created = { status: StatusRecord; created: boolean; parentGone?: true };

/**
 * The statuses repository over SQLite; a new status gets its delivery record, its outbox jobs, (a reply) its place
 * in its thread and (a quote) its quoted status's edge, counted, in one transaction.
 */
export function createStatusesRepo(db: Db, { clock, signal }: SqliteStoreOptions): StatusRepo {
  const insertStatus = db.prepare<[string, string, string, string, number, number, string | null, string | null]>(
    'INSERT INTO statuses (id, author, post, segments, created_at, pulled, media, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const adoptStatus = db.prepare<[string, string, string, string, number, string | null]>(
    `INSERT INTO statuses (id, author, post, segments, created_at, pulled, media, refs)
     VALUES (?, ?, ?, ?, ?, 0, NULL, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const insertKey = db.prepare<[string, string, string, number]>(
    // A key left pointing at a missing status (never expected) is reused rather than failing the post.
    `INSERT INTO idempotency_keys (author, key, status_id, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (author, key) DO UPDATE SET status_id = excluded.status_id, created_at = excluded.created_at`,
  );
  const insertDelivery = db.prepare<[string, string, number, number]>(
    `INSERT INTO deliveries (status_id, author, audience, delivered, planned, cursor, plan_started, plan_done, created_at)
     VALUES (?, ?, ?, 0, 0, NULL, 0, 0, ?)`,
  );
  // A pulled status is not fanned out: its delivery is done at once, with every follower counted as reached.
  const insertPulledDelivery = db.prepare<[string, string, number, number, number, number, number]>(
    `INSERT INTO deliveries (status_id, author, audience, delivered, planned, cursor, plan_started, plan_done, created_at, finished_at)
     VALUES (?, ?, ?, ?, ?, NULL, 1, 1, ?, ?)`,
  );
  const selectKey = db
    .prepare<[string, string, number], string>(
      'SELECT status_id FROM idempotency_keys WHERE author = ? AND key = ? AND created_at > ?',
    )
    .pluck();
  const deleteOldKeys = db.prepare<[number, number]>(
    `DELETE FROM idempotency_keys WHERE (author, key) IN (
       SELECT author, key FROM idempotency_keys WHERE created_at <= ? ORDER BY created_at LIMIT +?)`,
  );
  const select = db.prepare<[string], StatusRow>('SELECT * FROM statuses WHERE id = ?');
  const selectMany = db.prepare<[string], StatusRow>(
    'SELECT * FROM statuses WHERE id IN (SELECT value FROM json_each(?))',
  );
  // Only replies and quotes have `refs`: a plain status is passed over without building its record.
  const selectRefs = db.prepare<[string], { id: string; refs: string }>(
    'SELECT id, refs FROM statuses WHERE id IN (SELECT value FROM json_each(?)) AND refs IS NOT NULL',
  );
  const selectStory = db.prepare<[string, number], StatusRow>(
    'SELECT * FROM statuses WHERE author = ? ORDER BY id DESC LIMIT +?',
  );
  const selectPosts = db.prepare<[string, string, number], { id: string; post: string; createdAt: number }>(
    'SELECT id, post, created_at AS createdAt FROM statuses WHERE author = ? AND id < ? ORDER BY id DESC LIMIT +?',
  );
  const selectStoryBefore = db.prepare<[string, string, number], StatusRow>(
    'SELECT * FROM statuses WHERE author = ? AND id < ? ORDER BY id DESC LIMIT +?',
  );
  const deleteStatus = db.prepare<[string], string>('DELETE FROM statuses WHERE id = ? RETURNING author').pluck();
  const markDeleted = db.prepare<[string]>('INSERT INTO deleted_statuses (id) VALUES (?) ON CONFLICT DO NOTHING');
  const selectDeleted = db.prepare<[string], 1>('SELECT 1 FROM deleted_statuses WHERE id = ?').pluck();
  const deleteDelivery = db.prepare<[string]>('DELETE FROM deliveries WHERE status_id = ?');
  const deletePages = db.prepare<[string]>('DELETE FROM delivery_pages WHERE status_id = ?');
  // The key table is keyed by (author, key): this scans one author's keys, which only a delete needs.
  const deleteKeys = db.prepare<[string, string]>('DELETE FROM idempotency_keys WHERE author = ? AND status_id = ?');

  const placeReply = replyPlacer(db);
  const placeQuote = quotePlacer(db);

  const create = db.transaction((p: CreateParams): Created => {
    const { status, idempotencyKey } = p;
    if (idempotencyKey !== undefined) {
      const existingId = selectKey.get(status.author, idempotencyKey, status.createdAt - IDEMPOTENCY_KEY_TTL_MS);
      const existing = existingId === undefined ? undefined : select.get(existingId);
      if (existing) return { status: toRecord(existing), created: false };
    }
    const { id, author, post, segments, createdAt } = status;
    const media = status.media?.length ? JSON.stringify(status.media) : null;
    const pulled = status.pulled === true ? 1 : 0;
    insertStatus.run(id, author, post, JSON.stringify(segments), createdAt, pulled, media, refsOf(status));
    if (idempotencyKey !== undefined) insertKey.run(status.author, idempotencyKey, status.id, status.createdAt);
    if (status.pulled === true) {
      insertPulledDelivery.run(id, author, p.audience, p.audience, p.audience, createdAt, createdAt);
    } else insertDelivery.run(status.id, status.author, p.audience, status.createdAt);
    insertJobs(db, p.jobs, clock.now());
    if (status.inReplyToId !== undefined) {
      const placed = placeReply({ id, statusId: status.inReplyToId, author, text: post, createdAt, deleted: false });
      if (!placed) return { status, created: true, parentGone: true };
    }
    if (status.quoteOfId !== undefined) placeQuote({ quotedId: status.quoteOfId, id, author });
    return { status, created: true };
  });

  const remove = db.transaction((id: string, jobs: readonly JobRequest[]): boolean => {
    const author = deleteStatus.get(id);
    if (author === undefined) return false;
    markDeleted.run(id);
    deleteDelivery.run(id);
    deletePages.run(id);
    deleteKeys.run(author, id);
    insertJobs(db, jobs, clock.now());
    return true;
  });

  return {
    async create(status, options) {
      const jobs = options.outbox ?? [];
      const result = create.immediate({
        status,
        idempotencyKey: options.idempotencyKey,
        audience: options.audience,
        jobs,
      });
      if (result.created && jobs.length > 0) signal.notify();
      return result;
    },
    async get(id) {
      const row = select.get(id);
      return row ? toRecord(row) : null;
    },
    async adopt(status) {
      const { id, author, post, segments, createdAt } = status;
      return adoptStatus.run(id, author, post, JSON.stringify(segments), createdAt, refsOf(status)).changes === 1;
    },
    async getMany(ids) {
      const statuses = new Map<string, StatusRecord>();
      if (ids.length === 0) return statuses;
      for (const row of selectMany.all(JSON.stringify(ids))) statuses.set(row.id, toRecord(row));
      return statuses;
    },
    async replyParents(ids) {
      const parents = new Map<string, string>();
      if (ids.length === 0) return parents;
      for (const row of selectRefs.all(JSON.stringify(ids))) {
        const { inReplyToAuthor } = parseRefs(row.refs);
        if (inReplyToAuthor !== undefined) parents.set(row.id, inReplyToAuthor);
      }
      return parents;
    },
    async byAuthor(author, range) {
      const rows =
        range.before === undefined
          ? selectStory.all(author, range.limit)
          : selectStoryBefore.all(author, range.before, range.limit);
      return rows.map(toRecord);
    },
    async postsByAuthor(author, range) {
      // Ids are Crockford base32: U+10FFFF sorts after every one of them.
      return selectPosts.all(author, range.before ?? '\u{10FFFF}', range.limit);
    },
    async delete(id, options) {
      const jobs = options?.outbox ?? [];
      const removed = remove.immediate(id, jobs);
      if (removed && jobs.length > 0) signal.notify();
      return removed;
    },
    async wasDeleted(id) {
      return selectDeleted.get(id) !== undefined;
    },
    async deleteExpiredKeys(before, limit) {
      return deleteOldKeys.run(before, limit).changes;
    },
  };
}

export function toRecord(row: StatusRow): StatusRecord {
  return {
    id: row.id,
    author: row.author,
    post: row.post,
    segments: parseSegments(row.segments),
    createdAt: row.created_at,
    ...(row.pulled === 1 ? { pulled: true } : {}),
    ...(row.media ? { media: parseMedia(row.media) } : {}),
    ...(row.refs ? parseRefs(row.refs) : {}),
  };
}

type Refs = Pick<StatusRecord, 'inReplyToId' | 'inReplyToAuthor' | 'quoteOfId'>;

// The `refs` column: what a reply or a quote points at; NULL for a plain status.
function refsOf(status: StatusRecord): string | null {
  const { inReplyToId, inReplyToAuthor, quoteOfId } = status;
  if (inReplyToId === undefined && quoteOfId === undefined) return null;
  return JSON.stringify({ inReplyToId, inReplyToAuthor, quoteOfId });
}

function parseRefs(text: string): Refs {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const refs: Refs = {};
  if (typeof v.inReplyToId === 'string') refs.inReplyToId = v.inReplyToId;
  if (typeof v.inReplyToAuthor === 'string') refs.inReplyToAuthor = v.inReplyToAuthor;
  if (typeof v.quoteOfId === 'string') refs.quoteOfId = v.quoteOfId;
  return refs;
}

function parseMedia(text: string): MediaImage[] {
  const value: unknown = JSON.parse(text);
  // Written by this adapter from typed records, so the elements are trusted.
  return Array.isArray(value) ? (value as MediaImage[]) : [];
}

function parseSegments(text: string): Segment[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error(`statuses.segments: expected a JSON array, got ${text.slice(0, 40)}`);
  // Written by this adapter from typed records, so the elements are trusted.
  return value as Segment[];
}
