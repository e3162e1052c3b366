import type { Migration } from './migrations.js';

/** Migrations 1 to 8: the course's schema, boards, sessions, profiles, block and mute, account deletion. */
export const CORE_MIGRATIONS: readonly Migration[] = [
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
];
