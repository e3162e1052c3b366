import { runSearchReindexContract } from './contract/search-reindex-contract.js';
import { createDynamoTestStore } from './support/dynamo-store.js';
import { useDynalite } from './support/emulators.js';

// The search reindex contract on dynalite: a paginated Scan, the state item moved with its outbox (fresh tables per case).
const dynalite = useDynalite();

runSearchReindexContract({
  name: 'dynamodb (dynalite)',
  // Small bounds: the table holds a few dozen items, and a run must take several steps whatever their order.
  bounds: { rows: 6, page: 3 },
  create: async () => {
    const t = await createDynamoTestStore(dynalite.endpoint);
    return { store: t.store, queue: t.queue, cleanup: t.cleanup };
  },
});
