// The server's surface for tools that live in other workspace packages (the benchmark in packages/bench):
// populate or seed the configured store (opened through the wiring), start a child server with this environment,
// and share the CLI's conventions (usage errors, strict subcommands). Only what is exported here is reachable from outside
// (package.json "exports"), so the server's internals stay free to move.
export { ConfigError, childEnvironment, configFromEnvironment } from '../config/index.js';
export { StartupError } from '../runtimes/node/startup-error.js';
export { SERVER_NODE_FLAGS } from '../runtimes/node/heap-flags.js';
export { UsageError } from '../cli/usage-error.js';
export { parseWhole, strictCommand } from '../cli/options.js';
export { runProgram } from '../cli/run.js';
export { userAlias, type PopulationPlan } from '../population/graph.js';
export { randomIndex, sampleDistinct, seededRandom } from '../population/random.js';
export { personName } from '../population/names.js';
export { populatedVocabulary } from '../population/vocabulary.js';
export { populateStore } from '../population/populate-store.js';
export { openStoresChecked } from '../wiring/stores.js';
export {
  EMBEDDED_SCHEMA_VERSION,
  countEmbeddedFeedRows,
  embeddedSearchIndexSize,
  inspectEmbeddedFile,
  type EmbeddedDelivery,
} from '../wiring/embedded-file.js';
export { hashPassword } from '../domain/passwords.js';
export { hashToken, newToken } from '../domain/tokens.js';
export { systemClock } from '../ports/clock.js';
export type { UserRecord } from '../ports/store.js';
export { measureWriterCost, type WriterCost, type WriterCostOptions } from '../wiring/writer-cost.js';
