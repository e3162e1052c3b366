// In-process A/B of the SQLite status-counts reader (a page's counters in one statement): two server builds over the
// same file, their answers compared, then eight alternated rounds of 20,000 reads of 64 feed pages' ids.
// Usage: node packages/bench/scripts/counts-probe.js <tweeter.db> <server dist A> <server dist B>
// (the file: a feed-probe.js data directory's, say).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
const [file, ...dists] = process.argv.slice(2);
if (!file || dists.length !== 2) throw new Error('usage: counts-probe.js <tweeter.db> <server dist A> <server dist B>');
const readers = [];
for (const dist of dists.map((d) => resolve(d))) {
  const Database = createRequire(`${dist}/`)('better-sqlite3');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('cache_size = -65536');
  const { createStatusCountsReader } = await import(`${dist}/adapters/sqlite/status-counts-repo.js`);
  readers.push({ dist, db, reader: createStatusCountsReader(db) });
}
const { db } = readers[0];
const owners = db.prepare('SELECT alias FROM users LIMIT 64 OFFSET 100').pluck().all();
const page = db.prepare('SELECT status_id FROM feed_entries WHERE owner = ? ORDER BY status_id DESC LIMIT 20').pluck();
const pages = owners.map((o) => page.all(o));
let same = 0;
for (const [i, ids] of pages.entries()) {
  const [a, b] = await Promise.all(readers.map((r) => r.reader.read(ids, owners[i])));
  if (JSON.stringify([...a]) === JSON.stringify([...b])) same++;
}
console.log('same counters', same, 'of', pages.length);
const N = 20_000;
const res = readers.map(() => []);
for (let round = 0; round < 8; round++)
  for (const [i, { reader }] of readers.entries()) {
    const t = process.cpuUsage();
    for (let n = 0; n < N; n++) await reader.read(pages[n % 64], owners[n % 64]);
    const u = process.cpuUsage(t);
    res[i].push(Math.round(((u.user + u.system) / N) * 10) / 10);
  }
for (const [i, { dist }] of readers.entries())
  console.log(`µs a read (CPU, 8 rounds of ${N}): ${dist}`, JSON.stringify(res[i]));
