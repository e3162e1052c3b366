import type { Db } from './database.js';
import { migrateCommentsToReplies } from './migrate-replies.js';

/** Versioned schema changes, applied in order at start; never edit a released one, add a new one. */
export const MIGRATIONS: readonly {
  version: number;
  name: string;
  sql: string;
  /** Data changes SQL alone cannot make, run in the migration's transaction after `sql`. */
  run?: (db: Db) => void;
}[] = [
  {
    version: 1,
    name: 'core: users, sessions, follows, statuses, feeds, deliveries, jobs',
    sql: `
      CREATE TABLE users (
        alias TEXT PRIMARY KEY,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        image_key TEXT,
        created_at INTEGER NOT NULL,
        follower_count INTEGER NOT NULL DEFAULT 0,
        followee_count INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        alias TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_expiry ON sessions (expires_at);

      -- Both directions are keyed tables, as a DynamoDB table and its inverted index would be.
      CREATE TABLE follows (
        follower TEXT NOT NULL,
        followee TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (follower, followee)
      ) WITHOUT ROWID;
      CREATE TABLE followers (
        followee TEXT NOT NULL,
        follower TEXT NOT NULL,
        PRIMARY KEY (followee, follower)
      ) WITHOUT ROWID;

      CREATE TABLE statuses (
        id TEXT PRIMARY KEY,
        author TEXT NOT NULL,
        post TEXT NOT NULL,
        segments TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX statuses_story ON statuses (author, id);

      CREATE TABLE idempotency_keys (
        author TEXT NOT NULL,
        key TEXT NOT NULL,
        status_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (author, key)
      ) WITHOUT ROWID;
      CREATE INDEX idempotency_by_status ON idempotency_keys (status_id);

      CREATE TABLE feed_entries (
        owner TEXT NOT NULL,
        status_id TEXT NOT NULL,
        author TEXT NOT NULL,
        PRIMARY KEY (owner, status_id)
      ) WITHOUT ROWID;
      CREATE INDEX feed_by_author ON feed_entries (owner, author);

      CREATE TABLE deliveries (
        status_id TEXT PRIMARY KEY,
        author TEXT NOT NULL,
        audience INTEGER NOT NULL,
        delivered INTEGER NOT NULL DEFAULT 0,
        planned INTEGER NOT NULL DEFAULT 0,
        cursor TEXT,
        plan_started INTEGER NOT NULL DEFAULT 0,
        plan_done INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      ) WITHOUT ROWID;
      CREATE TABLE delivery_pages (
        status_id TEXT NOT NULL,
        page_key TEXT NOT NULL,
        PRIMARY KEY (status_id, page_key)
      ) WITHOUT ROWID;

      -- The durable job queue (same file, so a write and its jobs commit together).
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        run_at INTEGER NOT NULL,
        receipt TEXT,
        last_error TEXT,
        enqueued_at INTEGER NOT NULL
      );
      CREATE INDEX jobs_ready ON jobs (run_at, id);

      CREATE TABLE dead_jobs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_error TEXT NOT NULL,
        enqueued_at INTEGER NOT NULL,
        died_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'social: boards, members, messages, reactions, comments, audit log',
    sql: `
      CREATE TABLE boards (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        visibility TEXT NOT NULL,
        owner TEXT NOT NULL,
        member_count INTEGER NOT NULL DEFAULT 0,
        retention_days INTEGER,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- As DynamoDB indexes would be: boards by visibility (public listing), and a sparse one for retention.
      CREATE INDEX boards_by_visibility ON boards (visibility, id);
      CREATE INDEX boards_with_retention ON boards (id) WHERE retention_days IS NOT NULL;

      CREATE TABLE board_members (
        board_id TEXT NOT NULL,
        alias TEXT NOT NULL,
        role TEXT NOT NULL,
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (board_id, alias)
      ) WITHOUT ROWID;
      CREATE INDEX member_boards ON board_members (alias, board_id);

      CREATE TABLE board_messages (
        board_id TEXT NOT NULL,
        id TEXT NOT NULL,
        author TEXT NOT NULL,
        topic TEXT,
        text TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (board_id, id)
      ) WITHOUT ROWID;

      -- target is 'status:<id>' or 'message:<id>'; counts are kept beside the rows, changed in the same transaction.
      CREATE TABLE reactions (
        target TEXT NOT NULL,
        alias TEXT NOT NULL,
        kind TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (target, alias, kind)
      ) WITHOUT ROWID;
      CREATE TABLE reaction_counts (
        target TEXT NOT NULL,
        kind TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (target, kind)
      ) WITHOUT ROWID;

      CREATE TABLE comments (
        id TEXT PRIMARY KEY,
        status_id TEXT NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE INDEX comments_by_status ON comments (status_id, id);
      CREATE TABLE comment_counts (
        status_id TEXT PRIMARY KEY,
        count INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE audit_log (
        scope TEXT NOT NULL,
        id TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (scope, id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'expiry sweep: idempotency keys by age',
    sql: `
      -- The scheduled sweep removes keys past their lifetime oldest first, in bounded batches.
      CREATE INDEX idempotency_expiry ON idempotency_keys (created_at);
    `,
  },
  {
    version: 4,
    name: 'hybrid fan-out: pulled accounts',
    sql: `
      -- The id of an account's first status merged at read time instead of fanned out (null: pushed). Few accounts
      -- have one, so a partial index lists them cheaply for every feed read.
      ALTER TABLE users ADD COLUMN pulled_since TEXT;
      CREATE INDEX users_pulled ON users (alias) WHERE pulled_since IS NOT NULL;
      -- 1: the status was not fanned out (no feed rows anywhere), so its delete has no feed rows to remove.
      ALTER TABLE statuses ADD COLUMN pulled INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 5,
    name: 'bounded feeds: no feed index by author',
    sql: `
      -- Feeds keep about FEED_MAX_ENTRIES rows (the feed.trim job), so an unfollow purge scans the owner's rows by
      -- the primary key instead; every delivered entry then writes one B-tree instead of two.
      DROP INDEX IF EXISTS feed_by_author;
    `,
  },
  {
    version: 6,
    name: 'accounts: bio, sessions by user, comments and reactions by author (export)',
    sql: `
      ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
      -- A password change ends every other session of the user.
      CREATE INDEX sessions_by_alias ON sessions (alias);
      -- The export reads a user's comments and reactions in key order, page by page.
      CREATE INDEX comments_by_author ON comments (author, id);
      CREATE INDEX reactions_by_alias ON reactions (alias, target, kind);
    `,
  },
  {
    version: 7,
    name: 'block and mute',
    sql: `
      -- owner blocks or mutes target (kind 'block' or 'mute'). The key lists whom I block or mute; the index lists
      -- who blocks me. Visibility asks about pairs by key, never by listing.
      CREATE TABLE relations (
        owner TEXT NOT NULL,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (owner, kind, target)
      ) WITHOUT ROWID;
      CREATE INDEX relations_by_target ON relations (target, kind, owner);
    `,
  },
  {
    version: 8,
    name: 'account deletion: tombstones with progress and the alias reservation',
    sql: `
      -- One row per deleted account: the alias stays reserved until reserved_until; step, cursor and seq are the
      -- deletion's progress (the account.delete job resumes from them after a crash).
      CREATE TABLE deleted_accounts (
        alias TEXT PRIMARY KEY,
        image_key TEXT,
        deleted_at INTEGER NOT NULL,
        reserved_until INTEGER NOT NULL,
        step TEXT NOT NULL,
        cursor TEXT,
        seq INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      -- The alias sweep reads finished deletions by the end of their reservation.
      CREATE INDEX deleted_accounts_expiry ON deleted_accounts (reserved_until) WHERE step = 'done';
      -- What one alias wrote, so the deletion finds its board messages without a scan (its reactions and comments
      -- have their indexes from migration 6).
      CREATE INDEX board_messages_by_author ON board_messages (author, board_id, id);
    `,
  },
  {
    version: 9,
    name: 'media: uploads, and the images a status carries',
    sql: `
      CREATE TABLE media (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        status_id TEXT,
        image_key TEXT NOT NULL,
        preview_key TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        blurhash TEXT NOT NULL,
        alt TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- The sweep of uploads never attached reads this, oldest first; attached ones leave it.
      CREATE INDEX media_unattached ON media (created_at) WHERE status_id IS NULL;
      -- JSON array of the attached images (copied at post time, immutable); NULL: none.
      ALTER TABLE statuses ADD COLUMN media TEXT;
    `,
  },
  {
    version: 10,
    name: 'link cards: one cached card per normalized URL',
    sql: `
      -- A status finds its card by the first URL of its own text, so no row per status is needed: a thousand
      -- statuses with one link share this one row and one fetch.
      CREATE TABLE link_cards (
        url_key TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('pending', 'ok', 'failed')),
        card TEXT,
        fetched_at INTEGER NOT NULL,
        fresh_until INTEGER NOT NULL,
        claim_until INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 11,
    name: 'media: claims listed until the sweep confirms their status exists',
    sql: `
      -- Null once confirmed (and for uploads attached before this migration): the partial index holds only the
      -- claims the sweep has still to check.
      ALTER TABLE media ADD COLUMN claimed_at INTEGER;
      CREATE INDEX media_claimed ON media (claimed_at) WHERE claimed_at IS NOT NULL;
    `,
  },
  {
    version: 12,
    name: 'accounts integration: uploads by owner',
    sql: `
      -- An account's deletion lists its uploads (attached or not) to remove them with their blobs.
      CREATE INDEX media_owner ON media (owner, id);
    `,
  },
  {
    version: 13,
    name: 'replies and quotes: statuses answer and quote statuses; comments become replies',
    sql: `
      -- JSON {inReplyToId, inReplyToAuthor, quoteOfId} or NULL: one column, read with the row, never searched.
      ALTER TABLE statuses ADD COLUMN refs TEXT;
      -- A reply's place in its thread is its comments row (same id, status_id the parent): kept when it is deleted.
      CREATE TABLE quotes (
        quoted_id TEXT NOT NULL,
        id TEXT NOT NULL,
        author TEXT NOT NULL,
        PRIMARY KEY (quoted_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE quote_counts (
        status_id TEXT PRIMARY KEY,
        count INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- Ids of deleted statuses: a reply to one is told it was deleted (404 status_deleted), not that it never was.
      CREATE TABLE deleted_statuses (id TEXT PRIMARY KEY) WITHOUT ROWID;
    `,
    run: migrateCommentsToReplies,
  },
  {
    version: 14,
    name: 'reposts: who reposted what, fanned out like posts, at most once per feed',
    sql: `
      -- One per status and reposter; id is the repost's own ULID (its feed entries' and delivery record's key).
      CREATE TABLE reposts (
        status_id TEXT NOT NULL,
        reposter TEXT NOT NULL,
        id TEXT NOT NULL UNIQUE,
        author TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        pulled INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (status_id, reposter)
      ) WITHOUT ROWID;
      -- Oldest first per status (the list, the counts, the sweep after a delete) and a pulled reposter's merge.
      CREATE INDEX reposts_by_status ON reposts (status_id, id);
      CREATE INDEX reposts_by_reposter ON reposts (reposter, id);
      -- A feed entry that is a repost names the status it shows; NULL: a plain status. The partial unique index is
      -- the once-per-feed rule (the first repost of a status to reach a feed wins) and costs plain entries nothing.
      ALTER TABLE feed_entries ADD COLUMN original TEXT;
      CREATE UNIQUE INDEX feed_repost_once ON feed_entries (owner, original) WHERE original IS NOT NULL;
      -- A repost's delivery record names the status it reposts, so the deliver step writes repost entries.
      ALTER TABLE deliveries ADD COLUMN original TEXT;
    `,
  },
  {
    version: 15,
    name: 'notifications: groups and their actor entries',
    sql: `
      -- One row per recipient and group; unread groups are counted through the partial index (exact, one read).
      CREATE TABLE notification_groups (
        recipient TEXT NOT NULL,
        group_key TEXT NOT NULL,
        type TEXT NOT NULL,
        status_id TEXT,
        board_id TEXT,
        reaction_kind TEXT,
        actor_count INTEGER NOT NULL,
        latest_at INTEGER NOT NULL,
        unread INTEGER NOT NULL,
        PRIMARY KEY (recipient, group_key)
      ) WITHOUT ROWID;
      CREATE INDEX notification_groups_latest ON notification_groups (recipient, latest_at, group_key);
      CREATE INDEX notification_groups_unread ON notification_groups (recipient, latest_at) WHERE unread = 1;
      CREATE INDEX notification_groups_status ON notification_groups (status_id) WHERE status_id IS NOT NULL;
      CREATE INDEX notification_groups_age ON notification_groups (latest_at);
      -- Last-writer-wins register per (recipient, group, actor): retracted entries stay (active = 0) so that a late
      -- replay of the undone event cannot bring the actor back; retention removes them.
      CREATE TABLE notification_actors (
        recipient TEXT NOT NULL,
        group_key TEXT NOT NULL,
        actor TEXT NOT NULL,
        at INTEGER NOT NULL,
        active INTEGER NOT NULL,
        PRIMARY KEY (recipient, group_key, actor)
      ) WITHOUT ROWID;
      CREATE INDEX notification_actors_newest ON notification_actors (recipient, group_key, active, at);
      CREATE INDEX notification_actors_by_actor ON notification_actors (actor);
      CREATE INDEX notification_actors_age ON notification_actors (at);
    `,
  },
  {
    version: 16,
    name: 'status search: FTS5 index of status terms, hourly hashtag counters',
    sql: `
      -- One row per indexed status; its rowid (time in ms << 20 | low bits of the id) orders newest first and is
      -- the rowid of its row in status_fts, whose text is the status's normalized terms (shared search-terms).
      CREATE TABLE search_docs (
        rowid INTEGER PRIMARY KEY,
        status_id TEXT NOT NULL UNIQUE,
        author TEXT NOT NULL
      );
      -- Contentless (the terms are not stored twice) with deletes; the ascii tokenizer splits on spaces only for
      -- our terms (non-ASCII letters are token characters, # @ _ too), so the terms stay exactly as made.
      CREATE VIRTUAL TABLE status_fts USING fts5(
        terms, content = '', contentless_delete = 1, tokenize = "ascii tokenchars '#@_'"
      );
      -- Trend counters: per hour and tag, statuses posted and accounts whose latest use of the tag fell in that hour.
      CREATE TABLE tag_hours (
        hour INTEGER NOT NULL,
        tag TEXT NOT NULL,
        statuses INTEGER NOT NULL DEFAULT 0,
        accounts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (hour, tag)
      ) WITHOUT ROWID;
      CREATE TABLE tag_authors (
        tag TEXT NOT NULL,
        author TEXT NOT NULL,
        last_hour INTEGER NOT NULL,
        PRIMARY KEY (tag, author)
      ) WITHOUT ROWID;
      CREATE INDEX tag_authors_hour ON tag_authors (last_hour);
    `,
  },
  {
    version: 17,
    name: 'people search: normalized alias and name terms, accounts by followers',
    sql: `
      -- kind 0: the alias, 1: a word of the first or last name; terms are normalized (lower case, no accents) by
      -- the application, so a prefix is one range read of the primary key.
      CREATE TABLE people_terms (
        kind INTEGER NOT NULL,
        term TEXT NOT NULL,
        alias TEXT NOT NULL,
        PRIMARY KEY (kind, term, alias)
      ) WITHOUT ROWID;
      CREATE INDEX people_terms_alias ON people_terms (alias);
      -- Suggestions fall back to the accounts followed by most.
      CREATE INDEX users_by_followers ON users (follower_count DESC, alias);
      -- Accounts from before this migration: the alias and the lower-cased names as they are (SQL cannot strip
      -- accents or split words); the next profile edit or index.user job writes their normalized terms.
      INSERT OR IGNORE INTO people_terms (kind, term, alias) SELECT 0, alias, alias FROM users;
      INSERT OR IGNORE INTO people_terms (kind, term, alias) SELECT 1, lower(first_name), alias FROM users
        WHERE first_name <> '';
      INSERT OR IGNORE INTO people_terms (kind, term, alias) SELECT 1, lower(last_name), alias FROM users
        WHERE last_name <> '';
    `,
  },
];

/** Applies every migration newer than the file's user_version, each in its own transaction. */
export function migrate(db: Db): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.run?.(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
