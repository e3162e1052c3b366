import { configFromEnvironment } from '../../config/index.js';
import { createContext, type AppContext } from '../../context.js';

let booting: Promise<AppContext> | undefined;

/**
 * The function instance's one context, started when the module loads (Lambda's init phase) and reused by
 * every warm invocation. A configuration error rejects it: each invocation then fails with the full list.
 */
export function lambdaContext(): Promise<AppContext> {
  if (!booting) {
    booting = createContext(configFromEnvironment());
    booting.catch(() => undefined); // surfaced by the first invocation that awaits it, not as an unhandled rejection
  }
  return booting;
}
