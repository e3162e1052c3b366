import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../src/runtimes/node/heap-flags.js';
import { BIN, cleanUp, type ServerProcess } from '../support/server-process.js';
import { TEST_ENV } from '../support/test-app.js';

const ROOT = join(dirname(BIN), '..', '..', '..');
const MIB = 1024 * 1024;

let dataDir: string | undefined;
let server: (ServerProcess & { output: () => string }) | undefined;
afterEach(async () => {
  await cleanUp(server, dataDir);
  server = undefined;
  dataDir = undefined;
});

/** `command args` as a server on a new DATA_DIR, once it logs its URL (with its output so far, for the warning). */
async function serve(command: string, args: string[]): Promise<ServerProcess & { output: () => string }> {
  dataDir = mkdtempSync(join(tmpdir(), 'tweeter-heap-flags-'));
  // The first line of the bin finds `node` on PATH: this node, whatever the PATH of the test run.
  const path = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
  const child = spawn(command, args, {
    env: { ...process.env, ...TEST_ENV, LOG_LEVEL: 'info', DATA_DIR: dataDir, PATH: path },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    child,
    output: () => output,
    async kill(signal) {
      child.kill(signal);
      return exited;
    },
  };
}

/** The server's young generation as /metrics reports it (V8's new space, in bytes). */
async function newSpaceBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/m.exec(text);
  if (!m?.[1]) throw new Error(`no new space in /metrics:\n${text.slice(0, 500)}`);
  return Number(m[1]);
}

describe('the heap flags the server runs with', () => {
  it('are the first line of the `tweeter` command and the node flags of `npm start`, from one list', () => {
    const flags = SERVER_NODE_FLAGS.join(' ');
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
      .scripts;
    expect(scripts.start).toContain(`exec node ${flags} packages/server/bin/tweeter.js serve`);
  });

  it("turn V8's memory reducer off: its mark-compacts of an idle-looking heap paused a post's threads 20-150 ms", () => {
    // The reducer ran as the bench's sign-in ended and posting began, on the HTTP and job threads (docs/benchmarks.md,
    // `s13-post`); the command's first line and `npm start` carry the flag through the list (the test above).
    expect(SERVER_NODE_FLAGS).toContain('--no-memory-reducer');
  });

  it('`tweeter serve` run as a command has a young generation of at least 16 MiB, no warning, and stops on SIGTERM', async () => {
    server = await serve(BIN, ['serve']);
    // The shebang's flags reached node (the same process: env execs it), and V8 applied them.
    const cmdline = readFileSync(`/proc/${server.child.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toEqual(expect.arrayContaining([...SERVER_NODE_FLAGS]));
    expect(await newSpaceBytes(server.url)).toBeGreaterThanOrEqual(16 * MIB);
    expect(server.output()).not.toContain('without the server heap flags');
    expect(await server.kill('SIGTERM')).toBe(0);
  }, 60_000);

  it('a server started by plain `node` without them says so in its log', async () => {
    server = await serve(process.execPath, [BIN, 'serve']);
    // Logged once the start is done: it can follow the URL by a moment.
    await expect.poll(() => server?.output(), { timeout: 10_000 }).toContain('without the server heap flags');
    expect(await server.kill('SIGTERM')).toBe(0);
  }, 60_000);
});
