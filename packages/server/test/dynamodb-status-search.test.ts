import { runStatusSearchContract } from './contract/status-search-contract.js';
import { createDynamoTestStore } from './support/dynamo-store.js';
import { useDynalite } from './support/emulators.js';

// The status search contract on dynalite: term partitions, hourly counters (fresh tables per case).
const dynalite = useDynalite();

runStatusSearchContract({
  name: 'dynamodb (dynalite)',
  create: async () => {
    const t = await createDynamoTestStore(dynalite.endpoint);
    return { store: t.store, cleanup: t.cleanup };
  },
});
