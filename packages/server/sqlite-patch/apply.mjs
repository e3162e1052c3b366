#!/usr/bin/env node
// Applies pcache1-maxkey.diff (beside this file) to the SQLite amalgamation that better-sqlite3 bundles and rebuilds
// better-sqlite3 once, from that source (the root package's postinstall runs it after every `npm ci` / `npm install`).
// Why: docs/benchmarks.md, "SQLite's whole-cache walk at COMMIT" (s21-pcache); what: docs/architecture.md, "The
// bundled SQLite's patch". The patch is Tweeter's own change to SQLite's source, which is in the public domain.
//
// It patches only the exact amalgamation it was made for (sha256 below: better-sqlite3 12.11.1's SQLite 3.53.2).
// Any other one is left alone with a message: the server works unpatched (and logs so at start). Idempotent: once
// the source is patched and the built binary carries the patch's marker, a second run does nothing. A run that finds
// the source patched but the binary not (a build that failed or was replaced) builds again. A prebuilt binary (no
// build tree) is left alone.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ORIGINAL = '60d2f39a3726cd6b9021da6f4e868608d66fbb6528a9f513dc8ffcc640493422';
const PATCHED = 'eb653a85c494b3d475154131614dee085322bcb3c2bdf946cee0707e157c8926';
/** The name PRAGMA compile_options lists for the patched build (SQLITE_TWEETER_PCACHE1_MAXKEY, set by the patch). */
const MARKER = 'TWEETER_PCACHE1_MAXKEY';
const say = (message) => process.stdout.write(`[sqlite-patch] ${message}\n`);

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * Applies a unified diff to `text` strictly: every hunk at its stated line, every context and removed line equal.
 * Written here rather than taken from a diff library: it runs at install, before a library could be relied on, on one
 * known input, and its output is checked against PATCHED's hash before it is written.
 */
function applyDiff(text, diff) {
  const lines = text.split('\n');
  const out = [];
  let at = 0; // next line of `lines` not yet copied
  const hunks = diff.split('\n');
  for (let i = 0; i < hunks.length; i++) {
    const head = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(hunks[i]);
    if (!head) continue;
    const start = Number(head[1]) - 1;
    if (start < at) throw new Error(`hunk at line ${start + 1} overlaps the one before`);
    while (at < start) out.push(lines[at++]);
    for (i++; i < hunks.length && !hunks[i].startsWith('@@'); i++) {
      const line = hunks[i];
      if (line.startsWith('+')) out.push(line.slice(1));
      else if (line.startsWith(' ') || line.startsWith('-')) {
        if (lines[at] !== line.slice(1)) throw new Error(`line ${at + 1} differs from the patch's`);
        if (line.startsWith(' ')) out.push(lines[at]);
        at++;
      } else if (line !== '' && !line.startsWith('\\')) break;
    }
    i--;
  }
  while (at < lines.length) out.push(lines[at++]);
  return out.join('\n');
}

function main() {
  let packageJson;
  try {
    const fromServer = createRequire(join(here, '..', 'package.json'));
    packageJson = fromServer.resolve('better-sqlite3/package.json');
  } catch {
    say('better-sqlite3 is not installed: nothing to patch');
    return 0;
  }
  const root = dirname(packageJson);
  const source = join(root, 'deps', 'sqlite3', 'sqlite3.c');
  const binary = join(root, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(source)) {
    say(`${source} is missing: not patched (the server works unpatched)`);
    return 0;
  }
  // latin1 both ways: the amalgamation is read and written byte for byte.
  const text = readFileSync(source, 'latin1');
  const hash = sha256(Buffer.from(text, 'latin1'));
  if (hash === ORIGINAL) {
    const patched = applyDiff(text, readFileSync(join(here, 'pcache1-maxkey.diff'), 'latin1'));
    if (sha256(Buffer.from(patched, 'latin1')) !== PATCHED) {
      say('the patched source is not the expected one: left unpatched (the server works unpatched)');
      return 0;
    }
    writeFileSync(source, patched, 'latin1');
    say(`patched ${source}`);
  } else if (hash !== PATCHED) {
    say(
      `better-sqlite3's SQLite is not the amalgamation this patch was made for (sha256 ${hash}, expected ` +
        `${ORIGINAL}): not patched, the server works unpatched. Remake packages/server/sqlite-patch for it.`,
    );
    return 0;
  }
  if (existsSync(binary) && readFileSync(binary).includes(MARKER)) {
    say('better-sqlite3 is built from the patched SQLite: nothing to do');
    return 0;
  }
  // A tree that better-sqlite3's install built from source rebuilds only what the patch changed (SQLite, then the
  // link). A binary that came prebuilt (where its download is reachable) is left as it is: rebuilding it would need a
  // compiler the machine may not have, and a failed rebuild would leave no binary at all.
  if (!existsSync(join(root, 'build', 'Makefile'))) {
    say(
      'better-sqlite3 came prebuilt: not rebuilt from the patched source (the server works unpatched; to build it: ' +
        '`npm rebuild better-sqlite3 --build-from-source`)',
    );
    return 0;
  }
  // npm sets npm_config_node_gyp for scripts it runs; by hand, npm's own copy beside this node.
  const gyp =
    process.env.npm_config_node_gyp ??
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    );
  const args = ['build', '--release'];
  say(`building better-sqlite3 from the patched SQLite (node-gyp ${args.join(' ')})`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [gyp, ...args], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0 || !readFileSync(binary).includes(MARKER)) {
    say('the build failed (see above): better-sqlite3 is not patched');
    return 1;
  }
  say(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
