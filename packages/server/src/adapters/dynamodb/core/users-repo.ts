import type { UserRecord, UserRepo } from '../../../ports/store.js';
import { batchGet, mapLimit, type DynamoDeps, type Item } from '../client.js';
import { getItem, num, putNew, str, updateItem } from '../social/items.js';
import { userKey } from './keys.js';

/** Users on DynamoDB: one item per user (`USER#<alias>` / `PROFILE`); the alias is claimed by a conditional put. */
export function createDynamoUsersRepo(deps: DynamoDeps): UserRepo {
  return {
    async create(user) {
      return putNew(deps, toItem(user));
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
    async createMany(users) {
      const created = await mapLimit(users, deps.batchConcurrency, (user) => putNew(deps, toItem(user)));
      return created.filter(Boolean).length;
    },
  };
}

function toItem(user: UserRecord): Item {
  return { ...userKey(user.alias), ...user, imageKey: user.imageKey ?? undefined };
}

function toRecord(item: Item): UserRecord {
  return {
    alias: str(item.alias),
    firstName: str(item.firstName),
    lastName: str(item.lastName),
    passwordHash: str(item.passwordHash),
    imageKey: typeof item.imageKey === 'string' ? item.imageKey : null,
    createdAt: num(item.createdAt),
    followerCount: num(item.followerCount),
    followeeCount: num(item.followeeCount),
  };
}
