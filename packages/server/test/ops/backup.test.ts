import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, runCli, startServerProcess, type ServerProcess } from '../support/server-process.js';

let root: string;
let server: ServerProcess | undefined;
afterEach(async () => {
  await cleanUp(server, root);
  server = undefined;
});

const API = (url: string) => `${url}/api/v1`;

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe('tweeter backup', () => {
  it('copies a live, populated data directory; a server started on the restored copy serves the same data', async () => {
    root = mkdtempSync(join(tmpdir(), 'tweeter-backup-'));
    const live = join(root, 'live');
    expect(
      runCli(['populate', '--users', '20', '--followees-each', '3', '--statuses-each', '1', '--data-dir', live], {})
        .status,
    ).toBe(0);
    server = await startServerProcess({ DATA_DIR: live });
    // A write through the live server, after populate: it must be in the copy too.
    const reg = await fetch(`${API(server.url)}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ alias: 'ada', firstName: 'Ada', lastName: 'Lovelace', password: 'analytical engine' }),
    });
    expect(reg.status).toBe(201);
    const token = String((await json(reg)).token);
    const post = await fetch(`${API(server.url)}/statuses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ post: 'written while the backup ran' }),
    });
    expect(post.status).toBe(201);

    const file = join(root, 'copy.db');
    const res = runCli(['backup', file, '--data-dir', live], {});
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^backed up .*tweeter\.db to .*copy\.db \(\d+ bytes\)/);
    expect(readdirSync(root).sort()).toEqual(['copy.db', 'live']); // no .partial left, no -wal beside the copy
    // The live server kept serving throughout.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(runCli(['backup', file, '--data-dir', live], {}).stderr).toMatch(/exists already/);
    expect(await server.kill('SIGTERM')).toBe(0);

    const restored = join(root, 'restored');
    mkdirSync(restored);
    renameSync(file, join(restored, 'tweeter.db'));
    server = await startServerProcess({ DATA_DIR: restored });
    const login = await fetch(`${API(server.url)}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ alias: 'user_000001', password: 'password' }),
    });
    expect(login.status).toBe(201);
    const reader = String((await json(login)).token);
    const auth = { authorization: `Bearer ${reader}` };
    const story = await json(await fetch(`${API(server.url)}/users/ada/story`, { headers: auth }));
    expect((story.items as { post: string }[]).map((s) => s.post)).toEqual(['written while the backup ran']);
    const celebrity = await json(await fetch(`${API(server.url)}/users/celebrity`, { headers: auth }));
    expect(celebrity.followerCount).toBe(20);
    const feed = await json(await fetch(`${API(server.url)}/me/feed?limit=100`, { headers: auth }));
    expect((feed.items as unknown[]).length).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a directory without a database, creating nothing', () => {
    root = mkdtempSync(join(tmpdir(), 'tweeter-backup-'));
    const missing = join(root, 'missing');
    const res = runCli(['backup', join(root, 'copy.db'), '--data-dir', missing], {});
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^tweeter: DATA_DIR \S+missing holds no database/);
    expect(existsSync(missing)).toBe(false);
  });
});
