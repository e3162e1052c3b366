import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanUp,
  runProcess,
  startServerProcess,
  type ProcessResult,
  type ServerProcess,
} from '../support/server-process.js';

// The README's curl walk-through, run as written against a real server, so the README cannot rot.

const README = new URL('../../../../README.md', import.meta.url);

/** The first ```sh block after the walk-through's heading. */
function walkthrough(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## A walk-through with curl'));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  if (!m?.[1]) throw new Error('README.md has no walk-through block');
  return m[1];
}

function bash(args: string[], script: string, env: Record<string, string>): Promise<ProcessResult> {
  return runProcess('bash', args, { env: { ...process.env, ...env }, input: script });
}

let root: string;
let server: ServerProcess | undefined;
afterEach(async () => {
  await cleanUp(server, root);
  server = undefined;
});

describe("the README's curl walk-through", () => {
  it(
    'runs as written against a fresh server, every step answering as the comments say',
    { timeout: 120_000 },
    async () => {
      root = mkdtempSync(join(tmpdir(), 'tweeter-readme-'));
      server = await startServerProcess({ DATA_DIR: join(root, 'data') });
      // -e: any failing command fails the test, as a careful reader would notice it.
      const res = await bash(['-e'], walkthrough(), { BASE: server.url, TMPDIR: root });
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      const out = res.stdout;
      expect(out).toMatch(/"user":\{"alias":"ada"/);
      expect(out).toMatch(/"user":\{"alias":"charles"/);
      expect(out).toMatch(/"post":"Hello @charles, notes at https:\/\/example.com\/notes"/);
      expect(out).toContain('{"state":"done","audience":1,"delivered":1}');
      expect(out).toMatch(/"items":\[\{"id":"[0-9A-Z]{26}","author":\{"alias":"ada"/);
      expect(out).toMatch(/"imageUrl":"\/media\/[^"]+\.(jpg|webp)"/);
      expect(out).toContain('"path":"body.visibility"');
      expect(out.match(/^200$/gm)).toHaveLength(1); // follow
      expect(out.match(/^204$/gm)).toHaveLength(2); // delete status, sign out
      expect(out).toMatch(/^tweeter_queue_jobs\{state="ready"\} \d+$/m);
      expect(out).toMatch(/^tweeter_feed_entries_delivered_total 1$/m);
      expect(out).toMatch(/^3\.1\.0$/m);
    },
  );

  it(
    'stops with a clear message when a login fails, instead of going on with an empty token',
    { timeout: 60_000 },
    async () => {
      root = mkdtempSync(join(tmpdir(), 'tweeter-readme-'));
      // Nothing listens there: pasted into a shell without -e, the first check stops the script.
      const res = await bash([], walkthrough(), { BASE: 'http://127.0.0.1:9', TMPDIR: root });
      expect(res.status).not.toBe(0);
      expect(res.stderr).toMatch(/TOKEN_ADA: login as ada failed: is the server running at http:\/\/127\.0\.0\.1:9\?/);
      expect(res.stdout).not.toMatch(/undefined/);
    },
  );
});
