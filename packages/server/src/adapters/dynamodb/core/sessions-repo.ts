import type { SessionRecord, SessionRepo } from '../../../ports/store.js';
import type { DynamoDeps, Item } from '../client.js';
import { deleteItem, getItem, num, putItem, str } from '../social/items.js';
import { sessionKey, ttlSeconds } from './keys.js';

/**
 * Sessions on DynamoDB: one item per token hash (`SESSION#<hash>` / `SESSION`) with a `ttl`, so DynamoDB's TTL
 * reclaims expired ones (hours or days late); the service decides expiry at read time from expiresAt.
 */
export function createDynamoSessionsRepo(deps: DynamoDeps): SessionRepo {
  return {
    async create(session) {
      await putItem(deps, {
        Item: { ...sessionKey(session.tokenHash), ...session, ttl: ttlSeconds(session.expiresAt) },
      });
    },
    async get(tokenHash) {
      const item = await getItem(deps, sessionKey(tokenHash));
      return item ? toRecord(item) : null;
    },
    async delete(tokenHash) {
      await deleteItem(deps, { Key: sessionKey(tokenHash) });
    },
    async deleteExpired() {
      return 0; // TTL reclaims them; a scan here would read every session
    },
  };
}

function toRecord(item: Item): SessionRecord {
  return {
    tokenHash: str(item.tokenHash),
    alias: str(item.alias),
    createdAt: num(item.createdAt),
    expiresAt: num(item.expiresAt),
  };
}
