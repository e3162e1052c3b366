import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/server-process.js';

let dataDir: string;
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('tweeter serve', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('stops cleanly on %s: exit 0, database closed', async (signal) => {
    dataDir = mkdtempSync(join(tmpdir(), 'tweeter-serve-'));
    const server = await startServerProcess({ DATA_DIR: dataDir });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(existsSync(join(dataDir, 'tweeter.db-wal'))).toBe(true);
    expect(await server.kill(signal)).toBe(0);
    // The last connection to close checkpoints and removes the write-ahead log.
    expect(existsSync(join(dataDir, 'tweeter.db-wal'))).toBe(false);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('refuses to start with an invalid configuration, listing every problem', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tweeter-serve-'));
    await expect(startServerProcess({ DATA_DIR: dataDir, PORT: '-1', JOB_MAX_ATTEMPTS: 'many' })).rejects.toThrow(
      /PORT[\s\S]*JOB_MAX_ATTEMPTS|JOB_MAX_ATTEMPTS[\s\S]*PORT/,
    );
  });
});
