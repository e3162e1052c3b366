import type { Api } from '../api/client.js';
import { failure, type Outcome } from './flows.js';
import type { Notifier } from './toasts.js';

/** The typed confirmation: my alias, with or without its @, in any case. */
export function confirmsAlias(typed: string, alias: string): boolean {
  return typed.trim().replace(/^@/, '').toLowerCase() === alias.toLowerCase();
}

/**
 * Deletes my account. The live stream is stopped first: the server closes it (4401) as the account goes, and there
 * is nothing to reconnect to; it starts again if the deletion is refused (a wrong password) or fails.
 */
export async function deleteAccount(
  deps: { api: Pick<Api, 'deleteAccount'>; stream: { stop(): void; start(): void }; notify: Notifier },
  password: string,
): Promise<Outcome<null>> {
  deps.stream.stop();
  try {
    await deps.api.deleteAccount(password);
    return { ok: true, value: null };
  } catch (err) {
    deps.stream.start();
    const message = failure('delete the account', err);
    deps.notify.error(message);
    return { ok: false, message };
  }
}
