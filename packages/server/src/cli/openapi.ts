import type { Command } from 'commander';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { configFromEnvironment } from '../config/index.js';
import { strictCommand } from './options.js';

/** `tweeter openapi`: the OpenAPI document `GET /openapi.json` serves, written without starting a server. */
export function openapiCommand(): Command {
  return strictCommand('openapi')
    .description('Print the OpenAPI 3.1 document (as GET /openapi.json serves it; servers from PUBLIC_URL)')
    .option('--out <file>', 'write it to this file instead of standard output')
    .action(async (options: { out?: string }) => {
      // The app is built over a throwaway SQLite file: the document depends on the routes, never on the data.
      const dataDir = mkdtempSync(join(tmpdir(), 'tweeter-openapi-'));
      try {
        const [{ createNodeRuntime }, { buildApp }] = await Promise.all([
          import('../wiring/node-runtime.js'),
          import('../http/app.js'),
        ]);
        // The document does not depend on the shape: build the app on a throw-away embedded one.
        const ctx = await createNodeRuntime(
          configFromEnvironment({
            DATA_DIR: dataDir,
            LOG_LEVEL: 'silent',
            TWEETER_STORE: 'sqlite',
            TWEETER_QUEUE: 'sqlite',
            TWEETER_BLOBS: 'fs',
            TWEETER_REALTIME: 'ws',
          }),
        );
        const app = await buildApp(ctx);
        const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
        await app.close();
        await ctx.close();
        if (options.out) {
          mkdirSync(dirname(options.out), { recursive: true });
          writeFileSync(options.out, text);
        } else process.stdout.write(text);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
}
