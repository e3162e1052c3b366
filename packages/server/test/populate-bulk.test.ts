import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import type { PopulationPlan } from '../src/population/graph.js';
import { populate } from '../src/population/populate.js';
import { systemClock } from '../src/ports/clock.js';
import { openStoresChecked } from '../src/wiring/stores.js';
import { createTestApp, TEST_ENV, type TestApp } from './support/test-app.js';

// The embedded file's fast path (population-writer.ts) against the store path it replaces for plain statuses: two
// files populated from one plan, one each way, must read the same through the API (ids and times aside) and hold
// the same rows (delivery records, pages, keys, index entries, tag counters).

const plan: PopulationPlan = {
  users: 40,
  celebrity: 'celebrity',
  followers: 25,
  followeesEach: 4,
  statusesEach: 3,
  password: 'password',
  seed: 7,
};

const dirs: string[] = [];
const apps: TestApp[] = [];

async function populated(bulk: boolean): Promise<{ dir: string; summary: Awaited<ReturnType<typeof populate>> }> {
  const dir = mkdtempSync(join(tmpdir(), `tweeter-populate-${bulk ? 'bulk' : 'store'}-`));
  dirs.push(dir);
  const opened = await openStoresChecked(loadConfig({ ...TEST_ENV, DATA_DIR: dir }), systemClock);
  try {
    expect(opened.populationWriter).not.toBeNull();
    const summary = await populate(plan, {
      store: opened.store,
      clock: systemClock,
      scrypt: { N: Number(TEST_ENV.SCRYPT_COST), r: 8, p: 1 },
      ...(opened.writeBatch ? { writeBatch: opened.writeBatch } : {}),
      populationWriter: bulk ? opened.populationWriter : null,
    });
    return { dir, summary };
  } finally {
    await opened.close();
  }
}

/** What a reader sees, with ids, times and cursors left out (they differ between any two populations). */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
function shape(value: Json): Json {
  if (Array.isArray(value)) return value.map(shape);
  if (value === null || typeof value !== 'object') return value;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(value)) {
    if (/^(id|createdAt|nextCursor|statusId|.*Id)$/.test(k)) continue;
    out[k] = shape(v);
  }
  return out;
}

async function readings(dir: string): Promise<Record<string, Json>> {
  const t = await createTestApp({}, { dataDir: dir, workers: false });
  apps.push(t);
  const out: Record<string, Json> = {};
  const readers = ['user_000001', 'user_000017', 'user_000040'];
  const paths = [
    '/me/feed?limit=50',
    '/search/statuses?q=time%20people&limit=50',
    '/search/statuses?q=%23news&limit=50',
    '/search/statuses?q=world&limit=5',
    '/tags/tech/statuses?limit=50',
    '/trends/tags',
    '/search/users?q=user_00001&limit=20',
    '/search/users?q=a&limit=20',
    '/me/suggestions?limit=50',
    '/users/user_000003',
    '/users/user_000003/story?limit=10',
    '/users/celebrity',
  ];
  for (const alias of readers) {
    const login = await t.inject({ method: 'POST', url: '/api/v1/sessions', payload: { alias, password: 'password' } });
    expect(login.statusCode).toBe(201);
    const token = login.json<{ token: string }>().token;
    for (const path of paths) {
      const res = await t.as(token, { method: 'GET', url: `/api/v1${path}` });
      expect(res.statusCode, `${alias} ${path}`).toBe(200);
      out[`${alias} ${path}`] = shape(res.json<Json>());
    }
  }
  return out;
}

/** The rows behind the readings, keyed by what two populations share (author and text, not ids or times). */
function rows(dir: string): Record<string, unknown[]> {
  const db = new Database(join(dir, 'tweeter.db'), { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).raw().all();
    return {
      statuses: all('SELECT author, post, segments, pulled, media, refs FROM statuses ORDER BY author, post'),
      keys: all(`SELECT k.author, k.key, s.post FROM idempotency_keys k JOIN statuses s ON s.id = k.status_id
                 ORDER BY k.author, k.key`),
      deliveries: all(`SELECT s.author, s.post, d.audience, d.delivered, d.planned, d.cursor, d.plan_started,
                         d.plan_done, d.finished_at IS NOT NULL, d.original
                       FROM deliveries d JOIN statuses s ON s.id = d.status_id ORDER BY s.author, s.post`),
      pages: all(`SELECT s.post, p.page_key FROM delivery_pages p JOIN statuses s ON s.id = p.status_id
                  ORDER BY s.author, s.post, p.page_key`),
      feeds: all(`SELECT e.owner, e.author, s.post, e.original FROM feed_entries e JOIN statuses s ON s.id = e.status_id
                  ORDER BY e.owner, s.author, s.post`),
      docs: all(`SELECT d.author, s.post FROM search_docs d JOIN statuses s ON s.id = d.status_id
                 ORDER BY d.author, s.post`),
      tags: all('SELECT tag, SUM(statuses), SUM(accounts) FROM tag_hours GROUP BY tag ORDER BY tag'),
      tagAuthors: all('SELECT tag, author FROM tag_authors ORDER BY tag, author'),
      users: all('SELECT alias, follower_count, followee_count FROM users ORDER BY alias'),
      people: all('SELECT kind, term, alias FROM people_terms ORDER BY kind, term, alias'),
      jobs: all('SELECT name FROM jobs'),
    };
  } finally {
    db.close();
  }
}

describe('tweeter populate: the embedded fast path', () => {
  let store: Awaited<ReturnType<typeof populated>>;
  let bulk: Awaited<ReturnType<typeof populated>>;
  beforeAll(async () => {
    store = await populated(false);
    bulk = await populated(true);
  });
  afterAll(async () => {
    for (const t of apps.splice(0)) await t.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('adds what the store path adds', () => {
    const { seconds: _s, ...fromStore } = store.summary;
    const { seconds: _b, ...fromBulk } = bulk.summary;
    expect(fromBulk).toEqual(fromStore);
    expect(fromBulk.statusesAdded).toBe(plan.users * plan.statusesEach);
    expect(fromBulk.feedEntriesAdded).toBeGreaterThan(0);
  });

  it('writes the same rows as the store path', () => {
    const a = rows(store.dir);
    const b = rows(bulk.dir);
    expect(b.statuses).toHaveLength(plan.users * plan.statusesEach);
    expect(b.docs).toHaveLength(plan.users * plan.statusesEach);
    expect(b.tags?.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it('reads the same through the API: feeds, search, tags, trends, people, suggestions, profiles', async () => {
    const a = await readings(store.dir);
    const b = await readings(bulk.dir);
    expect(Object.keys(b)).toHaveLength(36);
    // Something to compare: the searches and feeds found statuses.
    expect(JSON.stringify(b['user_000001 /search/statuses?q=%23news&limit=50'])).toContain('#news');
    expect(b).toEqual(a);
    for (const t of apps.splice(0)) await t.close();
  });

  it('a rerun adds nothing', async () => {
    const opened = await openStoresChecked(loadConfig({ ...TEST_ENV, DATA_DIR: bulk.dir }), systemClock);
    const again = await populate(plan, {
      store: opened.store,
      clock: systemClock,
      scrypt: { N: Number(TEST_ENV.SCRYPT_COST), r: 8, p: 1 },
      populationWriter: opened.populationWriter,
    }).finally(() => opened.close());
    expect(again).toMatchObject({ usersAdded: 0, followsAdded: 0, statusesAdded: 0, feedEntriesAdded: 0 });
  });
});
