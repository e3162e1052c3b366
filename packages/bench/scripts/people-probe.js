// In-process A/B of people search's CPU: the same service over the same SQLite file (the search-people
// population, opened read-only), with the one-read slice (ProfileSliceReader) and without it (three reads),
// alternated. Usage, after a build: node packages/bench/scripts/people-probe.js <tweeter.db>
import { createRequire } from 'node:module';
const root = new URL('../../server/dist', import.meta.url).pathname;
const Database = createRequire(`${root}/`)('better-sqlite3');
const file = process.argv[2];
if (!file) throw new Error('usage: people-probe.js <tweeter.db of the search-people population>');
const { createSqliteStore } = await import(`${root}/adapters/sqlite/store.js`);
const { Visibility } = await import(`${root}/domain/visibility.js`);
const { PeopleSearchService } = await import(`${root}/services/people-search.js`);
const { UserPresenter } = await import(`${root}/services/user-presenter.js`);
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('cache_size = -65536');
const clock = { now: () => Date.now() };
const store = createSqliteStore(db, { clock, signal: { notify() {} } });
const visibility = new Visibility({ relations: store.relations });
const base = {
  people: store.people,
  users: store.users,
  follows: store.follows,
  relations: store.relations,
  visibility,
  userPresenter: new UserPresenter('http://x'),
  clock,
  rankedTtlMs: 3_600_000,
};
const one = new PeopleSearchService({ ...base, profileSlices: store.profileSlices });
const three = new PeopleSearchService(base);
const users = db.prepare('select alias, first_name, last_name from users').raw().all();
let seed = 7;
const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const qs = [];
for (let k = 0; k < 2000; k++) {
  const u = users[Math.floor(rnd() * users.length)];
  const p = rnd();
  const len = 1 + Math.floor(rnd() * 4);
  const src = p < 0.4 ? u[1] : p < 0.8 ? u[2] : u[0];
  qs.push({
    viewer: users[Math.floor(rnd() * users.length)][0],
    q: src === u[0] ? src.slice(0, 5 + len) : src.slice(0, len),
  });
}
await one.refreshTop();
await three.refreshTop();
for (const s of [one, three]) for (const { viewer, q } of qs) await s.search(viewer, { q, limit: 20 });
// Both give the same pages.
let same = 0;
for (const { viewer, q } of qs.slice(0, 300))
  if (
    JSON.stringify(await one.search(viewer, { q, limit: 20 })) ===
    JSON.stringify(await three.search(viewer, { q, limit: 20 }))
  )
    same++;
console.log('same answers', same, 'of 300');
const res = { one: [], three: [] };
for (let round = 0; round < 6; round++)
  for (const [name, s] of [
    ['three', three],
    ['one', one],
  ]) {
    const t = process.cpuUsage();
    for (const { viewer, q } of qs) await s.search(viewer, { q, limit: 20 });
    const u = process.cpuUsage(t);
    res[name].push(((u.user + u.system) / qs.length).toFixed(1));
  }
console.log('µs a search (CPU, in process), 6 alternated rounds of 2,000:', JSON.stringify(res));
