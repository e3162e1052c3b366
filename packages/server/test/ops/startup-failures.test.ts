import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/server-process.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-startup-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One line on stderr, exit status 2, nothing on stdout. */
function expectOneLineRefusal(res: ReturnType<typeof runCli>, pattern: RegExp): void {
  expect(res.status).toBe(2);
  expect(res.stderr.trim().split('\n')).toHaveLength(1);
  expect(res.stderr).toMatch(pattern);
  expect(res.stderr).not.toMatch(/\bat \S+ \(/); // no stack trace
}

describe('tweeter serve refuses to start with one line and status 2', () => {
  it('DATA_DIR on a file system that refuses new directories (/proc): at once, not a hang', () => {
    const res = runCli(['serve'], { DATA_DIR: '/proc/tweeter-test/data' });
    expectOneLineRefusal(
      res,
      /^tweeter: DATA_DIR \/proc\/tweeter-test\/data cannot be created: .*\(ENOENT\); set DATA_DIR/,
    );
  });

  it.skipIf(!existsSync('/sys/kernel'))('DATA_DIR that cannot be created (EPERM)', () => {
    const res = runCli(['serve'], { DATA_DIR: '/sys/tweeter-test' });
    expectOneLineRefusal(res, /DATA_DIR \/sys\/tweeter-test cannot be created: operation not permitted \(EPERM\)/);
  });

  it('DATA_DIR that is a file (EEXIST), or below a file (ENOTDIR)', () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    expectOneLineRefusal(
      runCli(['serve'], { DATA_DIR: file }),
      /DATA_DIR \S+not-a-dir cannot be used: it is a file, not a directory \(EEXIST\)/,
    );
    expectOneLineRefusal(
      runCli(['serve'], { DATA_DIR: join(file, 'data') }),
      /DATA_DIR \S+not-a-dir\/data cannot be created: a parent is a file, not a directory \(ENOTDIR\)/,
    );
  });

  it('PORT in use: names PORT and what to do, and creates nothing in DATA_DIR', async () => {
    const taken: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)),
    );
    try {
      const dataDir = join(tempDir(), 'fresh');
      const res = runCli(['serve'], { DATA_DIR: dataDir, PORT: String(port) });
      expectOneLineRefusal(
        res,
        new RegExp(
          `^tweeter: PORT ${port} is in use on 127\\.0\\.0\\.1: stop the other server or set PORT \\(0 picks a free one\\)`,
        ),
      );
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('HOST that is not an address of this machine', () => {
    const dataDir = tempDir();
    const res = runCli(['serve'], { DATA_DIR: dataDir, HOST: '192.0.2.1', PORT: '8123' });
    expectOneLineRefusal(res, /^tweeter: HOST 192\.0\.2\.1 is not an address of this machine/);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
