import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, runCli, runCliAsync, startServerProcess, type ServerProcess } from '../support/server-process.js';

let root: string;
let server: ServerProcess | undefined;
afterEach(async () => {
  await cleanUp(server, root);
  server = undefined;
});

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

  it(
    'bench fits a default the user did not pass (--readers 16 with --followers 5) but rejects one they typed',
    { timeout: 180_000 },
    async () => {
      root = mkdtempSync(join(tmpdir(), 'tweeter-cli-'));
      const fitted = await runCliAsync([
        'bench',
        'fanout',
        '--followers',
        '5',
        '--posts',
        '1',
        '--spacing-ms',
        '0',
        '--verify',
        '2',
      ]);
      expect(fitted.stderr).not.toMatch(/--readers/);
      expect(fitted.status).toBe(0);
      expect(fitted.stdout).toMatch(/^fanout \(/);

      const typed = await runCliAsync(['bench', 'fanout', '--followers', '5', '--readers', '16']);
      expect(typed.status).toBe(2);
      expect(typed.stderr).toBe('tweeter: --readers must be a whole number from 0 to 5, got "16"\n');
    },
  );

  it(
    'bench --url against a server without the population graph: one line, status 2',
    { timeout: 120_000 },
    async () => {
      root = mkdtempSync(join(tmpdir(), 'tweeter-cli-'));
      server = await startServerProcess({ DATA_DIR: root });
      const res = await runCliAsync(['bench', 'feed', '--url', server.url, '--users', '50']);
      expect(res.status).toBe(2);
      const lines = res.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('bench: '));
      expect(lines).toEqual([
        `tweeter: --url ${server.url}: cannot sign in as @user_000050, so the server lacks this scenario's users: ` +
          'run `tweeter populate` with the same sizes on its DATA_DIR, pass --data-dir, or give the right --password',
      ]);
    },
  );
});
