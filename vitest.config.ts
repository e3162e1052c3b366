import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Workspace packages from source (the web app's tests and its build resolve them the same way).
    alias: {
      '@tweeter/shared': fileURLToPath(new URL('./packages/shared/src/index.ts', import.meta.url)),
      '@tweeter/client': fileURLToPath(new URL('./packages/client/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}'],
    globalSetup: ['packages/server/test/global-setup.ts'],
    // Generous: CI machines are shared and small; speed is measured by the benchmark, never by these limits.
    testTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
