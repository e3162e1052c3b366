import type { Migration } from './migrations.js';
import { migrateCommentsToReplies } from './migrate-replies.js';
import { queueSearchReindex } from './search-reindex-migration.js';

/**
 * Migrations 9 on: media, link cards, the write path's indexes, replies and quotes, reposts, notifications, status and
 * people search.
 */
export const SOCIAL_MIGRATIONS: readonly Migration[] = [
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
  {
    version: 18,
    name: "search reindex: the state of each kind's backfill run; a file with data queues one",
    sql: `
      -- One row per kind (statuses, people): the run's id, the cursor its next step starts after (NULL: the start),
      -- done once a step read the last row. Moved in the same transaction as the next step's job.
      CREATE TABLE search_reindex (
        kind TEXT PRIMARY KEY,
        run TEXT NOT NULL,
        cursor TEXT,
        done INTEGER NOT NULL,
        read INTEGER NOT NULL,
        started_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
    // Statuses from before migration 16 are in no index, and accounts indexed by 17 are not accent-folded: a file
    // that has any queues the reindex here, so an upgraded file becomes searchable with no operator step.
    run: queueSearchReindex,
  },
  {
    version: 20,
    name: 'reposts: the once-per-feed index keyed by the status shown first',
    sql: `
      -- (owner, original) put each of a fan-out's 10,000 entries on its own index page (a dirty page each, ~40% of a
      -- repost's fan-out CPU); (original, owner) keeps one fan-out's entries together, a few pages for the whole
      -- range. Same rule (one repost of a status per feed), and a status arriving as itself finds the reposts of
      -- it in a feed by one seek.
      DROP INDEX IF EXISTS feed_repost_once;
      CREATE UNIQUE INDEX feed_repost_once ON feed_entries (original, owner) WHERE original IS NOT NULL;
    `,
  },
];
