// Which people searches are slow, and are they the same each time? The search-people scenario's own prefixes (the
// same seed, warm-up and order) asked of PeopleSearchService in one process over the scenario's SQLite file, each timed
// alone (wall and thread CPU), through the five passes over the 2,000 measured prefixes that a 20 s run at 500/s makes.
// Usage, after a build: node packages/bench/scripts/people-tail-probe.js <tweeter.db> [--rounds N] [--no-slices] [--no-cache]
import { createRequire } from 'node:module';
const root = new URL('../../server/dist', import.meta.url).pathname;
const Database = createRequire(`${root}/`)('better-sqlite3');
const file = process.argv[2];
if (!file) throw new Error('usage: people-tail-probe.js <tweeter.db of the search-people population>');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const passes = arg('--rounds', 5);
const { createSqliteStore } = await import(`${root}/adapters/sqlite/store.js`);
const { Visibility } = await import(`${root}/domain/visibility.js`);
const { PeopleSearchService } = await import(`${root}/services/people-search.js`);
const { UserPresenter } = await import(`${root}/services/user-presenter.js`);
const { userAlias } = await import(`${root}/tooling/index.js`);
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('cache_size = -65536');
const clock = { now: () => Date.now() };
const store = createSqliteStore(db, { clock, signal: { notify() {} } });
const service = new PeopleSearchService({
  people: store.people,
  ...(process.argv.includes('--no-slices') ? {} : { profileSlices: store.profileSlices }),
  users: store.users,
  follows: store.follows,
  relations: store.relations,
  visibility: new Visibility({ relations: store.relations }),
  userPresenter: new UserPresenter('http://x'),
  clock,
  // --no-cache: every ask ranks its list again (what a first ask costs), to find the costly rankings.
  ...(process.argv.includes('--no-cache') ? { rankedTtlMs: 0 } : {}),
});

// The bench's own prefixes (scenarios/people.ts), seed 1 (the bench's default).
const { peoplePrefixes: queries } = await import(new URL('../dist/scenarios/people.js', import.meta.url).pathname);
const users = 100_000;
const list = queries(users, 4000, 1);
const viewer = userAlias(1);
const ask = (q) => service.search(viewer, { q, limit: 20 });
for (const q of list.slice(0, 50)) await ask(q);
await service.refreshTop();
for (const q of queries(users, 2000, 4).slice(0, 1000)) await ask(q);

const measured = list.slice(0, 2000);
const times = measured.map(() => []);
const all = [];
const { threadCpuUsage } = process;
for (let pass = 0; pass < passes; pass++)
  for (let k = 0; k < measured.length; k++) {
    const c0 = threadCpuUsage ? threadCpuUsage() : process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await ask(measured[k]);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = threadCpuUsage ? threadCpuUsage(c0) : process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    times[k].push(ms);
    all.push({ k, pass, ms, cpuMs });
  }
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
for (let pass = 0; pass < passes; pass++) {
  const xs = all.filter((a) => a.pass === pass);
  const ms = xs.map((a) => a.ms);
  const cpu = xs.map((a) => a.cpuMs);
  console.log(
    `pass ${pass + 1}: wall p50 ${pct(ms, 50).toFixed(3)} p99 ${pct(ms, 99).toFixed(3)} max ${Math.max(...ms).toFixed(2)} ms;` +
      ` cpu mean ${((cpu.reduce((a, b) => a + b, 0) / cpu.length) * 1000).toFixed(0)} µs p99 ${pct(cpu, 99).toFixed(3)} ms`,
  );
}
// The slowest 1% of all asks: which prefixes, in which pass, and the same prefix's time in the other passes.
const slow = [...all].sort((a, b) => b.ms - a.ms).slice(0, Math.ceil(all.length / 100));
const byPrefix = new Map();
for (const a of slow) byPrefix.set(a.k, (byPrefix.get(a.k) ?? 0) + 1);
console.log(
  `slowest 1% (${slow.length} asks): ${byPrefix.size} distinct prefixes; by pass:`,
  JSON.stringify(Array.from({ length: passes }, (_, p) => slow.filter((a) => a.pass === p).length)),
);
for (const a of slow.slice(0, 25))
  console.log(
    `  ${JSON.stringify(measured[a.k]).padEnd(12)} pass ${a.pass + 1} ${a.ms.toFixed(2)} ms (cpu ${a.cpuMs.toFixed(2)}); all passes:`,
    times[a.k].map((t) => t.toFixed(2)).join(' '),
  );
// The costliest asks by thread CPU (work of ours, not the machine's stalls): which prefixes, which pass.
const costly = [...all].sort((a, b) => b.cpuMs - a.cpuMs);
for (const limit of [1, 2, 4])
  console.log(
    `asks over ${limit} ms of CPU by pass:`,
    JSON.stringify(
      Array.from({ length: passes }, (_, p) => costly.filter((a) => a.pass === p && a.cpuMs > limit).length),
    ),
  );
for (const a of costly.slice(0, 25))
  console.log(
    `  ${JSON.stringify(measured[a.k]).padEnd(12)} pass ${a.pass + 1} cpu ${a.cpuMs.toFixed(2)} ms, wall ${a.ms.toFixed(2)}`,
  );
