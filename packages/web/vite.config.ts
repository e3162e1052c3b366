import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run dev`: Vite on :5173 with the API, media and live stream proxied to a server on :8080 (npm start).
const server = process.env.TWEETER_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // The shared contract and the typed client from source, as the tests read them: the same zod schemas the
    // server validates with, and no build of packages/client needed first (its `main` is dist/, absent on a clean
    // clone until `tsc -b`).
    alias: {
      '@tweeter/shared': fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)),
      '@tweeter/client': fileURLToPath(new URL('../client/src/index.ts', import.meta.url)),
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    proxy: {
      '/api/v1/stream': { target: server.replace(/^http/, 'ws'), ws: true },
      '/api': server,
      '/media': server,
    },
  },
});
