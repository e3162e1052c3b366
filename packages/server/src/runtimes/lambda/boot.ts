import { configFromEnvironment, type Config } from '../../config/index.js';

/**
 * The function instance's one set of parts, built by `build` when the module loads (Lambda's init phase) and reused
 * by every warm invocation. A failed build rejects it: each invocation then fails with the reason.
 */
export function boot<T>(build: (config: Config) => Promise<T>): Promise<T> {
  const booting = build(configFromEnvironment());
  booting.catch(() => undefined); // surfaced by the first invocation that awaits it, not as an unhandled rejection
  return booting;
}
