import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/server-process.js';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('tweeter, as one tool', () => {
  it('--version, and unknown commands answered on one line with the nearest command', { timeout: 120_000 }, () => {
    root = mkdtempSync(join(tmpdir(), 'tweeter-cli-'));
    const version = runCli(['--version'], {});
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);

    const typo = runCli(['serv'], {});
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe("tweeter: unknown command 'serv': did you mean serve?\n");
    const sub = runCli(['dlq', 'lst'], {});
    expect(sub.status).toBe(2);
    expect(sub.stderr).toBe("tweeter dlq: unknown command 'lst': did you mean list?\n");
  });

  it(
    '--data-dir on every data command; dlq list creates nothing; --json is one document; unknown ids are named',
    { timeout: 120_000 },
    () => {
      root = mkdtempSync(join(tmpdir(), 'tweeter-cli-'));
      const missing = join(root, 'missing');
      const list = runCli(['dlq', 'list', '--data-dir', missing], {});
      expect(list.status).toBe(2);
      expect(list.stderr).toBe(
        `tweeter: DATA_DIR ${missing} holds no database (${missing}/tweeter.db does not exist): check DATA_DIR or --data-dir\n`,
      );
      expect(existsSync(missing)).toBe(false);

      const dir = join(root, 'data');
      const migrate = runCli(['migrate', '--data-dir', dir], {});
      expect(migrate.status).toBe(0);
      expect(migrate.stdout).toMatch(/^applied migration\(s\) .*; schema version \d+\n$/);
      expect(existsSync(join(dir, 'tweeter.db'))).toBe(true);

      const json = runCli(['dlq', 'list', '--json', '--data-dir', dir], {});
      expect(json.status).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual([]);

      const redrive = runCli(['dlq', 'redrive', '42', '7', '--data-dir', dir], {});
      expect(redrive.status).toBe(2);
      expect(redrive.stderr).toBe('tweeter: no dead job with id 42, 7 (see tweeter dlq list); nothing was redriven\n');
      expect(runCli(['dlq', 'redrive', '--all', '--data-dir', dir], {}).stdout).toBe('redrove 0 job(s)\n');
    },
  );
});
