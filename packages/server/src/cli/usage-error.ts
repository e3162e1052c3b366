/** A mistake in how a command was called: reported on one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
