#!/usr/bin/env node
// What one /metrics scrape costs each thread of an idle `tweeter.js serve`: CPU from /proc/<pid>/task/*/schedstat
// (ns run) before and after N scrapes, after a warm-up. Run from the repository's root, under the bench lock:
//   flock /work/bench.lock node packages/bench/scripts/scrape-cost.mjs [--warmup 50] [--scrapes 40] [--cpu-prof DIR]
/* global process, fetch, performance, console */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const warmup = Number(arg('warmup', '50'));
const scrapes = Number(arg('scrapes', '40'));
const cpuProf = arg('cpu-prof', undefined);
const dataDir = mkdtempSync(join(tmpdir(), 'scrape-cost-'));
const port = 20000 + Math.floor(Math.random() * 20000);
const nodeArgs = cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuProf] : [];
const child = spawn(process.execPath, [...nodeArgs, 'packages/server/bin/tweeter.js', 'serve'], {
  env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;

/** ns run by each thread, by name (the main thread as `main`). */
function threads() {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
    const dir = `/proc/${child.pid}/task/${tid}`;
    const name = Number(tid) === child.pid ? 'main' : readFileSync(`${dir}/comm`, 'utf8').trim();
    const ran = Number(readFileSync(`${dir}/schedstat`, 'utf8').split(' ')[0]);
    out.set(name, (out.get(name) ?? 0) + ran);
  }
  return out;
}

async function scrape() {
  const res = await fetch(`${base}/metrics`);
  return (await res.text()).length;
}

try {
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 200) throw new Error('server did not start');
    await sleep(100);
  }
  for (let i = 0; i < warmup; i += 1) await scrape();
  await sleep(500);
  const idleBefore = threads();
  await sleep(1000);
  const idleAfter = threads();
  const before = threads();
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < scrapes; i += 1) bytes = await scrape();
  const wallMs = performance.now() - t0;
  const after = threads();
  const idlePerMs = (name) => ((idleAfter.get(name) ?? 0) - (idleBefore.get(name) ?? 0)) / 1e6 / 1000;
  const result = { scrapes, bytes, wall_ms_per_scrape: +(wallMs / scrapes).toFixed(2), cpu_ms_per_scrape: {} };
  for (const [name, ns] of after) {
    // Less what the thread spends idle over the same wall time (timers, the tick).
    const ms = (ns - (before.get(name) ?? 0)) / 1e6 - idlePerMs(name) * wallMs;
    if (Math.abs(ms) > 0.05 * scrapes) result.cpu_ms_per_scrape[name] = +(ms / scrapes).toFixed(3);
  }
  console.log(JSON.stringify(result));
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
