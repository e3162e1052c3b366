import { runStoreContract } from './contract/store-contract.js';
import { createDynamoTestStore } from './support/dynamo-store.js';
import { useDynalite } from './support/emulators.js';

// The whole Store on dynalite (fresh tables per case); outbox jobs go to a real SQLite job queue.
const dynalite = useDynalite();

const TTL = 'storage expiry is DynamoDB TTL (items carry `ttl`); reads decide expiry, so the sweep removes nothing';

runStoreContract({
  name: 'dynamodb (dynalite)',
  countsRewrites: true,
  create: async () => {
    const t = await createDynamoTestStore(dynalite.endpoint);
    return { store: t.store, queue: t.queue, cleanup: t.cleanup };
  },
  skip: {
    'deleteExpired removes only expired sessions and returns how many': TTL,
    'deleteExpiredKeys removes at most limit keys, oldest first, and never a status': TTL,
  },
});
