/**
 * Something outside the program stops it from starting (the port is taken, DATA_DIR cannot be used, another
 * process holds the data directory). The message is one line naming the setting and what to do; the CLI prints
 * it and exits with status 2, like a configuration error.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
