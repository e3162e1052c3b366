// In-process A/B of the feed page's CPU (FeedService.pageJson, the service alone: statements, hydration, JSON):
// the same population (the feed scenario's graph, populated once into DATA_DIR) read by two builds of the server,
// alternated, and their answers compared byte for byte. Usage, after a build:
//   node packages/bench/scripts/feed-probe.js <data dir> <server dist A> [<server dist B>]
// e.g. node packages/bench/scripts/feed-probe.js /tmp/feed-probe /work/wt-base/packages/server/dist packages/server/dist
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { setImmediate } from 'node:timers';
const [dataDir, ...dists] = process.argv.slice(2);
if (!dataDir || dists.length === 0) throw new Error('usage: feed-probe.js <data dir> <server dist> [<server dist>]');
const plan = { users: 10_000, celebrity: 'celebrity', followers: 0, followeesEach: 20, statusesEach: 2 };

async function build(dist) {
  const root = resolve(dist);
  const { configFromEnvironment, populateStore, userAlias } = await import(`${root}/tooling/index.js`);
  const config = configFromEnvironment({ DATA_DIR: dataDir });
  if (!existsSync(config.databaseFile)) await populateStore(config, { ...plan, password: 'password', seed: 1 });
  const { openDatabase } = await import(`${root}/adapters/sqlite/database.js`);
  const { createSqliteStore } = await import(`${root}/adapters/sqlite/store.js`);
  const { createReadModel } = await import(`${root}/wiring/read-model.js`);
  const { Visibility } = await import(`${root}/domain/visibility.js`);
  const { FeedService } = await import(`${root}/services/feeds.js`);
  const db = openDatabase(config.databaseFile, { readonly: true });
  const clock = { now: () => Date.now() };
  const store = createSqliteStore(db, { clock, signal: { notify() {} } });
  const { hydrator } = createReadModel(config, store, clock, { userCacheTtlMs: 60_000 });
  // A build that reads the pulled accounts through its per-process copy on SQLite (wiring/services.ts) gets it here.
  let users = store.users;
  try {
    const { cachePulled } = await import(`${root}/adapters/pulled-accounts-cache.js`);
    users = cachePulled(store.users, () => clock.now());
  } catch {
    // an older build: every page reads them
  }
  const feeds = new FeedService({
    feeds: store.feeds,
    follows: store.follows,
    statuses: store.statuses,
    users,
    reposts: store.reposts,
    ...(store.repostRowChecks ? { repostRowChecks: store.repostRowChecks } : {}),
    hydrator,
    visibility: new Visibility({ relations: store.relations }),
    pullMax: config.fanout.pullMax,
    maxEntries: config.fanout.feedMaxEntries,
  });
  return { name: dist, feeds, userAlias };
}

const builds = [];
for (const dist of dists) builds.push(await build(dist));
// The feed scenario's 64 readers are a sample of the users; here 64 spread over them, each read in turn.
const viewers = Array.from({ length: 64 }, (_, i) => builds[0].userAlias(1 + ((i * 157) % plan.users)));
const N = Number(process.env.PROBE_N ?? 20_000);
// Each page in a turn of its own, as a request is (a server's turn-scoped reads would otherwise span the loop).
const turn = () => new Promise((resolve) => setImmediate(resolve));
const page = async (b, n) => {
  await turn();
  return b.feeds.pageJson(viewers[n % viewers.length], { limit: 20 });
};
for (const b of builds) for (let n = 0; n < 3000; n++) await page(b, n);
if (builds.length > 1) {
  let same = 0;
  for (let n = 0; n < 64; n++) if ((await page(builds[0], n)).equals(await page(builds[1], n))) same++;
  console.log('same pages', same, 'of 64');
}
const res = Object.fromEntries(builds.map((b, i) => [i, []]));
const faults = Object.fromEntries(builds.map((b, i) => [i, []]));
for (let round = 0; round < Number(process.env.PROBE_ROUNDS ?? 6); round++)
  for (const [i, b] of builds.entries()) {
    const f = process.resourceUsage().minorPageFault;
    const t = process.cpuUsage();
    for (let n = 0; n < N; n++) await page(b, n);
    const u = process.cpuUsage(t);
    faults[i].push(Math.round(((process.resourceUsage().minorPageFault - f) / N) * 100) / 100);
    res[i].push(Math.round(((u.user + u.system) / N) * 10) / 10);
  }
for (const [i, b] of builds.entries())
  console.log(`µs a page (CPU, in process, rounds of ${N}): ${b.name}`, JSON.stringify(res[i]));
for (const [i, b] of builds.entries()) console.log(`minor page faults a page: ${b.name}`, JSON.stringify(faults[i]));
