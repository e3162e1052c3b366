import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_SCHEMA_VERSION, type PopulationPlan } from '@tweeter/server/tooling';

/**
 * Bumped whenever what `tweeter populate` writes changes shape (texts, graph, rows), so an old cache is not reused.
 * 1: statuses through the embedded file's bulk path (populate-bulk.ts). The embedded schema's version is part of
 * the key as well, so a file made before a migration is never reused after it (opening it would run the migration,
 * and a migration's data step, such as 18's reindex, on every copy).
 */
export const POPULATION_CACHE_FORMAT = 1;

/** Where populated DATA_DIRs are kept between bench runs: the OS temp dir, one folder per plan. */
export function populationCacheRoot(): string {
  return join(tmpdir(), 'tweeter-bench-cache');
}

/** The cache folder of `plan`: its sizes in the name (to find it by eye), a hash of every field (to be exact). */
export function populationCachePath(plan: PopulationPlan): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        format: POPULATION_CACHE_FORMAT,
        schema: EMBEDDED_SCHEMA_VERSION,
        plan: Object.entries(plan).sort(),
      }),
    )
    .digest('hex')
    .slice(0, 12);
  return join(populationCacheRoot(), `u${plan.users}-s${plan.statusesEach}-f${plan.followeesEach}-${hash}`);
}

/**
 * Copies the populated DATA_DIR of `plan` into `dataDir` (empty), populating the cache first when it has none. A
 * cache is written to a folder of its own and renamed into place once complete, so an interrupted population is
 * never reused; the copy leaves the cached file as populated, whatever the run does to its own.
 */
export async function populateFromCache(
  dataDir: string,
  plan: PopulationPlan,
  log: (line: string) => void,
  populateInto: (dir: string, plan: PopulationPlan, log: (line: string) => void) => Promise<void>,
): Promise<void> {
  const cached = populationCachePath(plan);
  if (existsSync(cached)) {
    log(`reusing the populated file in ${cached} (delete the folder to build it again)`);
  } else {
    mkdirSync(populationCacheRoot(), { recursive: true });
    const building = `${cached}.building-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    try {
      await populateInto(building, plan, log);
      renameSync(building, cached);
    } catch (err) {
      rmSync(building, { recursive: true, force: true });
      throw err;
    }
    log(`kept the populated file in ${cached} for the next run`);
  }
  cpSync(cached, dataDir, { recursive: true });
}
