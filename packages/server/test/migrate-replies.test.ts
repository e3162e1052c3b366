import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { MIGRATIONS, migrate } from '../src/adapters/sqlite/migrations.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { systemClock } from '../src/ports/clock.js';

// Migration 13 on a real file made by the schema before it: comments become replies.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-migrate-replies-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('migration 13: comments become replies', () => {
  it('makes each comment not deleted a status replying to its status; a deleted one keeps only its place', async () => {
    const file = join(dir, 'before-replies.db');
    const old = openDatabase(file, { migrate: false });
    for (const m of MIGRATIONS.filter((m) => m.version <= 12)) {
      old.exec(m.sql);
      m.run?.(old);
    }
    old.pragma('user_version = 12');
    old
      .prepare(
        `INSERT INTO statuses (id, author, post, segments, created_at) VALUES ('01KS0000000000000000000000', 'ann', 'post', '[]', 1000)`,
      )
      .run();
    const comment = old.prepare(
      `INSERT INTO comments (id, status_id, author, text, created_at, deleted) VALUES (?, '01KS0000000000000000000000', ?, ?, ?, ?)`,
    );
    comment.run('01KC0000000000000000000001', 'bob', 'hello @ann, see https://example.com', 2000, 0);
    comment.run('01KC0000000000000000000002', 'cat', '', 3000, 1);
    old.prepare(`INSERT INTO comment_counts (status_id, count) VALUES ('01KS0000000000000000000000', 1)`).run();
    expect(migrate(old)).toEqual(MIGRATIONS.filter((m) => m.version >= 13).map((m) => m.version));
    // Applied again: nothing to do.
    expect(migrate(old)).toEqual([]);

    const store = createSqliteStore(old, { clock: systemClock, signal: new ReadySignal() });
    try {
      const reply = await store.statuses.get('01KC0000000000000000000001');
      expect(reply).toEqual({
        id: '01KC0000000000000000000001',
        author: 'bob',
        post: 'hello @ann, see https://example.com',
        segments: [
          { type: 'text', text: 'hello ', start: 0, end: 6 },
          { type: 'mention', text: '@ann', start: 6, end: 10, alias: 'ann' },
          { type: 'text', text: ', see ', start: 10, end: 16 },
          { type: 'url', text: 'https://example.com', start: 16, end: 35 },
        ],
        createdAt: 2000,
        inReplyToId: '01KS0000000000000000000000',
        inReplyToAuthor: 'ann',
      });
      expect(await store.statuses.get('01KC0000000000000000000002')).toBeNull();
      // Both keep their place in the thread; the count is unchanged (deleted ones never counted).
      const places = await store.comments.list('01KS0000000000000000000000', { limit: 10 });
      expect(places.map((c) => [c.id, c.deleted])).toEqual([
        ['01KC0000000000000000000001', false],
        ['01KC0000000000000000000002', true],
      ]);
      expect((await store.comments.counts(['01KS0000000000000000000000'])).get('01KS0000000000000000000000')).toBe(1);
      // The migrated reply is in its author's story; it never reached feeds, so it has no delivery.
      expect((await store.statuses.byAuthor('bob', { limit: 5 })).map((s) => s.id)).toEqual([
        '01KC0000000000000000000001',
      ]);
      expect(await store.deliveries.get('01KC0000000000000000000001')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('converts comments past one page of its read (2,500, every 7th deleted), each once', () => {
    const old = openDatabase(join(dir, 'many-comments.db'), { migrate: false });
    for (const m of MIGRATIONS.filter((m) => m.version <= 12)) {
      old.exec(m.sql);
      m.run?.(old);
    }
    old.pragma('user_version = 12');
    old
      .prepare(
        `INSERT INTO statuses (id, author, post, segments, created_at) VALUES ('01KS0000000000000000000000', 'ann', 'post', '[]', 1000)`,
      )
      .run();
    const comment = old.prepare(
      `INSERT INTO comments (id, status_id, author, text, created_at, deleted) VALUES (?, '01KS0000000000000000000000', 'bob', ?, ?, ?)`,
    );
    const ids = Array.from({ length: 2500 }, (_, i) => `01KC${String(i).padStart(22, '0')}`);
    old.transaction(() => ids.forEach((id, i) => comment.run(id, `c${i}`, 2000 + i, i % 7 === 0 ? 1 : 0)))();
    migrate(old);
    const converted = old
      .prepare<[], string>(`SELECT id FROM statuses WHERE id LIKE '01KC%' ORDER BY id`)
      .pluck()
      .all();
    expect(converted).toEqual(ids.filter((_, i) => i % 7 !== 0));
    old.close();
  });
});
