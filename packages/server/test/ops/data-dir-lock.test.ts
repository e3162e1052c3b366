import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, runCli, startServerProcess, type ServerProcess } from '../support/server-process.js';

let dataDir: string;
let server: ServerProcess | undefined;
afterEach(async () => {
  await cleanUp(server, dataDir);
  server = undefined;
});

/** A PID that belonged to a process that has exited. */
function deadPid(): number {
  const res = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(res.stdout);
}

describe('one process per data directory', () => {
  it('a running server holds the lock: serve, migrate, populate and dlq redrive refuse naming its PID; dlq list still works', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tweeter-lock-'));
    server = await startServerProcess({ DATA_DIR: dataDir });
    const pid = server.child.pid;
    expect(readFileSync(join(dataDir, 'tweeter.lock'), 'utf8').trim()).toBe(String(pid));

    const refusals: string[][] = [['serve'], ['migrate'], ['populate', '--users', '3'], ['dlq', 'redrive', '--all']];
    for (const args of refusals) {
      const res = runCli(args, { DATA_DIR: dataDir });
      expect(res.status, args.join(' ')).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toContain(`DATA_DIR ${dataDir} is in use by process ${pid}`);
    }
    // --data-dir is the same directory as DATA_DIR
    expect(runCli(['migrate', '--data-dir', dataDir], {}).stderr).toContain(`in use by process ${pid}`);

    const list = runCli(['dlq', 'list', '--json', '--data-dir', dataDir], {});
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);

    // The server still answers: nothing above disturbed it.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await server.kill('SIGTERM')).toBe(0);
    expect(existsSync(join(dataDir, 'tweeter.lock'))).toBe(false);

    const migrate = runCli(['migrate'], { DATA_DIR: dataDir });
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toMatch(/up to date; schema version \d+/);
    expect(existsSync(join(dataDir, 'tweeter.lock'))).toBe(false);
  }, 120_000);

  it('a lock left by a crashed process (PID no longer alive) is recognised as stale and taken over', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tweeter-lock-'));
    const first = await startServerProcess({ DATA_DIR: dataDir });
    expect(await first.kill('SIGKILL')).toBe(null);
    // SIGKILL runs no exit handler: the lock file stays, naming the dead process.
    expect(readFileSync(join(dataDir, 'tweeter.lock'), 'utf8').trim()).toBe(String(first.child.pid));

    server = await startServerProcess({ DATA_DIR: dataDir });
    expect(readFileSync(join(dataDir, 'tweeter.lock'), 'utf8').trim()).toBe(String(server.child.pid));
    expect(await server.kill('SIGTERM')).toBe(0);

    writeFileSync(join(dataDir, 'tweeter.lock'), `${deadPid()}\n`);
    const migrate = runCli(['migrate', '--data-dir', dataDir], {});
    expect(migrate.status).toBe(0);
    expect(existsSync(join(dataDir, 'tweeter.lock'))).toBe(false);
  }, 120_000);
});
