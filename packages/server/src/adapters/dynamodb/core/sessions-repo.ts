import type { SessionRecord, SessionRepo } from '../../../ports/store.js';
import type { DynamoDeps, Item } from '../client.js';
import { batchWrite } from '../client.js';
import { deleteItem, getItem, num, putItem, queryAll, str } from '../social/items.js';
import { sessionKey, USER_SESSION_PREFIX, userKey, userSessionKey, ttlSeconds } from './keys.js';

/**
 * Sessions on DynamoDB: one item per token hash (`SESSION#<hash>` / `SESSION`) with a `ttl`, so DynamoDB's TTL
 * reclaims expired ones (hours or days late); the service decides expiry at read time from expiresAt. Each session
 * is also listed in its user's partition (`USER#<alias>` / `SESSION#<hash>`, same `ttl`), written before the session
 * item: a session that exists is always listed, so ending a user's sessions finds every one.
 */
export function createDynamoSessionsRepo(deps: DynamoDeps): SessionRepo {
  return {
    async create(session) {
      const ttl = ttlSeconds(session.expiresAt);
      await putItem(deps, {
        Item: { ...userSessionKey(session.alias, session.tokenHash), tokenHash: session.tokenHash, ttl },
      });
      await putItem(deps, {
        Item: { ...sessionKey(session.tokenHash), ...session, ttl },
      });
    },
    async get(tokenHash) {
      const item = await getItem(deps, sessionKey(tokenHash));
      return item ? toRecord(item) : null;
    },
    async delete(tokenHash) {
      await deleteItem(deps, { Key: sessionKey(tokenHash) });
    },
    async deleteOfUser(alias, options) {
      const { items } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': userKey(alias).pk, ':prefix': USER_SESSION_PREFIX },
      });
      const hashes = items.map((item) => str(item.tokenHash)).filter((hash) => hash !== options?.except);
      // The sessions first, then their listing: a crash in between leaves a listing of no session, never the reverse.
      await batchWrite(
        deps,
        deps.tables.main,
        hashes.map((hash) => ({ DeleteRequest: { Key: sessionKey(hash) } })),
      );
      await batchWrite(
        deps,
        deps.tables.main,
        hashes.map((hash) => ({ DeleteRequest: { Key: userSessionKey(alias, hash) } })),
      );
      return hashes;
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
