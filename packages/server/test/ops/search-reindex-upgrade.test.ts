import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/adapters/sqlite/database.js';
import { MIGRATIONS } from '../../src/adapters/sqlite/migrations.js';
import { newId } from '../../src/domain/ids.js';
import { cleanUp, runCliAsync, startServerProcess, type ServerProcess } from '../support/server-process.js';

// A file made with the schema from before search (migration 15), its statuses stored with the segments of that time
// (no hashtag segments) and its accounts unindexed. Opening it with this build runs migrations 16 to 18, and 18
// queues the reindex: the server runs it with no operator step, resumes it after being killed half-way, and the
// file becomes searchable by word, tag and accent-folded name. `tweeter reindex --here` runs again and changes nothing.

const STATUSES = 6_000;
let dir: string | undefined;
let server: ServerProcess | undefined;
afterEach(async () => {
  await cleanUp(server, dir);
  server = undefined;
  dir = undefined;
});

function makeOldFile(file: string): void {
  const db = openDatabase(file, { migrate: false });
  for (const m of MIGRATIONS.filter((m) => m.version <= 15)) {
    db.exec(m.sql);
    m.run?.(db);
  }
  db.pragma('user_version = 15');
  const user = db.prepare(
    `INSERT INTO users (alias, first_name, last_name, password_hash, image_key, created_at, follower_count,
       followee_count) VALUES (?, ?, ?, 'x', NULL, 1, 0, 0)`,
  );
  user.run('zoe', 'Zoë', 'Ångström');
  user.run('bob', 'Bob', 'Builder');
  const status = db.prepare('INSERT INTO statuses (id, author, post, segments, created_at) VALUES (?, ?, ?, ?, ?)');
  const at = Date.now() - 40 * 86_400_000;
  db.transaction(() => {
    for (let i = 0; i < STATUSES; i++) {
      const post = i === 0 ? 'Learning #Rust with crème brûlée' : `filler status number ${i} #bulk`;
      status.run(
        newId(at + i),
        i % 2 ? 'bob' : 'zoe',
        post,
        JSON.stringify([{ type: 'text', text: post, start: 0, end: [...post].length }]),
        at + i,
      );
    }
  })();
  db.close();
}

const reindexState = (db: Db) =>
  db
    .prepare<[], { kind: string; run: string; done: number; read: number }>(
      'SELECT kind, run, done, read FROM search_reindex ORDER BY kind',
    )
    .all();

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function get(url: string, token: string): Promise<unknown> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}

describe('an upgraded SQLite file', () => {
  it(
    'is reindexed by the server with no operator step, resumes after a kill, and a rerun changes nothing',
    { timeout: 240_000 },
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'tweeter-reindex-upgrade-'));
      const file = join(dir, 'tweeter.db');
      makeOldFile(file);
      const env = { DATA_DIR: dir, JOB_THREADS: '1' };

      server = await startServerProcess(env);
      const watch = openDatabase(file, { readonly: true });
      try {
        // Killed once a step has moved the statuses run, before it is done.
        await until(() => reindexState(watch).some((r) => r.kind === 'statuses' && r.read > 0), 'a first step');
        await server.kill('SIGKILL');
        const half = reindexState(watch).find((r) => r.kind === 'statuses');
        expect(half).toMatchObject({ run: 'migration-18', done: 0 });
        expect(half?.read).toBeLessThan(STATUSES);

        server = await startServerProcess(env);
        await until(() => reindexState(watch).every((r) => r.done === 1), 'the reindex to finish');
        const done = reindexState(watch);
        expect(done.map((r) => [r.kind, r.run, r.done])).toEqual([
          ['people', 'migration-18', 1],
          ['statuses', 'migration-18', 1],
        ]);
        // Rows count when their step commits: the killed step's rows were read again, and each row counts once.
        expect(done.find((r) => r.kind === 'statuses')?.read).toBe(STATUSES);
      } finally {
        watch.close();
      }

      // Counted in /metrics (this process ran the steps after the kill; the job thread's registry is merged in).
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const rows = /^tweeter_search_reindex_rows_total\{kind="statuses"\} (\d+)$/m.exec(metrics);
      expect(Number(rows?.[1])).toBeGreaterThan(0);
      expect(metrics).toMatch(/^tweeter_job_duration_seconds_count\{name="search.reindex",outcome="ok"\} \d+$/m);

      // Searchable through the API: by word, by tag, by accent-folded name; the old status now carries its hashtag.
      const signup = await fetch(`${server.url}/api/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ alias: 'reader', password: 'password123', firstName: 'Re', lastName: 'Ader' }),
      });
      expect(signup.status).toBe(201);
      const { token } = (await signup.json()) as { token: string };
      const search = async (q: string) =>
        (await get(`${server!.url}/api/v1/search/statuses?q=${encodeURIComponent(q)}&limit=5`, token)) as {
          items: { post: string; segments: { type: string; tag?: string }[] }[];
        };
      const rust = await search('#rust');
      expect(rust.items.map((s) => s.post)).toEqual(['Learning #Rust with crème brûlée']);
      expect(rust.items[0]?.segments.filter((s) => s.type === 'hashtag')).toMatchObject([{ tag: 'rust' }]);
      expect((await search('creme brulee')).items).toHaveLength(1);
      expect((await search('filler 5999')).items).toHaveLength(1);
      const people = (await get(`${server.url}/api/v1/search/users?q=${encodeURIComponent('angs')}`, token)) as {
        items: { alias: string }[];
      };
      expect(people.items.map((u) => u.alias)).toEqual(['zoe']);
      await server.kill('SIGTERM');
      server = undefined;

      // The operator command, run again (server stopped): reads every row, rewrites no segment.
      const again = await runCliAsync(['reindex', '--here', '--data-dir', dir]);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      expect(again.stdout).toMatch(
        new RegExp(`^statuses: ${STATUSES} rows in [\\d.]+ s \\(\\d+/s\\), 0 gained hashtag segments\\npeople: 3 rows`),
      );
    },
  );
});
