import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleDistinct, seededRandom } from '../src/population/random.js';
import { runCli } from './support/server-process.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-populate-'));
  dirs.push(dir);
  return dir;
}

/** Runs `tweeter populate` on a data dir and reads its one-line-per-figure summary. */
function populate(dataDir: string, args: string[]): Record<string, number> {
  const res = runCli(['populate', ...args], { DATA_DIR: dataDir });
  expect(res.stderr.includes('Error') ? res.stderr : '').toBe('');
  expect(res.status).toBe(0);
  return Object.fromEntries(
    res.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(': ') as [string, string])
      .map(([k, v]) => [k, Number(v)]),
  );
}

/** Read-only SQL over the populated file (the Store port has no counting methods). */
function inspect<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'tweeter.db'), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const count = (db: Database.Database, sql: string): number => db.prepare<[], number>(sql).pluck().get() ?? 0;

describe('tweeter populate', () => {
  it('adds users, the celebrity and its followers, random follows and delivered statuses; a rerun adds nothing', () => {
    const dir = tempDir();
    const args = ['--users', '60', '--followers', '40', '--followees-each', '3', '--statuses-each', '2'];
    args.push('--mutes-each', '2');
    const first = populate(dir, args);
    expect(first).toMatchObject({
      'users added': 61,
      'follows added': 40 + 60 * 3,
      'statuses added': 120,
      'feed entries added': 2 * 60 * 3,
      'mutes added': 60 * 2,
    });
    inspect(dir, (db) => {
      expect(count(db, 'SELECT COUNT(*) FROM users')).toBe(61);
      expect(count(db, "SELECT follower_count FROM users WHERE alias = 'celebrity'")).toBe(40);
      expect(count(db, 'SELECT COUNT(*) FROM follows')).toBe(220);
      expect(count(db, 'SELECT COUNT(*) FROM followers')).toBe(220);
      expect(count(db, 'SELECT SUM(followee_count) FROM users')).toBe(220);
      expect(count(db, 'SELECT COUNT(*) FROM follows WHERE follower = followee')).toBe(0);
      // Every status reached its author's followers, and its delivery record says so; no job is left to run.
      expect(count(db, 'SELECT COUNT(*) FROM feed_entries')).toBe(360);
      expect(count(db, 'SELECT COUNT(*) FROM deliveries WHERE finished_at IS NULL OR delivered <> audience')).toBe(0);
      expect(count(db, 'SELECT COUNT(*) FROM jobs')).toBe(0);
      expect(count(db, "SELECT COUNT(*) FROM relations WHERE kind = 'mute' AND owner <> target")).toBe(120);
      // A third of the statuses link one of the populated articles, whose cards are cached (as if fetched).
      const linking = count(db, "SELECT COUNT(*) FROM statuses WHERE post LIKE '%https://example.com/articles/%'");
      expect(linking).toBeGreaterThan(20);
      expect(linking).toBeLessThan(60);
      expect(count(db, "SELECT COUNT(*) FROM link_cards WHERE state = 'ok'")).toBe(50);
      const linked = db
        .prepare<[], string>(
          "SELECT DISTINCT substr(post, instr(post, 'https://')) FROM statuses WHERE post LIKE '%https://%'",
        )
        .pluck()
        .all();
      const cached = new Set(db.prepare<[], string>('SELECT url_key FROM link_cards').pluck().all());
      expect(linked.filter((url) => !cached.has(url))).toEqual([]);
      // Every status is in the search index, most with hashtags, which the trend counters counted.
      expect(count(db, 'SELECT COUNT(*) FROM search_docs')).toBe(120);
      const tagged = count(db, "SELECT COUNT(*) FROM statuses WHERE post LIKE '%#%'");
      expect(tagged).toBeGreaterThan(60);
      expect(count(db, 'SELECT SUM(statuses) FROM tag_hours')).toBeGreaterThanOrEqual(tagged);
    });

    const again = populate(dir, args);
    expect(again).toMatchObject({
      'users added': 0,
      'follows added': 0,
      'statuses added': 0,
      'feed entries added': 0,
      'mutes added': 0,
    });
    inspect(dir, (db) => expect(count(db, 'SELECT COUNT(*) FROM statuses')).toBe(120));
  });

  it('--reposts adds that share of reposts, delivered once per feed through the fan-out steps; a rerun adds none', () => {
    const dir = tempDir();
    const args = ['--users', '60', '--followees-each', '4', '--statuses-each', '3', '--reposts', '30'];
    const first = populate(dir, args);
    // 30% of posts and reposts together: 180 statuses, so about 77 reposts (pairs drawn twice are kept once).
    expect(first['reposts added']).toBeGreaterThan(60);
    expect(first['reposts added']).toBeLessThanOrEqual(77);
    inspect(dir, (db) => {
      expect(count(db, 'SELECT COUNT(*) FROM reposts')).toBe(first['reposts added']);
      expect(count(db, 'SELECT COUNT(*) FROM reposts WHERE reposter = author')).toBe(0);
      const entries = count(db, 'SELECT COUNT(*) FROM feed_entries WHERE original IS NOT NULL');
      expect(entries).toBeGreaterThan(0);
      // Never a repost where the status itself is, never two reposts of one status in a feed.
      expect(
        count(
          db,
          `SELECT COUNT(*) FROM feed_entries r JOIN feed_entries s ON s.owner = r.owner AND s.status_id = r.original`,
        ),
      ).toBe(0);
      expect(
        count(
          db,
          'SELECT COUNT(*) FROM (SELECT owner, original FROM feed_entries WHERE original IS NOT NULL GROUP BY 1, 2 HAVING COUNT(*) > 1)',
        ),
      ).toBe(0);
      expect(count(db, 'SELECT COUNT(*) FROM deliveries WHERE finished_at IS NULL OR delivered <> audience')).toBe(0);
      expect(count(db, 'SELECT COUNT(*) FROM jobs')).toBe(0);
    });
    expect(populate(dir, args)).toMatchObject({ 'reposts added': 0, 'feed entries added': 0 });
  });

  it('--notifications writes a follow notification per standing follow, once, none across a mute', () => {
    const dir = tempDir();
    const args = ['--users', '30', '--followees-each', '4', '--mutes-each', '2', '--notifications'];
    const first = populate(dir, args);
    inspect(dir, (db) => {
      const follows = count(db, 'SELECT COUNT(*) FROM follows');
      const acrossMutes = count(
        db,
        "SELECT COUNT(*) FROM follows f JOIN relations r ON r.kind = 'mute' AND r.owner = f.followee AND r.target = f.follower",
      );
      expect(first['notifications added']).toBe(follows - acrossMutes);
      expect(count(db, 'SELECT COUNT(*) FROM notification_actors WHERE active = 1')).toBe(follows - acrossMutes);
      expect(count(db, 'SELECT SUM(actor_count) FROM notification_groups')).toBe(follows - acrossMutes);
    });
    expect(populate(dir, args)).toMatchObject({ 'notifications added': 0 });
  });

  it('--blocks-each writes blocks with the follows between each pair ended and counted, feeds purged', () => {
    const dir = tempDir();
    const args = ['--users', '40', '--followees-each', '6', '--statuses-each', '2', '--blocks-each', '2'];
    expect(populate(dir, args)).toMatchObject({ 'blocks added': 80 });
    inspect(dir, (db) => {
      expect(count(db, "SELECT COUNT(*) FROM relations WHERE kind = 'block' AND owner <> target")).toBe(80);
      const acrossBlocks = `SELECT COUNT(*) FROM follows f JOIN relations r ON r.kind = 'block' AND
        ((f.follower = r.owner AND f.followee = r.target) OR (f.follower = r.target AND f.followee = r.owner))`;
      expect(count(db, acrossBlocks)).toBe(0);
      expect(count(db, 'SELECT SUM(followee_count) FROM users')).toBe(count(db, 'SELECT COUNT(*) FROM follows'));
      expect(count(db, 'SELECT SUM(follower_count) FROM users')).toBe(count(db, 'SELECT COUNT(*) FROM follows'));
      const feedAcross = `SELECT COUNT(*) FROM feed_entries e JOIN relations r ON r.kind = 'block' AND
        ((e.owner = r.owner AND e.author = r.target) OR (e.owner = r.target AND e.author = r.owner))`;
      expect(count(db, feedAcross)).toBe(0);
    });
  });

  it('--replies and --quotes make replies in threads and quotes, in about those shares; a rerun adds nothing', () => {
    const dir = tempDir();
    const args = [
      '--users',
      '100',
      '--followees-each',
      '8',
      '--statuses-each',
      '3',
      '--replies',
      '30',
      '--quotes',
      '5',
    ];
    expect(populate(dir, args)).toMatchObject({ 'statuses added': 300 });
    inspect(dir, (db) => {
      const replies = count(db, "SELECT COUNT(*) FROM statuses WHERE json_extract(refs, '$.inReplyToId') IS NOT NULL");
      const quotes = count(db, "SELECT COUNT(*) FROM statuses WHERE json_extract(refs, '$.quoteOfId') IS NOT NULL");
      expect(replies).toBeGreaterThan(60); // 30% of 300, give or take the hash's spread
      expect(replies).toBeLessThan(120);
      expect(quotes).toBeGreaterThan(3);
      expect(quotes).toBeLessThan(35);
      // Every reply has its place in its thread, counted on its parent; every quote its edge.
      expect(count(db, 'SELECT COUNT(*) FROM comments')).toBe(replies);
      expect(count(db, 'SELECT SUM(count) FROM comment_counts')).toBe(replies);
      expect(count(db, 'SELECT COUNT(*) FROM quotes')).toBe(quotes);
      expect(count(db, 'SELECT SUM(count) FROM quote_counts')).toBe(quotes);
      // A reply to someone else is in no feed of a follower who does not follow the replied-to author.
      const outsiders = `SELECT COUNT(*) FROM feed_entries e JOIN statuses s ON s.id = e.status_id
        WHERE json_extract(s.refs, '$.inReplyToAuthor') IS NOT NULL
          AND json_extract(s.refs, '$.inReplyToAuthor') <> s.author
          AND e.owner <> json_extract(s.refs, '$.inReplyToAuthor')
          AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower = e.owner
                          AND f.followee = json_extract(s.refs, '$.inReplyToAuthor'))`;
      expect(count(db, outsiders)).toBe(0);
    });
    expect(populate(dir, args)).toMatchObject({ 'statuses added': 0 });
    inspect(dir, (db) => expect(count(db, 'SELECT COUNT(*) FROM quotes')).toBeLessThan(35));
  });

  it('builds the same graph from the same --seed, and another from another seed', () => {
    const edges = (seed: string): string[] => {
      const dir = tempDir();
      populate(dir, ['--users', '30', '--followers', '0', '--followees-each', '4', '--seed', seed]);
      return inspect(dir, (db) =>
        db.prepare<[], string>("SELECT follower || '>' || followee FROM follows ORDER BY 1").pluck().all(),
      );
    };
    const a = edges('7');
    expect(a).toHaveLength(120);
    expect(edges('7')).toEqual(a);
    expect(edges('8')).not.toEqual(a);
  });

  it.each([
    [['--users', '0'], /--users must be a whole number/],
    [['--followers', '11', '--users', '10'], /--followers must be a whole number from 0 to 10/],
    [['--celebrity', 'user_000001'], /--celebrity must not look like a generated alias/],
    [['--password', 'short'], /--password must be at least 8/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--users'], /argument missing/],
  ])('refuses %j with one line on stderr, exit 2, nothing written', (args, message) => {
    const dir = join(tempDir(), 'data');
    const res = runCli(['populate', ...args], { DATA_DIR: dir });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stdout).toBe('');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('the population graph', () => {
  it('draws distinct numbers, never the excluded one, the same for the same seed', () => {
    for (const k of [1, 5, 9]) {
      const picked = sampleDistinct(seededRandom(3), 10, k, 4);
      expect(new Set(picked).size).toBe(k);
      expect(picked).not.toContain(4);
      expect(picked.every((n) => n >= 1 && n <= 10)).toBe(true);
      expect(sampleDistinct(seededRandom(3), 10, k, 4)).toEqual(picked);
    }
    expect(() => sampleDistinct(seededRandom(3), 10, 10, 4)).toThrow(RangeError);
  });
});
