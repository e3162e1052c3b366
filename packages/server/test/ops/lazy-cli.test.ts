import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runProcess } from '../support/server-process.js';
import { TEST_ENV } from '../support/test-app.js';

// `tweeter serve` loads only what serving needs: the other subcommands (and what they pull in: the population
// generator with cli-progress, the OpenAPI writer...) are imported when named. A module-resolution hook in the
// real `tweeter` process records every module it loads; a static import of a subcommand in cli/main.ts shows up.

const HOOKS = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(file, result.url + '\\n');
  return result;
}
`;

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes the recording hook into `root` and returns the node flags that install it, logging to `log`. */
function recorder(log: string): string[] {
  writeFileSync(join(root, 'hooks.mjs'), HOOKS);
  writeFileSync(
    join(root, 'register.mjs'),
    `import { register } from 'node:module';\n` +
      `register(new URL('./hooks.mjs', import.meta.url), { data: { file: ${JSON.stringify(log)} } });\n`,
  );
  writeFileSync(log, '');
  return ['--import', join(root, 'register.mjs')];
}

/** The modules a run loaded, as paths relative to the repository's packages/ or node_modules/. */
function loaded(log: string): Set<string> {
  return new Set(
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file://'))
      .map((url) => url.replace(/^.*\/(packages|node_modules)\//, '$1/')),
  );
}

/** Starts `tweeter serve` under the recorder, waits until it listens, and stops it. */
function serveOnce(flags: string[], dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, BIN, 'serve', '--data-dir', dataDir], {
      env: { ...process.env, ...TEST_ENV, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/"url":"http:/.test(output)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (/"url":"http:/.test(output)) resolve();
      else reject(new Error(`tweeter serve exited with ${code} before listening:\n${output}`));
    });
  });
}

describe('tweeter loads subcommands lazily', () => {
  it('serve loads no other subcommand, no population code, no cli-progress, no bench', async () => {
    root = mkdtempSync(join(tmpdir(), 'tweeter-lazy-'));
    const log = join(root, 'serve.log');
    await serveOnce(recorder(log), join(root, 'data'));
    const modules = [...loaded(log)];
    expect(modules).toContain('packages/server/dist/cli/serve.js');
    expect(modules).toContain('packages/server/dist/http/app.js');
    const unwanted = modules.filter((m) =>
      /^packages\/server\/dist\/(cli\/(populate|backup|openapi|dlq|migrate)|population|tooling)\/?|^node_modules\/(cli-progress|autocannon|@tweeter\/bench)\/|^packages\/bench\//.test(
        m,
      ),
    );
    expect(unwanted).toEqual([]);
  });

  it('populate does load its own modules (the recorder sees what a subcommand imports)', async () => {
    root = mkdtempSync(join(tmpdir(), 'tweeter-lazy-'));
    const log = join(root, 'populate.log');
    const flags = recorder(log);
    const res = await runProcess(
      process.execPath,
      [...flags, BIN, 'populate', '--users', '3', '--data-dir', join(root, 'data')],
      { env: { ...process.env, ...TEST_ENV } },
    );
    expect(res.status).toBe(0);
    const modules = loaded(log);
    expect(modules).toContain('packages/server/dist/cli/populate.js');
    expect([...modules].some((m) => m.startsWith('node_modules/cli-progress/'))).toBe(true);
    expect(modules).not.toContain('packages/server/dist/cli/serve.js');
  });
});
