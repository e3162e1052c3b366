import { createServer } from 'node:net';
import { StartupError } from './startup-error.js';

/** A listen error (EADDRINUSE, EACCES...) as one line naming PORT or HOST and what to do; other errors as they are. */
export function listenFailure(err: unknown, host: string, port: number): unknown {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new StartupError(
        `PORT ${port} is in use on ${host}: stop the other server or set PORT (0 picks a free one)`,
      );
    case 'EACCES':
    case 'EPERM':
      return new StartupError(
        `PORT ${port} needs privileges this user lacks: set PORT to 1024 or above (0 picks a free one)`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(
        `HOST ${host} is not an address of this machine: set HOST (127.0.0.1, or 0.0.0.0 for every interface)`,
      );
    default:
      return err;
  }
}

/**
 * Checks that HOST:PORT can be listened on, by listening and closing at once, so that a taken port stops the
 * start before the data directory is created or migrated. PORT 0 always finds a free port, so it is not tried.
 */
export async function checkPort(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err) => reject(listenFailure(err, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
