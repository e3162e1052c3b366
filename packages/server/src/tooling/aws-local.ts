// The AWS shape on local emulators, in one process, for the benchmark's side-by-side fan-out
// (`bench fanout --shape aws-local`). Separate from ./index.ts so that tools which never touch it do not load
// the AWS SDK.
export { createDocumentClient, mapLimit } from '../adapters/dynamodb/client.js';
export { loadConfig } from '../config/config.js';
export { createNodeRuntime } from '../wiring/node-runtime.js';
export { AWS_LOCAL_NAMES, provisionEmulators, startAwsLocalEmulators } from '../dev/aws-local-emulators.js';
export { EMULATOR_CREDENTIALS, withEmulatorCredentials } from '../dev/provision.js';
export { buildApp } from '../http/app.js';
