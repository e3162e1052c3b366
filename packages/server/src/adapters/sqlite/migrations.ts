import type { Db } from './database.js';
import { CORE_MIGRATIONS } from './migrations-core.js';
import { SOCIAL_MIGRATIONS } from './migrations-social.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Data changes SQL alone cannot make, run in the migration's transaction after `sql`. */
  run?: (db: Db) => void;
}

/** Versioned schema changes, applied in order at start; never edit a released one, add a new one. */
export const MIGRATIONS: readonly Migration[] = [...CORE_MIGRATIONS, ...SOCIAL_MIGRATIONS];

/** Applies every migration newer than the file's user_version, each in its own transaction. */
export function migrate(db: Db): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.run?.(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
