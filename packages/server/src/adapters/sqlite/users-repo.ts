import type { ProfileChanges, UserRecord, UserRepo } from '../../ports/store.js';
import type { JobRequest } from '../../ports/job-queue.js';
import type { Db } from './database.js';
import { insertJobs } from './jobs-table.js';
import type { SqliteStoreOptions } from './store.js';

export interface UserRow {
  alias: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  image_key: string | null;
  created_at: number;
  follower_count: number;
  followee_count: number;
  pulled_since?: string | null;
  bio?: string;
}

/** The users repository over SQLite; a sign-up or profile edit commits its outbox jobs in its own transaction. */
export function createUsersRepo(db: Db, { clock, signal }: Pick<SqliteStoreOptions, 'clock' | 'signal'>): UserRepo {
  const insert = db.prepare<UserRow>(
    `INSERT OR IGNORE INTO users
       (alias, first_name, last_name, password_hash, image_key, created_at, follower_count, followee_count, bio)
     VALUES (@alias, @first_name, @last_name, @password_hash, @image_key, @created_at, @follower_count, @followee_count,
       @bio)`,
  );
  const select = db.prepare<[string], UserRow>('SELECT * FROM users WHERE alias = ?');
  const selectMany = db.prepare<[string], UserRow>(
    'SELECT * FROM users WHERE alias IN (SELECT value FROM json_each(?))',
  );
  const updateImage = db.prepare<[string | null, string]>('UPDATE users SET image_key = ? WHERE alias = ?');
  const updateProfile = db.prepare<{
    alias: string;
    first_name: string | null;
    last_name: string | null;
    bio: string | null;
  }>(
    `UPDATE users SET first_name = coalesce(@first_name, first_name), last_name = coalesce(@last_name, last_name),
       bio = coalesce(@bio, bio) WHERE alias = @alias`,
  );
  const updatePassword = db.prepare<[string, string]>('UPDATE users SET password_hash = ? WHERE alias = ?');
  const updatePulled = db.prepare<[string, string, string]>(
    'UPDATE users SET pulled_since = ? WHERE alias = ? AND (pulled_since IS NULL OR pulled_since > ?)',
  );
  const selectPulled = db.prepare<[], { alias: string; pulled_since: string }>(
    'SELECT alias, pulled_since FROM users WHERE pulled_since IS NOT NULL ORDER BY alias',
  );

  const createTx = db.transaction((user: UserRecord, jobs: readonly JobRequest[]): boolean => {
    const created = insert.run(toRow(user)).changes === 1;
    if (created) insertJobs(db, jobs, clock.now());
    return created;
  });
  const updateTx = db.transaction((alias: string, changes: ProfileChanges, jobs: readonly JobRequest[]) => {
    const changed = updateProfile.run({
      alias,
      first_name: changes.firstName ?? null,
      last_name: changes.lastName ?? null,
      bio: changes.bio ?? null,
    }).changes;
    if (changed === 1) insertJobs(db, jobs, clock.now());
    return changed === 1;
  });

  const insertMany = db.transaction((users: readonly UserRecord[]): number => {
    let created = 0;
    for (const user of users) created += insert.run(toRow(user)).changes;
    return created;
  });

  return {
    async create(user, options) {
      const jobs = options?.outbox ?? [];
      const created = createTx.immediate(user, jobs);
      if (created && jobs.length > 0) signal.notify();
      return created;
    },
    async get(alias) {
      const row = select.get(alias);
      return row ? toRecord(row) : null;
    },
    async getMany(aliases) {
      const users = new Map<string, UserRecord>();
      if (aliases.length === 0) return users;
      for (const row of selectMany.all(JSON.stringify(aliases))) users.set(row.alias, toRecord(row));
      return users;
    },
    async setImage(alias, imageKey) {
      updateImage.run(imageKey, alias);
    },
    async updateProfile(alias, changes, options) {
      const jobs = options?.outbox ?? [];
      if (updateTx.immediate(alias, changes, jobs) && jobs.length > 0) signal.notify();
      const row = select.get(alias);
      return row ? toRecord(row) : null;
    },
    async setPasswordHash(alias, passwordHash) {
      updatePassword.run(passwordHash, alias);
    },
    async createMany(users) {
      return users.length === 0 ? 0 : insertMany.immediate(users);
    },
    async markPulled(alias, since) {
      updatePulled.run(since, alias, since);
    },
    async pulledAccounts() {
      return new Map(selectPulled.all().map((row) => [row.alias, row.pulled_since]));
    },
  };
}

function toRow(user: UserRecord): UserRow {
  return {
    alias: user.alias,
    first_name: user.firstName,
    last_name: user.lastName,
    password_hash: user.passwordHash,
    image_key: user.imageKey,
    created_at: user.createdAt,
    follower_count: user.followerCount,
    followee_count: user.followeeCount,
    bio: user.bio ?? '',
  };
}

export function toRecord(row: UserRow): UserRecord {
  return {
    alias: row.alias,
    firstName: row.first_name,
    lastName: row.last_name,
    passwordHash: row.password_hash,
    imageKey: row.image_key,
    createdAt: row.created_at,
    followerCount: row.follower_count,
    followeeCount: row.followee_count,
    bio: row.bio ?? '',
    ...(row.pulled_since != null ? { pulledSince: row.pulled_since } : {}),
  };
}
