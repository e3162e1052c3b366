import type { UserRecord, UserRepo } from '../../../ports/store.js';
import { batchGet, batchWrite, type DynamoDeps, type Item } from '../client.js';
import { getItem, num, putItem, putNew, queryAll, str, updateItem } from '../social/items.js';
import { PULLED_PK, pulledKey, userKey } from './keys.js';
import { pendingAttributes, pendingUpdate, type DynamoOutbox } from './outbox.js';
import { PulledRegistryCache } from '../../pulled-accounts-cache.js';

// Both marks keep the earliest id: concurrent first pulled posts agree, and a later one never moves it.
const EARLIEST = 'attribute_not_exists(pulledSince) OR pulledSince > :since';

/**
 * Users on DynamoDB: one item per user (`USER#<alias>` / `PROFILE`); the alias is claimed by a conditional put.
 * The PULLED registry is read through a per-process cache (adapters/pulled-accounts-cache.ts): `pulledRegistryTtlMs` old at most.
 */
export function createDynamoUsersRepo(
  deps: DynamoDeps,
  outbox: DynamoOutbox,
  options: { now: () => number; pulledRegistryTtlMs?: number },
): UserRepo {
  const pulled = new PulledRegistryCache(
    async () => {
      const { items } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PULLED_PK },
      });
      return new Map(items.map((item) => [str(item.alias), str(item.pulledSince)]));
    },
    options.now,
    options.pulledRegistryTtlMs,
  );
  return {
    async create(user, opts) {
      // The account's jobs (index.user) ride on its item as an outbox: sent after the put, re-sent by the sweeper
      // if this process dies first, so the account is indexed even then.
      const jobs = opts?.outbox ?? [];
      const itemKey = userKey(user.alias);
      const item = {
        ...toItem(user),
        ...(jobs.length > 0 ? pendingAttributes('user', jobs, options.now(), itemKey) : {}),
      };
      if (!(await putNew(deps, item))) return false;
      if (jobs.length > 0) await outbox.finish(item);
      return true;
    },
    async get(alias) {
      const item = await getItem(deps, userKey(alias));
      return item ? toRecord(item) : null;
    },
    async getMany(aliases) {
      const users = new Map<string, UserRecord>();
      // Eventually consistent (half the read units): profiles change rarely, and a page shows them a moment late.
      for (const item of await batchGet(deps, deps.tables.main, aliases.map(userKey))) {
        const user = toRecord(item);
        users.set(user.alias, user);
      }
      return users;
    },
    async setImage(alias, imageKey) {
      await updateItem(deps, {
        Key: userKey(alias),
        UpdateExpression: imageKey === null ? 'REMOVE imageKey' : 'SET imageKey = :k',
        ConditionExpression: 'attribute_exists(pk)',
        ...(imageKey === null ? {} : { ExpressionAttributeValues: { ':k': imageKey } }),
      });
    },
    async updateProfile(alias, changes, opts) {
      const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
      const jobs = opts?.outbox ?? [];
      if (fields.length === 0 && jobs.length === 0) {
        const item = await getItem(deps, userKey(alias));
        return item ? toRecord(item) : null;
      }
      // The jobs are the change's outbox, as for create: set with the fields in one conditional update.
      const pending =
        jobs.length > 0 ? pendingUpdate(pendingAttributes('user', jobs, options.now(), userKey(alias))) : null;
      const out = await updateItem(deps, {
        Key: userKey(alias),
        UpdateExpression: `SET ${[...fields.map(([name]) => `#${name} = :${name}`), ...(pending ? [pending.set] : [])].join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: {
          ...Object.fromEntries(fields.map(([name]) => [`#${name}`, name])),
          ...pending?.names,
        },
        ExpressionAttributeValues: {
          ...Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
          ...pending?.values,
        },
        ReturnValues: 'ALL_NEW',
      });
      if (out && pending) await outbox.finish(out);
      return out ? toRecord(out) : null;
    },
    async setPasswordHash(alias, passwordHash) {
      await updateItem(deps, {
        Key: userKey(alias),
        UpdateExpression: 'SET passwordHash = :h',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':h': passwordHash },
      });
    },
    async createMany(users) {
      // A bulk load (the population tool): which aliases exist is read first, the new users are batch-written
      // (BatchWriteItem of 25, unprocessed items retried with backoff). Not for requests: a sign-up racing the load
      // for one alias could be overwritten, where create() claims the alias with a conditional put.
      const unique = [...new Map(users.map((u) => [u.alias, u])).values()];
      const existing = new Set(
        (
          await batchGet(
            deps,
            deps.tables.main,
            unique.map((u) => userKey(u.alias)),
            { consistent: true },
          )
        ).map((item) => str(item.alias)),
      );
      const fresh = unique.filter((u) => !existing.has(u.alias));
      await batchWrite(
        deps,
        deps.tables.main,
        fresh.map((user) => ({ PutRequest: { Item: toItem(user) } })),
      );
      return fresh.length;
    },
    async markPulled(alias, since) {
      // The registry first: feeds read it, posts read the profile. A crash between the two leaves the profile
      // unmarked, so the next post marks again; the other order could leave an account pulled but never merged.
      try {
        await putItem(deps, {
          Item: { ...pulledKey(alias), alias, pulledSince: since },
          ConditionExpression: EARLIEST,
          ExpressionAttributeValues: { ':since': since },
        });
      } finally {
        // This process's next feed page reads the registry again, so the account's pulled posts show at once here.
        pulled.marked();
      }
      await updateItem(deps, {
        Key: userKey(alias),
        UpdateExpression: 'SET pulledSince = :since',
        ConditionExpression: `attribute_exists(pk) AND (${EARLIEST})`,
        ExpressionAttributeValues: { ':since': since },
      });
    },
    async pulledAccounts() {
      return pulled.accounts();
    },
  };
}

function toItem(user: UserRecord): Item {
  return {
    ...userKey(user.alias),
    ...user,
    imageKey: user.imageKey ?? undefined,
    pulledSince: user.pulledSince ?? undefined,
  };
}

export function toRecord(item: Item): UserRecord {
  return {
    alias: str(item.alias),
    firstName: str(item.firstName),
    lastName: str(item.lastName),
    passwordHash: str(item.passwordHash),
    imageKey: typeof item.imageKey === 'string' ? item.imageKey : null,
    createdAt: num(item.createdAt),
    followerCount: num(item.followerCount),
    followeeCount: num(item.followeeCount),
    bio: typeof item.bio === 'string' ? item.bio : '',
    ...(typeof item.pulledSince === 'string' ? { pulledSince: item.pulledSince } : {}),
  };
}
