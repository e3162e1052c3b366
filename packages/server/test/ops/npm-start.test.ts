import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ENV } from '../support/test-app.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
let dataDir: string;
afterEach(() => {
  // When the test fails, an orphaned server may still run: its lock file names it.
  const lock = join(dataDir, 'tweeter.lock');
  if (existsSync(lock)) {
    try {
      process.kill(Number(readFileSync(lock, 'utf8')), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('passes SIGTERM sent to the npm process on to the server: graceful stop, port freed, no orphan', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tweeter-npm-start-'));
    // The way a process manager runs it: `npm start` is the process it knows, and signals go to that PID.
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, ...TEST_ENV, LOG_LEVEL: 'info', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      npm.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const m = /"url":"(http:\/\/[^"]+)"/.exec(output);
        if (m?.[1]) resolve(m[1]);
      });
      npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(existsSync(join(dataDir, 'tweeter.lock'))).toBe(true);

    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/"signal":"SIGTERM".*shutting down/);
    // The server itself is gone: it stopped gracefully (lock released, WAL checkpointed) and freed the port.
    expect(existsSync(join(dataDir, 'tweeter.lock'))).toBe(false);
    expect(existsSync(join(dataDir, 'tweeter.db-wal'))).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 180_000);
});
