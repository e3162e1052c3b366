// The server's test support for the tests of other workspace packages (the web app, the client, the benchmark):
// `@tweeter/server/test-support` (package.json "exports", read from this TypeScript source by vitest and tsc).
// The server's own tests import the files beside this one directly.
export { conformanceChecker, ConformanceChecker, type OpenApiDoc } from './openapi-conformance.js';
export { createTestApp, eventually, PNG_1PX, TEST_ENV, type TestApp, type TestAppOverrides } from './test-app.js';
export { useTestApp, useTestApps, type TestApps, type TestAppSetup } from './use-test-app.js';
