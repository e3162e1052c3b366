import type { Profile } from '@tweeter/shared';
import type { Api, RelationKind } from '../api/client.js';
import { failure, type Outcome } from './flows.js';
import type { Notifier } from './toasts.js';

const VERB: Record<RelationKind, [string, string]> = { block: ['block', 'unblock'], mute: ['mute', 'unmute'] };

/** Blocks or mutes `alias` (`on`), or undoes it, with a toast while it runs and one on failure. */
export async function setRelation(
  deps: { api: Api; notify: Notifier },
  kind: RelationKind,
  alias: string,
  on: boolean,
): Promise<Outcome<Profile>> {
  const verb = VERB[kind][on ? 0 : 1];
  const toast = deps.notify.info(`${verb[0]?.toUpperCase()}${verb.slice(1)}ing @${alias}...`);
  try {
    return { ok: true, value: await deps.api.setRelation(kind, alias, on) };
  } catch (err) {
    const message = failure(`${verb} @${alias}`, err);
    deps.notify.error(message);
    return { ok: false, message };
  } finally {
    deps.notify.dismiss(toast);
  }
}
