import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { ReadySignal } from '../../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../../src/adapters/sqlite/store.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { systemClock } from '../../src/ports/clock.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/test-app.js';

const FOLLOWERS = 3000;
let dataDir: string;
let server: ServerProcess | undefined;

afterEach(async () => {
  await server?.kill('SIGKILL');
  server = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function seed(dir: string): Promise<string[]> {
  const db = openDatabase(join(dir, 'tweeter.db'));
  const store = createSqliteStore(db, { clock: systemClock, signal: new ReadySignal() });
  const passwordHash = await hashPassword('password1', { N: 1024, r: 8, p: 1 });
  const user = (alias: string) => ({
    alias,
    firstName: 'F',
    lastName: 'L',
    passwordHash,
    imageKey: null,
    createdAt: Date.now(),
    followerCount: 0,
    followeeCount: 0,
  });
  const fans = Array.from({ length: FOLLOWERS }, (_, i) => `fan_${String(i).padStart(5, '0')}`);
  await store.users.createMany([user('star'), ...fans.map(user)]);
  await store.follows.addMany(
    fans.map((f) => ({ follower: f, followee: 'star' })),
    Date.now(),
  );
  await store.close();
  return fans;
}

describe('a crash mid fan-out', () => {
  it('resumes after restart and leaves every follower with exactly one feed entry', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tweeter-crash-'));
    const fans = await seed(dataDir);
    // Small pages and batches with a pause between batches, so the fan-out is still running when we kill it.
    const env = {
      DATA_DIR: dataDir,
      FANOUT_PAGE_SIZE: '100',
      FANOUT_BATCH_SIZE: '20',
      FANOUT_BATCH_PAUSE_MS: '5',
      JOB_VISIBILITY_MS: '500',
    };
    server = await startServerProcess(env);
    const login = await fetch(`${server.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ alias: 'star', password: 'password1' }),
    });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const posted = await fetch(`${server.url}/api/v1/statuses`, {
      method: 'POST',
      headers: auth,
      body: '{"post":"crash me"}',
    });
    expect(posted.status).toBe(201);
    const { id } = (await posted.json()) as { id: string };
    const delivery = async (url: string) =>
      (await (await fetch(`${url}/api/v1/statuses/${id}/delivery`, { headers: auth })).json()) as {
        state: string;
        delivered: number;
        audience: number;
      };

    const midway = await eventually(async () => {
      const d = await delivery(server?.url ?? '');
      return d.delivered > 0 && d;
    });
    await server.kill('SIGKILL');
    expect(midway.state).toBe('running');
    expect(midway.delivered).toBeLessThan(FOLLOWERS);

    server = await startServerProcess(env);
    const done = await eventually(async () => {
      const d = await delivery(server?.url ?? '');
      return d.state === 'done' && d;
    }, 30_000);
    expect(done).toEqual({ state: 'done', audience: FOLLOWERS, delivered: FOLLOWERS });

    const db = openDatabase(join(dataDir, 'tweeter.db'));
    const rows = db
      .prepare('SELECT owner, COUNT(*) AS n FROM feed_entries WHERE status_id = ? GROUP BY owner ORDER BY owner')
      .all(id) as {
      owner: string;
      n: number;
    }[];
    db.close();
    expect(rows.map((r) => r.owner)).toEqual(fans);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });
});
