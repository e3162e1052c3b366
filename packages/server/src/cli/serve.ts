import type { Command } from 'commander';
import { strictCommand } from './options.js';
import { configFromEnvironment } from '../config/index.js';
import { heapFlagsApplied, SERVER_NODE_FLAGS } from '../runtimes/node/heap-flags.js';
import { startServer, stopOnSignals } from '../runtimes/node/serve.js';

/** `tweeter serve`: HTTP + workers on SQLite under DATA_DIR. */
export function serveCommand(): Command {
  return strictCommand('serve')
    .description('Run the server: HTTP API on HOST:PORT and the job workers, storing everything under DATA_DIR')
    .option('-p, --port <port>', 'port to listen on (overrides PORT)')
    .option('--host <host>', 'address to listen on (overrides HOST)')
    .option('--data-dir <dir>', 'where to keep data (overrides DATA_DIR)')
    .action(async (opts: { port?: string; host?: string; dataDir?: string }) => {
      const config = configFromEnvironment({
        ...(opts.port !== undefined ? { PORT: opts.port } : {}),
        ...(opts.host !== undefined ? { HOST: opts.host } : {}),
        ...(opts.dataDir !== undefined ? { DATA_DIR: opts.dataDir } : {}),
      });
      const server = await startServer(config);
      // Not fatal (it serves), but uploads then cost the readers of this thread full collections: see heap-flags.ts.
      if (!heapFlagsApplied(process.execArgv)) {
        server.ctx.logger.warn(
          { flags: SERVER_NODE_FLAGS },
          'node was started without the server heap flags: run `tweeter serve` or `npm start`, or pass them to node',
        );
      }
      stopOnSignals(server);
    });
}
